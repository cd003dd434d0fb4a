// Prints the lifecycle's transition table as docs/delivery.md shows it.
#include <iostream>

#include "gateway/domain/study_lifecycle.hpp"

int main() { std::cout << gw::domain::transition_table_markdown(); }
