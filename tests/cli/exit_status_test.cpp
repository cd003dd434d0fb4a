// The exit status a script sees, command by command: 0 ok, 1 problems found, 2 usage error,
// 3 could not check. The real binary, each case as an administrator would meet it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <regex>

#include "cli_config.hpp"
#include "cli_process.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

constexpr int kOk = 0, kProblems = 1, kUsage = 2, kCannotCheck = 3;

/// Another process's SQLite connection holding the database's lock for as long as it lives
/// (exclusive locking mode: no other connection may even read).
class DatabaseLock {
 public:
  explicit DatabaseLock(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    sqlite3_exec(db_,
                 "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;"
                 "CREATE TABLE IF NOT EXISTS cli_test_lock(x); INSERT INTO cli_test_lock VALUES (1);",
                 nullptr, nullptr, nullptr);
  }
  ~DatabaseLock() { sqlite3_close(db_); }

 private:
  sqlite3* db_ = nullptr;
};

TEST(ExitStatus, VersionExitsZeroPrintingTheVersion) {
  const CliResult r = run_cli({"--version"});
  EXPECT_EQ(r.status, kOk) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^\d+\.\d+\.\d+)"))) << r.out;
}

TEST(ExitStatus, HelpOfEveryCommandExitsZeroAndEndsWithTheExitStatusTable) {
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{},
                                             {"run"},
                                             {"check-config"},
                                             {"route"},
                                             {"studies"},
                                             {"studies", "list"},
                                             {"studies", "show"},
                                             {"studies", "rule-hits"},
                                             {"studies", "retry"},
                                             {"studies", "resend"},
                                             {"studies", "forget"},
                                             {"studies", "verify"}}) {
    auto args = command;
    args.push_back("--help");
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.status, kOk) << args.size() << r.err;
    EXPECT_NE(r.out.find("Exit status"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("3  could not check"), std::string::npos) << r.out;
  }
}

TEST(ExitStatus, EveryParseErrorIsAUsageError) {
  CliConfig config;
  const std::string path = config.write();
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--no-such-option"},
           {},                                          // no command
           {"no-such-command"},
           {"studies", "list", "--no-such-option"},
           {"studies", "show"},                         // the UID is required
           {"route", "--config", path},                 // the paths are required
           {"check-config", "--online=maybe"},
           {"studies", "list", "--state", "lost", "--config", path},
           {"studies", "list", "--since", "last tuesday", "--config", path},
           {"studies", "verify", "--since", "soon", "--config", path},
           {"studies", "retry", "--config", path},      // neither a UID nor --all-failed
           {"route", "--peer-address", "not-an-ip", "--config", path, path}}) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.status, kUsage) << (args.empty() ? "(none)" : args[0]) << ' '
                                << (args.size() > 1 ? args[1] : "") << ":\n" << r.err;
  }
}

TEST(ExitStatus, CheckConfigFindsProblemsInAnInvalidFile) {
  CliConfig config;
  const std::string path = (config.dir() / "bad.yaml").string();
  std::ofstream(path) << "dicom: { colour: blue }\n";
  EXPECT_EQ(run_cli({"check-config", "--config", path}).status, kProblems);
  EXPECT_EQ(run_cli({"check-config", "--json", "--config", path}).status, kProblems);
  EXPECT_EQ(run_cli({"run", "--config", path}).status, kProblems) << "run refuses to start";
  EXPECT_EQ(run_cli({"check-config", "--config", config.write()}).status, kOk);
}

TEST(ExitStatus, CheckConfigOnlineCannotCheckWhenNothingListensAtTheViewer) {
  CliConfig config;
  const CliResult r = run_cli({"check-config", "--online", "--config", config.write()},
                              {{CliConfig::kKeyVariable, "key-never-printed"}});
  EXPECT_EQ(r.status, kCannotCheck) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find("key-never-printed"), std::string::npos);
}

TEST(ExitStatus, CheckConfigOnlineFindsAProblemWhenTheKeyIsMissing) {
  CliConfig config;
  ::unsetenv(CliConfig::kKeyVariable);
  const CliResult r = run_cli({"check-config", "--online", "--config", config.write()});
  EXPECT_EQ(r.status, kProblems) << r.out << r.err;
  EXPECT_NE(r.out.find(CliConfig::kKeyVariable), std::string::npos) << r.out;
}

