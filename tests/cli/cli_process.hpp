#pragma once
// Runs the real dicom-gateway binary to completion, keeping stdout and stderr apart: a
// command's stdout is what a script parses (TSV or JSON), its stderr is for the reader.
#include <map>
#include <string>
#include <vector>

namespace gw::test {

inline const std::string kCli = GW_CLI_BINARY;

/// What one run of a command gave. Value type.
struct CliResult {
  int status = -1;  // the exit status, or 128 + signal
  std::string out;
  std::string err;
};

/// Runs `kCli args…` with `extra_env` added to this process's environment; waits at most two
/// minutes (then SIGKILL).
CliResult run_cli(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& extra_env = {});

/// The lines of `text`, without their '\n'.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace gw::test
