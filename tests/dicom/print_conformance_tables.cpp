// Prints the SOP class and transfer syntax tables of docs/conformance-statement.md, as the
// default configuration negotiates them, for pasting between the markers.
#include <iostream>

#include "conformance_tables.hpp"

int main() {
  const gw::PresentationPolicy defaults;
  std::cout << gw::test::sop_class_table(defaults) << "\n"
            << gw::test::transfer_syntax_table(defaults);
  return 0;
}
