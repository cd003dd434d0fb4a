#include "text_file.hpp"

#include <fstream>
#include <sstream>

namespace gw::test {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace gw::test
