// What scripts parse: `--json` is one JSON document with the documented keys; TSV is lines of
// a constant number of tab-separated fields, never a comment or a summary line.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>

#include "cli_config.hpp"
#include "cli_process.hpp"
#include "gateway_harness.hpp"

namespace gw::test {
namespace {

namespace json = boost::json;

constexpr const char* kRegistered = "1.2.826.0.1.3680043.10.543.3";  // cr_no_description

/// Parses stdout as exactly one JSON document (fails the test otherwise).
json::value parse(const CliResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.out, ec);
  EXPECT_FALSE(ec) << ec.message() << ":\n" << r.out << r.err;
  return v;
}

/// Every line has `columns` tab-separated fields, and none is a comment or blank.
void expect_tsv(const std::string& out, std::size_t columns) {
  for (const auto& line : lines_of(out)) {
    EXPECT_FALSE(line.empty()) << out;
    EXPECT_NE(line.front(), '#') << line;
    EXPECT_EQ(static_cast<std::size_t>(std::count(line.begin(), line.end(), '\t')) + 1, columns)
        << line;
  }
}

void expect_keys(const json::object& o, std::initializer_list<const char*> keys) {
  for (const char* key : keys) EXPECT_TRUE(o.contains(key)) << key << " missing in " << o;
}

class OutputFormat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    harness_ = new GatewayHarness;
    harness_->start_gateway();
    ASSERT_TRUE(send_files(harness_->sender(), {harness_->fixture("cr_no_description"),
                                                harness_->fixture("ct_phantom")})
                    .associated);
    ASSERT_TRUE(harness_->wait_for_registrations(1));
    ::setenv("GW_TEST_API_KEY", kApiKey.c_str(), 1);  // the key the configuration names
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  static CliResult studies(std::vector<std::string> args) {
    args.insert(args.begin(), "studies");
    args.insert(args.end(), {"--config", harness_->config_path()});
    return run_cli(args);
  }
  static GatewayHarness* harness_;
};
GatewayHarness* OutputFormat::harness_ = nullptr;

TEST_F(OutputFormat, StudiesListIsPlainTsvWithFiveColumnsAndNoRuleHitComments) {
  const CliResult r = studies({"list"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 2u) << r.out;
  expect_tsv(r.out, 5);
  EXPECT_NE(r.out.find(std::string(kRegistered) + "\tregistered\t1\tstu_"), std::string::npos) << r.out;
  EXPECT_EQ(studies({}).out, r.out) << "`studies` alone is `studies list`";
}

TEST_F(OutputFormat, StudiesListJsonIsAnArrayOfStudies) {
  const CliResult r = studies({"list", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const json::array studies_json = parse(r).as_array();
  ASSERT_EQ(studies_json.size(), 2u);
  for (const auto& s : studies_json) {
    // The console's shape of a study (operations::study_summary): one shape for both tools.
    expect_keys(s.as_object(), {"studyInstanceUid", "state", "description", "accessionNumber",
                                "modalities", "callers", "instances", "series", "bytes", "firstSeen",
                                "lastInstance", "attempts", "studyId", "lastError", "rule"});
    EXPECT_TRUE(s.at("modalities").is_array()) << s;
    EXPECT_TRUE(s.at("firstSeen").is_string()) << s;
  }
}

TEST_F(OutputFormat, StudiesShowJsonHoldsTheStudyAndItsHistory) {
  const CliResult r = studies({"show", kRegistered, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const json::object study = parse(r).as_object();
  expect_keys(study, {"studyInstanceUid", "state", "nextAttempt", "request", "history", "commitments"});
  EXPECT_EQ(study.at("state").as_string(), "registered");
  ASSERT_EQ(study.at("history").as_array().size(), 1u);
  expect_keys(study.at("history").as_array()[0].as_object(),
              {"at", "outcome", "httpStatus", "durationMs", "error"});
}

TEST_F(OutputFormat, RuleHitsAreTheirOwnCommandInTsvAndJson) {
  const CliResult text = studies({"rule-hits"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_EQ(text.out, "ct-urgent\t0\nphantoms\t1\ndefault\t1\n") << "dead rules at zero";
  expect_tsv(text.out, 2);
  const CliResult r = studies({"rule-hits", "--json"});
  const json::object hits = parse(r).as_object();
  expect_keys(hits, {"since", "rules"});
  EXPECT_EQ(hits.at("rules").as_array().size(), 3u);
  expect_keys(hits.at("rules").as_array()[1].as_object(), {"rule", "studies"});
}

TEST_F(OutputFormat, StudiesVerifyJsonCountsWhatItChecked) {
  const CliResult r = studies({"verify", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const json::object verified = parse(r).as_object();
  EXPECT_EQ(verified.at("checked").as_int64(), 1);
  EXPECT_TRUE(verified.at("problems").as_array().empty());
}

TEST_F(OutputFormat, CheckConfigJsonReportsTheOnlineChecks) {
  const CliResult r = run_cli({"check-config", "--online", "--json", "--config", harness_->config_path()});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const json::object report = parse(r).as_object();
  EXPECT_EQ(report.at("valid").as_bool(), true);
  EXPECT_EQ(report.at("rules").as_int64(), 2);
  const json::object& online = report.at("online").as_object();
  EXPECT_EQ(online.at("apiKey").as_string(), "accepted");
  EXPECT_EQ(online.at("problems").as_int64(), 0);
  EXPECT_FALSE(online.at("customers").as_array().empty());
  expect_keys(online.at("customers").as_array()[0].as_object(), {"id", "name", "status"});
}

TEST_F(OutputFormat, RouteJsonIsAnArrayWithOneEntryPerStudy) {
  const CliResult r = run_cli({"route", "--json", "--config", harness_->config_path(),
                               harness_->fixture("cr_no_description")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse(r).as_array().size(), 1u);
}

TEST(CheckConfigJson, AnInvalidFileListsEveryDiagnosticWithItsPlace) {
  CliConfig config;
  const std::string path = (config.dir() / "bad.yaml").string();
  std::ofstream(path) << "dicom:\n  colour: blue\n";
  const CliResult r = run_cli({"check-config", "--json", "--config", path});
  EXPECT_EQ(r.status, 1);
  const json::object report = parse(r).as_object();
  EXPECT_EQ(report.at("valid").as_bool(), false);
  EXPECT_TRUE(report.at("online").is_null());
  const json::array& diagnostics = report.at("diagnostics").as_array();
  ASSERT_FALSE(diagnostics.empty());
  const json::object& first = diagnostics[0].as_object();
  EXPECT_EQ(first.at("line").as_int64(), 2);
  EXPECT_EQ(first.at("column").as_int64(), 3);
  EXPECT_EQ(first.at("level").as_string(), "error");
  EXPECT_NE(std::string(first.at("message").as_string()).find("colour"), std::string::npos);
}

TEST(CheckConfigJson, OfflineTheOnlinePartIsNull) {
  CliConfig config;
  const CliResult r = run_cli({"check-config", "--json", "--config", config.write()});
  EXPECT_EQ(r.status, 0) << r.err;
  const json::object report = parse(r).as_object();
  EXPECT_EQ(report.at("valid").as_bool(), true);
  EXPECT_TRUE(report.at("diagnostics").as_array().empty());
  EXPECT_TRUE(report.at("online").is_null());
}

}  // namespace
}  // namespace gw::test
