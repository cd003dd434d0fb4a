// `dicom-gateway route` as an administrator uses it: why each study goes where it goes, and
// what a rules change would change, tried on studies already on disk. Nothing is sent.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "gateway_harness.hpp"

namespace gw::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCtStudy = "1.2.826.0.1.3680043.10.543.1";
constexpr const char* kMrStudy = "1.2.826.0.1.3680043.10.543.2";
constexpr const char* kPhantomStudy = "1.2.826.0.1.3680043.10.543.5";

std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

std::string fixture(const std::string& name) { return kFixtures + "/" + name + ".dcm"; }

/// Copies fixture `name` to `dir/relative`, making the folders on the way.
void place(const TempDir& dir, const std::string& name, const std::string& relative) {
  const fs::path target = dir / relative;
  fs::create_directories(target.parent_path());
  fs::copy_file(fixture(name), target);
}

int route(const std::vector<std::string>& args, std::string& output) {
  std::vector<std::string> argv{"route"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(kGatewayBinary, argv, output);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// How many lines start with `prefix`.
int lines_starting_with(const std::string& text, const std::string& prefix) {
  int count = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    if (text.compare(start, prefix.size(), prefix) == 0) ++count;
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return count;
}

/// The test rules with ct-urgent narrowed to the CT02 scanner: the change an administrator
/// wants to try on last week's studies before deploying it.
std::string narrowed_routing_yaml() {
  std::string yaml = test_routing_yaml();
  const std::string from = "calling_ae: [TEST_SCU, CT02]";
  yaml.replace(yaml.find(from), from.size(), "calling_ae: [CT02]");
  return yaml;
}

struct ExplainCase {
  const char* what;
  std::string file;
  std::vector<std::string> expected_lines;  // each must appear as a whole line
};

TEST(Route, ExplainsTheRuleThatMatchedWhyEachEarlierRuleDidNotAndTheJsonThatWouldBeSent) {
  TempDir dir;
  const std::string rules = write(dir, "rules.yaml", test_routing_yaml());
  const std::vector<ExplainCase> cases = {
      {"the first rule matches: nothing was skipped",
       "ct_chest_s1_i1",
       {"study " + std::string(kCtStudy) + " (1 file, first: " + fixture("ct_chest_s1_i1") + ")",
        "  rule ct-urgent -> register", "  skipped: (none)",
        "  json: {\"studyInstanceUid\":\"" + std::string(kCtStudy) +
            "\",\"studyDescription\":\"CT Chest with contrast\",\"severity\":\"high\","
            "\"assignedTo\":\"" + kUser + "\",\"expressCustomerId\":\"" + kCustomer +
            "\",\"metadata\":{\"department\":\"radiology\"}}"}},
      {"an ignored study: the earlier rule's failing condition, and nothing sent",
       "ct_phantom",
       {"  rule phantoms -> ignore",
        "  skipped: ct-urgent (line 3): StudyDescription regex \"(?i)chest\"; got \"QA phantom daily\"",
        "  json: (not sent: ignored)"}},
      {"the default: every rule's first failing condition, one per line",
       "mr_brain_latin1_i1",
       {"  rule default -> register",
        "  skipped: ct-urgent (line 3): Modality equals \"CT\"; got \"MR\"",
        "           phantoms (line 13): PatientName regex \"^PHANTOM\"; got \"M\xC3\xBCller^J\xC3\xBCrgen\""}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    std::string output;
    ASSERT_EQ(route({"--config", rules, "--calling-ae", "TEST_SCU", fixture(c.file)}, output), 0)
        << output;
    for (const auto& line : c.expected_lines) {
      EXPECT_TRUE(contains("\n" + output + "\n", "\n" + line + "\n")) << line << "\nin:\n" << output;
    }
  }
}

TEST(Route, AFolderIsWalkedRecursivelyAndEachStudyIsRoutedOnceWithItsFileCount) {
  TempDir dir;
  const std::string rules = write(dir, "rules.yaml", test_routing_yaml());
  place(dir, "ct_chest_s1_i1", "spool/day1/ct_chest_s1_i1.dcm");
  place(dir, "ct_chest_s1_i2", "spool/day1/ct_chest_s1_i2.dcm");
  place(dir, "ct_chest_s2_i1", "spool/day2/ct/ct_chest_s2_i1.dcm");
  place(dir, "ct_chest_s2_i2", "spool/day2/ct/ct_chest_s2_i2.dcm");
  place(dir, "mr_brain_latin1_i1", "spool/day2/mr_brain_latin1_i1.dcm");
  place(dir, "mr_brain_latin1_i2", "spool/day2/mr_brain_latin1_i2.dcm");
  write(dir, "spool/.incoming/partial.tmp", "half a dataset");  // hidden: the receiver's work

  std::string output;
  ASSERT_EQ(route({"--config", rules, "--calling-ae", "TEST_SCU", (dir / "spool").string()}, output), 0)
      << output;
  EXPECT_EQ(lines_starting_with(output, "study "), 2) << output;
  EXPECT_TRUE(contains(output, "study " + std::string(kCtStudy) + " (4 files, first: " +
                                   (dir / "spool/day1/ct_chest_s1_i1.dcm").string() + ")\n"
                                   "  rule ct-urgent -> register\n"))
      << output;
  EXPECT_TRUE(contains(output, "study " + std::string(kMrStudy) + " (2 files, first: " +
                                   (dir / "spool/day2/mr_brain_latin1_i1.dcm").string() + ")\n"
                                   "  rule default -> register\n"))
      << output;
  EXPECT_FALSE(contains(output, "partial.tmp")) << output;
}

TEST(Route, JsonGivesOneArrayWithTheDecisionTheSkippedRulesAndTheRequest) {
  TempDir dir;
  const std::string rules = write(dir, "rules.yaml", test_routing_yaml());
  std::string output;
  ASSERT_EQ(route({"--config", rules, "--calling-ae", "TEST_SCU", "--json", fixture("ct_chest_s1_i1"),
                   fixture("ct_chest_s1_i2"), fixture("mr_brain_latin1_i1"), fixture("ct_phantom")},
                  output),
            0)
      << output;
  const boost::json::array studies = boost::json::parse(output).as_array();
  ASSERT_EQ(studies.size(), 3u) << output;

  const auto& ct = studies[0].as_object();
  EXPECT_EQ(ct.at("studyInstanceUid").as_string(), kCtStudy);
  EXPECT_EQ(ct.at("files").as_int64(), 2);
  EXPECT_EQ(ct.at("firstFile").as_string(), fixture("ct_chest_s1_i1"));
  EXPECT_EQ(ct.at("rule").as_string(), "ct-urgent");
  EXPECT_EQ(ct.at("action").as_string(), "register");
  EXPECT_TRUE(ct.at("skipped").as_array().empty());
  EXPECT_TRUE(ct.at("warnings").as_array().empty());
  EXPECT_EQ(ct.at("request").at("severity").as_string(), "high");
  EXPECT_EQ(ct.at("request").at("assignedTo").as_string(), kUser);

  const auto& mr = studies[1].as_object();
  EXPECT_EQ(mr.at("rule").as_string(), "default");
  const auto& skipped = mr.at("skipped").as_array();
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].at("rule").as_string(), "ct-urgent");
  EXPECT_EQ(skipped[0].at("line").as_int64(), 3);
  EXPECT_EQ(skipped[0].at("failedCondition").as_string(), "Modality equals \"CT\"; got \"MR\"");
  EXPECT_EQ(skipped[1].at("rule").as_string(), "phantoms");
  EXPECT_EQ(mr.at("request").at("expressCustomerId").as_string(), kOtherCustomer);

  const auto& phantom = studies[2].as_object();
  EXPECT_EQ(phantom.at("studyInstanceUid").as_string(), kPhantomStudy);
  EXPECT_EQ(phantom.at("action").as_string(), "ignore");
  EXPECT_TRUE(phantom.at("request").is_null()) << "an ignored study sends nothing";
}

TEST(Route, AgainstAnotherFilePrintsOnlyTheStudiesDecidedDifferentlyWithBothDecisions) {
  TempDir dir;
  const std::string rules = write(dir, "rules.yaml", test_routing_yaml());
  const std::string candidate = write(dir, "candidate.yaml", narrowed_routing_yaml());
  std::string output;
  ASSERT_EQ(route({"--config", rules, "--against", candidate, "--calling-ae", "TEST_SCU",
                   fixture("ct_chest_s1_i1"), fixture("ct_chest_s1_i2"), fixture("ct_phantom"),
                   fixture("mr_brain_latin1_i1")},
                  output),
            0)
      << output;
  EXPECT_EQ(lines_starting_with(output, "study "), 1) << output;
  EXPECT_TRUE(contains(
      output, "study " + std::string(kCtStudy) + " (2 files, first: " + fixture("ct_chest_s1_i1") +
                  ")\n"
                  "  differs: rule, severity, assignedTo, expressCustomerId, metadata\n"
                  "  --config:  rule ct-urgent -> register\n"
                  "             json: {\"studyInstanceUid\":\"" + kCtStudy + "\""))
      << output;
  EXPECT_TRUE(contains(output, "\n  --against: rule default -> register\n"
                               "             json: {\"studyInstanceUid\":\"" +
                                   std::string(kCtStudy) +
                                   "\",\"studyDescription\":\"CT Chest with contrast\","
                                   "\"severity\":\"normal\",\"expressCustomerId\":\"" +
                                   kOtherCustomer + "\"}\n"))
      << output;
  EXPECT_FALSE(contains(output, kMrStudy)) << "decided alike: not printed\n" << output;
  EXPECT_FALSE(contains(output, kPhantomStudy)) << output;
  EXPECT_TRUE(contains(output, "\n1 of 3 studies decided differently\n")) << output;
}

TEST(Route, AgainstWithJsonGivesEachDifferingStudyWithBothDecisions) {
  TempDir dir;
  const std::string rules = write(dir, "rules.yaml", test_routing_yaml());
  const std::string candidate = write(dir, "candidate.yaml", narrowed_routing_yaml());
  std::string output;
  ASSERT_EQ(route({"--config", rules, "--against", candidate, "--calling-ae", "TEST_SCU", "--json",
                   fixture("ct_chest_s1_i1"), fixture("mr_brain_latin1_i1")},
                  output),
            0)
      << output;
  const boost::json::array studies = boost::json::parse(output).as_array();
  ASSERT_EQ(studies.size(), 1u) << output;
  const auto& ct = studies[0].as_object();
  EXPECT_EQ(ct.at("studyInstanceUid").as_string(), kCtStudy);
  EXPECT_EQ(ct.at("differs").as_array().front().as_string(), "rule");
  EXPECT_EQ(ct.at("config").at("rule").as_string(), "ct-urgent");
  EXPECT_EQ(ct.at("config").at("request").at("severity").as_string(), "high");
  EXPECT_EQ(ct.at("against").at("rule").as_string(), "default");
  EXPECT_EQ(ct.at("against").at("action").as_string(), "register");
  EXPECT_EQ(ct.at("against").at("request").at("severity").as_string(), "normal");
}

TEST(Route, AnUnreadableFileIsReportedAndExitsOneWhileTheOtherStudiesStillPrint) {
  TempDir dir;
  const std::string rules = write(dir, "rules.yaml", test_routing_yaml());
  const std::string not_dicom = write(dir, "notes.dcm", "not a DICOM file\n");
  const std::string missing = (dir / "missing.dcm").string();
  std::string output;
  EXPECT_EQ(route({"--config", rules, not_dicom, fixture("ct_chest_s1_i1"), missing,
                   fixture("no_study_uid"), fixture("mr_brain_latin1_i1")},
                  output),
            1)
      << output;
  EXPECT_TRUE(contains(output, not_dicom + ": not a readable DICOM file")) << output;
  EXPECT_TRUE(contains(output, missing + ": no such file or folder")) << output;
  EXPECT_TRUE(contains(output, fixture("no_study_uid") + ": no StudyInstanceUID")) << output;
  EXPECT_TRUE(contains(output, "study " + std::string(kCtStudy) + " (1 file")) << output;
  EXPECT_TRUE(contains(output, "study " + std::string(kMrStudy) + " (1 file")) << output;
}

TEST(Route, AnInvalidConfigurationOnEitherSideIsReportedAndExitsOne) {
  TempDir dir;
  const std::string rules = write(dir, "rules.yaml", test_routing_yaml());
  const std::string broken = write(dir, "broken.yaml",
                                   "routing:\n"
                                   "  rules:\n"
                                   "    - name: bad\n"
                                   "      match: { Modality: { regex: \"(unclosed\" } }\n"
                                   "      action: ignore\n");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--config", broken, fixture("ct_chest_s1_i1")},
           {"--config", rules, "--against", broken, fixture("ct_chest_s1_i1")}}) {
    std::string output;
    EXPECT_EQ(route(args, output), 1) << output;
    EXPECT_TRUE(contains(output, broken + ":4:")) << output;
    EXPECT_FALSE(contains(output, "study ")) << output;
  }
}

