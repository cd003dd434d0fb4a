#pragma once
// A whole file as text, for tests that read what a process wrote (logs, units, docs).
#include <filesystem>
#include <string>

namespace gw::test {

/// The file's contents; "" when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace gw::test