TEST(ExitStatus, StudiesCommandsOnAnEmptyDatabaseFindNothingWrong) {
  CliConfig config;
  const std::string path = config.write();
  const CliResult list = run_cli({"studies", "list", "--config", path});
  EXPECT_EQ(list.status, kOk) << list.err;
  EXPECT_EQ(list.out, "");
  EXPECT_EQ(run_cli({"studies", "--config", path}).status, kOk);
  EXPECT_EQ(run_cli({"studies", "rule-hits", "--config", path}).status, kOk);
  // Nothing registered: nothing to ask the viewer, so its absence does not matter.
  EXPECT_EQ(run_cli({"studies", "verify", "--config", path}, {{CliConfig::kKeyVariable, "k"}}).status, kOk);
  EXPECT_EQ(run_cli({"studies", "verify", "--config", path}).status, kProblems) << "no API key";
  EXPECT_EQ(run_cli({"studies", "show", "1.2.3.4", "--config", path}).status, kProblems);
  EXPECT_EQ(run_cli({"studies", "retry", "1.2.3.4", "--config", path}).status, kProblems);
  EXPECT_EQ(run_cli({"studies", "forget", "1.2.3.4", "--config", path}).status, kProblems);
}

TEST(ExitStatus, ADatabaseLockedByAnotherProcessCannotBeChecked) {
  CliConfig config;
  const std::string path = config.write();
  ASSERT_EQ(run_cli({"studies", "list", "--config", path}).status, kOk);  // creates it
  DatabaseLock lock(config.database());
  const CliResult list = run_cli({"studies", "list", "--config", path});
  EXPECT_EQ(list.status, kCannotCheck) << list.err;
  EXPECT_NE(list.err.find("could not check"), std::string::npos) << list.err;
  const CliResult run = run_cli({"run", "--config", path}, {{CliConfig::kKeyVariable, "k"}});
  EXPECT_EQ(run.status, kCannotCheck) << run.err;
  EXPECT_NE(run.err.find("event=state_database_unreadable"), std::string::npos) << run.err;
}

TEST(ExitStatus, AnUnreadableDatabaseCannotBeChecked) {
  CliConfig config;
  std::ofstream(config.database()) << std::string(8192, 'x');  // not SQLite
  const CliResult r = run_cli({"studies", "list", "--json", "--config", config.write()});
  EXPECT_EQ(r.status, kCannotCheck) << r.err;
  EXPECT_EQ(r.out, "") << "nothing half-written on stdout";
}

TEST(ExitStatus, StudiesVerifyCannotCheckWhenTheViewerIsUnreachable) {
  GatewayHarness harness;
  harness.start_gateway();
  ASSERT_TRUE(send_files(harness.sender(), {harness.fixture("cr_no_description")}).associated);
  ASSERT_TRUE(harness.wait_for_registrations(1));
  // A second daemon against the same state refuses to start: a problem, named.
  const CliResult second = run_cli({"run", "--config", harness.config_path()},
                                   {{"GW_TEST_API_KEY", kApiKey}});
  EXPECT_EQ(second.status, kProblems) << second.err;
  EXPECT_NE(second.err.find("in use by"), std::string::npos) << second.err;

  const CliResult ok = run_cli({"studies", "verify", "--config", harness.config_path()},
                               {{"GW_TEST_API_KEY", kApiKey}});
  EXPECT_EQ(ok.status, kOk) << ok.err;
  EXPECT_EQ(ok.out, "") << "stdout lists only the studies not as registered";
  EXPECT_NE(ok.err.find("1 registered study checked, 0 not as registered"), std::string::npos) << ok.err;

  // The same state, its viewer on a port where nothing listens.
  CliConfig unreachable;
  const std::string path = (harness.dir() / "unreachable.yaml").string();
  std::ofstream(path) << "state: { database: " << (harness.dir() / "state.db").string() << " }\n"
                      << "viewer_api: { base_url: 'https://127.0.0.1:" << unreachable.closed_port()
                      << "/v1', api_key_env: GW_TEST_API_KEY, timeout: 2s }\n";
  const CliResult down = run_cli({"studies", "verify", "--config", path}, {{"GW_TEST_API_KEY", kApiKey}});
  EXPECT_EQ(down.status, kCannotCheck) << down.err;
  EXPECT_NE(down.err.find("cannot verify"), std::string::npos) << down.err;
}

}  // namespace
}  // namespace gw::test
