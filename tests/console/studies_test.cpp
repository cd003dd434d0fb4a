// The study list (pages, search, filters), a study's page, routing a file and the rules, on
// seven studies sent once for the suite. The tests only read, or route without storing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <iterator>
#include <algorithm>
#include <set>

#include "console_gateway.hpp"

namespace gw::test {
namespace {

using http::verb;

const std::string kBase = "1.2.826.0.1.3680043.10.543.72.";

/// Sent oldest first: 1-5 from TEST_SCU, 6-7 from CT02. The ct-urgent rule takes CT chest
/// studies from either; 7 is a phantom (ignored); the rest go to the default.
std::vector<TestStudy> from_test_scu() {
  return {{kBase + "1", "Chest CT routine", "ACC-1001"},
          {kBase + "2", "Chest CT follow-up", "ACC-1002"},
          {kBase + "3", "Knee MR", "ACC-1003", "MR"},
          {kBase + "4", "Abdomen CT", "ACC-XRAY-7781"},
          {kBase + "5", "Head CT", "ACC-1005"}};
}
std::vector<TestStudy> from_ct02() {
  return {{kBase + "6", "CHEST low dose", "ACC-1006"},
          {kBase + "7", "Phantom QA", "ACC-1007", "CT", "PHANTOM^QA"}};
}

class ConsoleStudies : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = std::make_unique<ConsoleGateway>();
    gateway_->start();
    if (gateway_->port() == 0) return;
    gateway_->send(from_test_scu(), "TEST_SCU");
    gateway_->send(from_ct02(), "CT02");
    ASSERT_TRUE(gateway_->harness().wait_for_registrations(6)) << gateway_->harness().gateway().output();
    ASSERT_EQ(gateway_->state_of(kBase + "7"), "ignored");
  }
  static void TearDownTestSuite() { gateway_.reset(); }
  void SetUp() override { ASSERT_NE(gateway_->port(), 0) << "the shared gateway did not start"; }

