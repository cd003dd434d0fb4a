#pragma once
// The exit status of every command: scripts branch on it, so it means the same everywhere,
// and --help's footer and dicom-gateway(8) print the same table.
#include <string_view>

namespace gw::app {

enum ExitStatus : int {
  exit_ok = 0,           // done, nothing wrong found
  exit_problems = 1,     // problems found (also: `run` refused to start for one)
  exit_usage = 2,        // the command line is wrong (CLI11's parse errors included)
  exit_cannot_check = 3  // could not check: the viewer unreachable, the database busy or unreadable
};

/// The table as --help prints it under every command.
inline constexpr std::string_view kExitStatusHelp =
    "Exit status (every command):\n"
    "  0  ok: done, nothing wrong found\n"
    "  1  problems found (run: refused to start for one)\n"
    "  2  usage error: unknown command or option, missing or malformed argument\n"
    "  3  could not check: viewer unreachable, state database busy or unreadable\n"
    "See dicom-gateway(8).";

}  // namespace gw::app
