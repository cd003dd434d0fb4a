// The fleet's settings: node.name, state.* (a PostgreSQL URI, its password's sources, the claim
// lease), what run locks, and what a log line may show of the database's location.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "api_key_source.hpp"
#include "gateway/config/config_loader.hpp"
#include "state_database.hpp"
#include "temp_dir.hpp"

namespace gw::app {
namespace {

const std::string kRouting =
    "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

config::LoadResult load(const std::string& yaml) {
  return config::load_config_text(yaml + kRouting, "t.yaml", {});
}

std::string first_message(const config::LoadResult& r) {
  return r.diagnostics.empty() ? std::string() : r.diagnostics.front().message;
}

TEST(StateSettings, WithoutANodeSectionTheNodeIsNamedAfterTheHost) {
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  const auto r = load("");
  ASSERT_TRUE(r.config) << first_message(r);
  EXPECT_EQ(r.config->node.name, host);
  EXPECT_EQ(r.config->state.claim_lease, std::chrono::seconds(60));
}

TEST(StateSettings, APostgresqlUriAndItsPasswordSourcesAreRead) {
  const auto r = load(
      "node: { name: gw-b }\n"
      "state:\n"
      "  database: postgresql://gateway@db1,db2/gateway?target_session_attrs=read-write\n"
      "  password_file: /etc/dicom-gateway/db-password\n"
      "  claim_lease: 2m\n");
  ASSERT_TRUE(r.config) << first_message(r);
  EXPECT_EQ(r.config->node.name, "gw-b");
  EXPECT_EQ(r.config->state.password_file, "/etc/dicom-gateway/db-password");
  EXPECT_EQ(r.config->state.claim_lease, std::chrono::minutes(2));
}

TEST(StateSettings, ALeaseShorterThanARequestIsRefusedWithItsLine) {
  // The user sees: t.yaml:3: 'state.claim_lease' must be at least 3s and at least
  // viewer_api.timeout (30s). Another node could otherwise adopt a claim whose request may
  // still reach the viewer.
  const auto r = load("state:\n  database: /tmp/s.db\n  claim_lease: 10s\n");
  EXPECT_FALSE(r.config);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].line, 3);
  EXPECT_NE(first_message(r).find("viewer_api.timeout (30s)"), std::string::npos) << first_message(r);
  EXPECT_TRUE(load("viewer_api: { timeout: 5s }\nstate: { claim_lease: 10s }\n").config);
}

TEST(StateSettings, ANodeNameWithSpacesOrQuotesIsRefused) {
  for (const char* bad : {"'gw a'", "'gw\"a'", "''"}) {
    // An empty name falls back to the host name; the others are refused.
    const auto r = load(std::string("node: { name: ") + bad + " }\n");
    if (std::string(bad) == "''") {
      EXPECT_TRUE(r.config) << first_message(r);
      continue;
    }
    EXPECT_FALSE(r.config) << bad;
    EXPECT_NE(first_message(r).find("node.name"), std::string::npos) << first_message(r);
  }
  EXPECT_FALSE(load("node: { nmae: gw-a }\n").config);  // a misspelt key is an error too
}

TEST(StateSettings, ALogLineShowsTheUriWithoutItsPassword) {
  EXPECT_EQ(printable_location("postgresql://gateway:s3cret@db1:5432/gw"),
            "postgresql://gateway:***@db1:5432/gw");
  EXPECT_EQ(printable_location("postgres://u:p%40ss@db1,db2/gw?target_session_attrs=read-write"),
            "postgres://u:***@db1,db2/gw?target_session_attrs=read-write");
  EXPECT_EQ(printable_location("postgresql://gateway@db1/gw"), "postgresql://gateway@db1/gw");
  EXPECT_EQ(printable_location("postgresql://db1:5432/gw"), "postgresql://db1:5432/gw");
  EXPECT_EQ(printable_location("/var/lib/dicom-gateway/state.db"), "/var/lib/dicom-gateway/state.db");
}

TEST(StateSettings, RunLocksTheSqliteFileButOnlyTheSpoolOnPostgresql) {
  auto sqlite = load("state: { database: /tmp/s.db }\nstorage: { spool_dir: /tmp/spool }\n");
  ASSERT_TRUE(sqlite.config);
  EXPECT_EQ(state_lock_paths(*sqlite.config),
            (std::vector<std::filesystem::path>{"/tmp/s.db", "/tmp/spool/.gateway"}));
  auto pg = load("state: { database: 'postgresql://g@db/gw' }\nstorage: { spool_dir: /tmp/spool }\n");
  ASSERT_TRUE(pg.config);
  EXPECT_EQ(state_lock_paths(*pg.config), (std::vector<std::filesystem::path>{"/tmp/spool/.gateway"}));
}

TEST(StateSettings, ThePasswordComesFromTheFileThenTheCredentialThenTheEnvironment) {
  test::TempDir dir;
  config::StateSettings s;
  s.password_env = "GW_TEST_DB_PASSWORD";
  ::unsetenv("GW_TEST_DB_PASSWORD");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_FALSE(load_state_password(s)) << "no source: libpq's own ways";
  ::setenv("GW_TEST_DB_PASSWORD", "from-env", 1);
  EXPECT_EQ(load_state_password(s).value_or(""), "from-env");
  std::ofstream(dir / "state-db-password") << "from-credential\n";
  ::setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
  EXPECT_EQ(load_state_password(s).value_or(""), "from-credential");
  s.password_file = (dir / "db-password").string();
  std::ofstream(s.password_file) << "from-file\n";
  ::chmod(s.password_file.c_str(), 0644);
  // The user sees: the state database password file … is readable by others; make it mode 0600.
  try {
    load_state_password(s);
    ADD_FAILURE() << "a world-readable password file was used";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("readable by others"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("from-file"), std::string::npos) << "never the secret";
  }
  ::chmod(s.password_file.c_str(), 0600);
  EXPECT_EQ(load_state_password(s).value_or(""), "from-file");
  ::unsetenv("GW_TEST_DB_PASSWORD");
  ::unsetenv("CREDENTIALS_DIRECTORY");
}

}  // namespace
}  // namespace gw::app
