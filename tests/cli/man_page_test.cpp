// dicom-gateway(8) is valid roff and names every command and option --help lists, so the two
// cannot drift apart.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cli_process.hpp"

namespace gw::test {
namespace {

const std::string kManPage = GW_MAN_PAGE;
const std::string kGroff = GW_GROFF;

/// The page's text with roff's escaped hyphens (`\-`) made plain.
std::string man_text() {
  std::ifstream in(kManPage);
  std::stringstream text;
  text << in.rdbuf();
  std::string page = text.str();
  return std::regex_replace(page, std::regex(R"(\\-)"), "-");
}

/// Every --option the help of `command` lists, and its subcommands' names.
void collect(const std::vector<std::string>& command, std::set<std::string>& options,
             std::set<std::string>& subcommands) {
  auto args = command;
  args.push_back("--help");
  const CliResult r = run_cli(args);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::regex option(R"(--[a-z][a-z-]*)");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), option); it != std::sregex_iterator(); ++it) {
    options.insert(it->str());
  }
  bool in_subcommands = false;
  for (const auto& line : lines_of(r.out)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_subcommands = true;
    } else if (in_subcommands && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
      const std::string name = line.substr(2, line.find(' ', 2) - 2);
      auto sub = command;
      sub.push_back(name);
      subcommands.insert(name);
      collect(sub, options, subcommands);
    } else if (line.empty() || line[0] != ' ') {
      in_subcommands = false;
    }
  }
}

TEST(ManPage, IsValidRoffWithoutWarnings) {
  if (kGroff.empty() || kGroff.find("NOTFOUND") != std::string::npos) GTEST_SKIP() << "no groff";
  const std::string command = kGroff + " -man -ww -z " + kManPage + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string warnings;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) warnings += buffer;
  EXPECT_EQ(::pclose(pipe), 0);
  EXPECT_EQ(warnings, "");
}

TEST(ManPage, NamesEveryCommandAndOptionTheHelpLists) {
  std::set<std::string> options, subcommands;
  collect({}, options, subcommands);
  EXPECT_GE(subcommands.size(), 10u) << "run, check-config, route, studies and its seven";
  EXPECT_TRUE(options.count("--json"));
  const std::string page = man_text();
  for (const auto& option : options) {
    EXPECT_NE(page.find(option), std::string::npos) << option << " is not in the man page";
  }
  for (const auto& name : subcommands) {
    const bool entry = page.find("\n.B " + name + "\n") != std::string::npos ||
                       page.find("\n.B studies " + name + "\n") != std::string::npos;
    EXPECT_TRUE(entry) << name << " has no entry in the man page";
  }
}

TEST(ManPage, HasTheSectionsAdministratorsLookFor) {
  const std::string page = man_text();
  for (const char* section : {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH EXIT STATUS",
                              ".SH ENVIRONMENT", ".SH FILES", ".SH SIGNALS", ".SH SEE ALSO"}) {
    EXPECT_NE(page.find(section), std::string::npos) << section;
  }
  for (const char* word : {"JOURNAL_STREAM", "CREDENTIALS_DIRECTORY", "SIGHUP", "SIGTERM",
                           "/etc/dicom-gateway/gateway.yaml", "/etc/dicom-gateway/api-key",
                           "/var/lib/dicom-gateway"}) {
    EXPECT_NE(page.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace gw::test