  /// GET /api/v1/studies?QUERY as a script: the UIDs in the order given, and nextCursor.
  static std::pair<std::vector<std::string>, boost::json::value> list(const std::string& query) {
    const auto reply = gateway_->as(kNurse, verb::get, "/api/v1/studies?" + query);
    EXPECT_EQ(reply.status(), 200) << query << ": " << reply.body();
    if (reply.status() != 200) return {};
    const auto body = reply.json().as_object();
    std::vector<std::string> uids;
    for (const auto& s : body.at("studies").as_array()) uids.push_back(str(s.as_object(), "studyInstanceUid"));
    return {uids, body.at("nextCursor")};
  }
  static std::vector<std::string> uids(std::initializer_list<int> numbers) {
    std::vector<std::string> out;
    for (int n : numbers) out.push_back(kBase + std::to_string(n));
    return out;
  }
  static boost::json::object study_page(const std::string& uid) {
    const auto reply = gateway_->as(kAdmin, verb::get, "/api/v1/studies/" + uid);
    EXPECT_EQ(reply.status(), 200) << reply.body();
    return reply.status() == 200 ? reply.json().as_object() : boost::json::object{};
  }
  static std::string file_of(const TestStudy& study) {
    const std::string path = (gateway_->harness().dir() / "upload.dcm").string();
    write_study(path, study);
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  static inline std::unique_ptr<ConsoleGateway> gateway_;
};

TEST_F(ConsoleStudies, PagesOfThreeWalkEveryStudyNewestFirstWithoutDuplicates) {
  std::vector<std::string> seen;
  std::vector<std::size_t> sizes;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    const auto [studies, next] = list("limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
    seen.insert(seen.end(), studies.begin(), studies.end());
    sizes.push_back(studies.size());
    if (next.is_null()) break;
    ASSERT_TRUE(next.is_string()) << next;
    cursor = std::string(next.as_string());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 1}));
  EXPECT_EQ(seen, uids({7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << "no duplicates";
  // Exactly a page's worth left: the last full page says so with a null cursor.
  const auto [six, after_six] = list("limit=6");
  ASSERT_TRUE(after_six.is_string());
  const auto [last, none] = list("limit=1&cursor=" + std::string(after_six.as_string()));
  EXPECT_EQ(last, uids({1}));
  EXPECT_TRUE(none.is_null()) << none;
}

TEST_F(ConsoleStudies, TheSearchMatchesDescriptionAccessionNumberOrUidIgnoringCase) {
  EXPECT_EQ(list("q=chest").first, uids({6, 2, 1}));
  EXPECT_EQ(list("q=CHEST%20ct").first, uids({2, 1}));
  EXPECT_EQ(list("q=xray-7781").first, uids({4})) << "accession number, other case";
  EXPECT_EQ(list("q=543.72.5").first, uids({5})) << "a piece of the UID";
  EXPECT_EQ(list("q=no-such-thing").first, std::vector<std::string>{});
  EXPECT_EQ(list("q=%25").first, std::vector<std::string>{}) << "% is a character, not a wildcard";
  EXPECT_EQ(list("q=_").first, std::vector<std::string>{}) << "_ is a character, not a wildcard";
  EXPECT_EQ(list("q=" + kPatientName.substr(0, 8)).first, std::vector<std::string>{})
      << "the patient's name is not searchable";
}

TEST_F(ConsoleStudies, TheStateFilterShowsOnlyStudiesInThatState) {
  EXPECT_EQ(list("state=registered").first, uids({6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(list("state=ignored").first, uids({7}));
  EXPECT_EQ(list("state=failed").first, std::vector<std::string>{});
}

TEST_F(ConsoleStudies, TheCallingAeFilterShowsWhatOneModalitySent) {
  EXPECT_EQ(list("calling_ae=CT02").first, uids({7, 6}));
  EXPECT_EQ(list("calling_ae=TEST_SCU&state=registered&q=chest").first, uids({2, 1}));
  EXPECT_EQ(list("calling_ae=NOBODY").first, std::vector<std::string>{});
}

TEST_F(ConsoleStudies, SinceAndUntilFilterByArrivalAsDatesOrDurationsAgo) {
  EXPECT_EQ(list("since=1h").first.size(), 7u);
  EXPECT_EQ(list("until=1h").first, std::vector<std::string>{}) << "until an hour ago: none yet";
  EXPECT_EQ(list("since=2000-01-01").first.size(), 7u);
  EXPECT_EQ(list("since=2000-01-01&until=2000-12-31").first, std::vector<std::string>{});
  EXPECT_EQ(list("since=2999-01-01T00:00:00Z").first, std::vector<std::string>{});
}

TEST_F(ConsoleStudies, ABadFilterIs400InvalidRequest) {
  for (const std::string query : {"state=lost", "limit=0", "limit=501", "limit=ten", "since=yesterday",
                                  "until=soon", "cursor=not-a-cursor"}) {
    const auto reply = gateway_->as(kNurse, verb::get, "/api/v1/studies?" + query);
    EXPECT_EQ(reply.status(), 400) << query << ": " << reply.body();
    EXPECT_EQ(reply.error_code(), "invalid_request") << query;
  }
}

TEST_F(ConsoleStudies, AStudyInTheListCarriesItsSummary) {
  const auto reply = gateway_->as(kNurse, verb::get, "/api/v1/studies?q=ACC-1006");
  ASSERT_EQ(reply.status(), 200);
  const boost::json::value body = reply.json();
  const auto& studies = body.as_object().at("studies").as_array();
  ASSERT_EQ(studies.size(), 1u);
  const auto& s = studies[0].as_object();
  EXPECT_EQ(str(s, "state"), "registered");
  EXPECT_EQ(str(s, "description"), "CHEST low dose");
  EXPECT_EQ(str(s, "accessionNumber"), "ACC-1006");
  EXPECT_EQ(s.at("modalities"), (boost::json::array{"CT"}));
  EXPECT_EQ(s.at("callers"), (boost::json::array{"CT02"}));
  EXPECT_EQ(s.at("instances").to_number<int>(), 1);
  EXPECT_EQ(str(s, "rule"), "ct-urgent");
  EXPECT_TRUE(str(s, "studyId").starts_with("stu_")) << s;
  EXPECT_FALSE(str(s, "firstSeen").empty());
}

TEST_F(ConsoleStudies, AStudysPageShowsFactsRequestAttemptsAndRulesButNoPatientIdentity) {
  const std::string uid = kBase + "1";
  const auto page = study_page(uid);
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(str(page.at("study").as_object(), "state"), "registered");

  const auto& facts = page.at("facts").as_object();
  EXPECT_EQ(facts.at("StudyDescription"), (boost::json::array{"Chest CT routine"})) << facts;
  EXPECT_EQ(facts.at("Modality"), (boost::json::array{"CT"})) << facts;
  EXPECT_EQ(facts.at("AccessionNumber"), (boost::json::array{"ACC-1001"})) << facts;
  for (const std::string key : {"PatientName", "PatientID", "PatientBirthDate", "00100010", "00100020",
                                "00100030", "(0010,0010)"}) {
    EXPECT_FALSE(facts.contains(key)) << key << " in " << facts;
  }
  for (const auto& [key, value] : facts) {
    EXPECT_FALSE(std::string(key).starts_with("Patient")) << key;
    EXPECT_FALSE(std::string(key).starts_with("0010")) << key;
  }

  // The request is what the viewer received.
  std::optional<boost::json::object> sent;
  for (const auto& body : gateway_->harness().create_bodies()) {
    if (str(body, "studyInstanceUid") == uid) sent = body;
  }
  ASSERT_TRUE(sent);
  EXPECT_EQ(page.at("request"), *sent);

  const auto& attempts = page.at("attempts").as_array();
  ASSERT_EQ(attempts.size(), 1u) << attempts;
  EXPECT_FALSE(str(attempts[0].as_object(), "outcome").empty()) << attempts;
  EXPECT_EQ(attempts[0].as_object().at("httpStatus").to_number<int>(), 201) << attempts;

  const auto& routing = page.at("routing").as_object();
  EXPECT_EQ(str(routing, "rule"), "ct-urgent");
  EXPECT_EQ(str(routing, "action"), "register");
  const auto& explanation = routing.at("explanation").as_array();
  ASSERT_EQ(explanation.size(), 2u) << explanation;
  EXPECT_EQ(str(explanation[0].as_object(), "rule"), "ct-urgent");
  EXPECT_TRUE(explanation[0].as_object().at("matched").as_bool());
  EXPECT_EQ(str(explanation[1].as_object(), "rule"), "phantoms");
  EXPECT_FALSE(page.at("timeline").as_array().empty());
  EXPECT_EQ(page.at("actions"), (boost::json::array{"resend", "forget"})) << "an operator, a registered study";
}

TEST_F(ConsoleStudies, AStudyTheDefaultTookExplainsWhyEachRuleWasSkipped) {
  const auto page = study_page(kBase + "3");
  ASSERT_FALSE(page.empty());
  const auto& routing = page.at("routing").as_object();
  EXPECT_EQ(str(routing, "rule"), "default");
  for (const auto& rule : routing.at("explanation").as_array()) {
    EXPECT_FALSE(rule.as_object().at("matched").as_bool()) << rule;
    EXPECT_FALSE(str(rule.as_object(), "failedCondition").empty()) << rule;
  }
}

TEST_F(ConsoleStudies, AnIgnoredStudysPageNamesTheRuleThatIgnoredItButNotThePatient) {
  const auto reply = gateway_->as(kAdmin, verb::get, "/api/v1/studies/" + kBase + "7");
  ASSERT_EQ(reply.status(), 200) << reply.body();
  EXPECT_EQ(reply.body().find("PHANTOM^QA"), std::string::npos) << reply.body();
  const auto page = reply.json().as_object();
  const auto& routing = page.at("routing").as_object();
  EXPECT_EQ(str(routing, "rule"), "phantoms");
  EXPECT_EQ(str(routing, "action"), "ignore");
  // docs/console.md: a rule that tests the patient's identity is explained without it, so
  // the explanation cannot show why `phantoms` matched.
  const auto& actions = page.at("actions").as_array();
  EXPECT_NE(std::find(actions.begin(), actions.end(), boost::json::value("forget")), actions.end()) << actions;
}

// Once a bug: an ignored study's page shows a registration request, though none is sent
// or will be (POST /api/v1/route answers "request": null for the same file).
TEST_F(ConsoleStudies, AnIgnoredStudysPageShowsNoRequestBecauseNoneIsSent) {
  const auto page = study_page(kBase + "7");
  ASSERT_FALSE(page.empty());
  EXPECT_TRUE(page.at("request").is_null()) << page.at("request");
}

TEST_F(ConsoleStudies, RoutingAFileNamesTheRuleAndActionAndStoresNothing) {
  const auto before = list("limit=500").first;
  const std::string uid = kBase + "50";
  const auto reply = gateway_->as(kNurse, verb::post, "/api/v1/route", file_of({uid, "Knee CT", "ACC-TRY"}),
                                  {{"Content-Type", "application/dicom"}});
  ASSERT_EQ(reply.status(), 200) << reply.body();
  const auto body = reply.json().as_object();
  EXPECT_EQ(str(body, "studyInstanceUid"), uid);
  EXPECT_EQ(str(body, "rule"), "default") << body;
  EXPECT_EQ(str(body, "action"), "register");
  ASSERT_TRUE(body.at("request").is_object()) << body;
  EXPECT_EQ(str(body.at("request").as_object(), "studyInstanceUid"), uid);
  EXPECT_EQ(str(body.at("request").as_object(), "expressCustomerId"), kOtherCustomer);
  const auto& skipped = body.at("skipped").as_array();
  ASSERT_EQ(skipped.size(), 2u) << skipped;
  EXPECT_EQ(str(skipped[0].as_object(), "rule"), "ct-urgent");
  EXPECT_FALSE(str(skipped[0].as_object(), "failedCondition").empty());
  EXPECT_EQ(body.at("facts").as_object().at("StudyDescription"), (boost::json::array{"Knee CT"}));
  EXPECT_FALSE(body.at("facts").as_object().contains("PatientName"));

  EXPECT_EQ(list("limit=500").first, before) << "nothing was stored";
  EXPECT_EQ(gateway_->as(kNurse, verb::get, "/api/v1/studies/" + uid).status(), 404);
  EXPECT_EQ(gateway_->harness().creates().size(), 6u) << "nothing was sent";
}

// Once a bug: POST /api/v1/route reads ?calling_ae= (and called_ae, peer_address) but the
// rules never see it: the facts come back with "calling_ae": [""], so a rule on calling_ae
// cannot match a tried file.
TEST_F(ConsoleStudies, RoutingAFileAsIfSentByACallingAeAppliesTheRulesForThatAe) {
  const auto reply = gateway_->as(kNurse, verb::post, "/api/v1/route?calling_ae=TEST_SCU",
                                  file_of({kBase + "51", "Chest CT", "ACC-TRY"}),
                                  {{"Content-Type", "application/dicom"}});
  ASSERT_EQ(reply.status(), 200) << reply.body();
  const auto body = reply.json().as_object();
  EXPECT_EQ(str(body, "rule"), "ct-urgent") << body;
  EXPECT_TRUE(body.at("skipped").as_array().empty()) << body;
  EXPECT_EQ(body.at("facts").as_object().at("calling_ae"), (boost::json::array{"TEST_SCU"})) << body;
}

TEST_F(ConsoleStudies, RoutingSomethingThatIsNotDicomIs422NotDicom) {
  const auto reply = gateway_->as(kNurse, verb::post, "/api/v1/route", "this is not a DICOM file",
                                  {{"Content-Type", "application/dicom"}});
  EXPECT_EQ(reply.status(), 422) << reply.body();
  EXPECT_EQ(reply.error_code(), "not_dicom");
}

TEST_F(ConsoleStudies, TheRulesAreListedInOrderWithTheirActionsAndHits) {
  const auto reply = gateway_->as(kNurse, verb::get, "/api/v1/rules");
  ASSERT_EQ(reply.status(), 200) << reply.body();
  const auto body = reply.json().as_object();
  EXPECT_FALSE(str(body, "since").empty());
  const auto& rules = body.at("rules").as_array();
  std::vector<std::string> names;
  std::map<std::string, boost::json::object> by_name;
  for (const auto& r : rules) {
    names.push_back(str(r.as_object(), "name"));
    by_name[names.back()] = r.as_object();
  }
  ASSERT_GE(names.size(), 2u) << rules;
  EXPECT_EQ(names[0], "ct-urgent");
  EXPECT_EQ(names[1], "phantoms");
  EXPECT_EQ(by_name["ct-urgent"].at("hits").to_number<int>(), 3) << "studies 1, 2 and 6";
  EXPECT_EQ(by_name["phantoms"].at("hits").to_number<int>(), 1);
  EXPECT_GT(by_name["ct-urgent"].at("line").to_number<int>(), 0);
  EXPECT_EQ(str(by_name["ct-urgent"], "action"), "register") << "docs/console.md: name, line, action, hits";
  EXPECT_EQ(str(by_name["phantoms"], "action"), "ignore") << rules;
}

// Once a bug: GET /api/v1/rules lists the rules but not the default, whose hits the
// registry counts (here 3 of 7 studies): the Rules page cannot show how many fell through.
//
TEST_F(ConsoleStudies, TheRulesListCountsTheStudiesTheDefaultTook) {
  const auto reply = gateway_->as(kNurse, verb::get, "/api/v1/rules");
  ASSERT_EQ(reply.status(), 200) << reply.body();
  std::optional<int> default_hits;
  const boost::json::value body = reply.json();
  for (const auto& r : body.as_object().at("rules").as_array()) {
    if (str(r.as_object(), "name") == "default") default_hits = r.as_object().at("hits").to_number<int>();
  }
  ASSERT_TRUE(default_hits) << "studies 3, 4 and 5 went to the default, which is not listed: " << reply.body();
  EXPECT_EQ(*default_hits, 3);
}

}  // namespace
}  // namespace gw::test