TEST(Route, TheSimulatedAssociationIsMatchedByCalledAeAndPeerAddress) {
  TempDir dir;
  const std::string rules = write(dir, "rules.yaml",
                                  "dicom: { ae_title: MAIN_GW }\n"
                                  "routing:\n"
                                  "  rules:\n"
                                  "    - name: research-gateway\n"
                                  "      match:\n"
                                  "        called_ae: RESEARCH_GW\n"
                                  "        peer_address: { cidr: 10.0.0.0/8 }\n"
                                  "      action: ignore\n");
  std::string output;
  ASSERT_EQ(route({"--config", rules, "--called-ae", "RESEARCH_GW", "--peer-address", "10.1.2.3",
                   fixture("cr_no_description")},
                  output),
            0)
      << output;
  EXPECT_TRUE(contains(output, "  rule research-gateway -> ignore\n")) << output;

  ASSERT_EQ(route({"--config", rules, "--peer-address", "10.1.2.3", fixture("cr_no_description")},
                  output),
            0)
      << output;
  EXPECT_TRUE(contains(output, "  skipped: research-gateway (line 4): called_ae equals "
                               "\"RESEARCH_GW\"; got \"MAIN_GW\"\n"))
      << "without --called-ae, the configured AE title\n" << output;

  EXPECT_EQ(route({"--config", rules, "--peer-address", "not-an-ip", fixture("cr_no_description")},
                  output),
            2)
      << "a malformed argument is a usage error";
  EXPECT_TRUE(contains(output, "not-an-ip is not an IP address")) << output;
}

}  // namespace
}  // namespace gw::test
