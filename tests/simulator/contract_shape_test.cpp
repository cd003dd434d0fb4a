// The simulator answers exactly the vendor's shapes: each answer has the keys and JSON types of
// the reference's example (testdata/viewer-api), fields the reference makes optional may be
// absent or null, and nothing the reference does not name appears (no "data" list key).
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "simulator_fixture.hpp"

namespace gw::sim::test {
namespace {

namespace json = boost::json;

// Optional in the reference or the SDKs' types: may be left out of an answer.
const std::set<std::string> kMayBeAbsent = {
    "cursor",  "assignedTo", "createdByApiKey",   "createdByUser",   "metadata",
    "org",     "expressCustomer", "createdByApiKeyId", "createdByUserId", "middleName",
    "phoneNumber", "suffix1", "suffix2",          "firstName",       "lastName"};
// Nullable in the SDKs' types.
const std::set<std::string> kMayBeNull = {
    "cursor",     "cancelledAt", "createdAt", "updatedAt", "assignedTo", "expressCustomer",
    "metadata",   "lastLoginAt", "middleName", "suffix1",  "suffix2",    "firstName", "lastName"};

json::value fixture(const std::string& name) {
  std::ifstream in(std::string(GW_VIEWER_API_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// The reference's kind of a value: numbers of any width are one kind.
std::string kind_of(const json::value& v) {
  if (v.is_number()) return "number";
  return std::string(json::to_string(v.kind()));
}

// Every way `answer` differs in shape from `example`, recursing into objects and into the
// first item of arrays (metadata's keys are free, so its contents are not compared).
void compare(const json::value& example, const json::value& answer, const std::string& path,
             std::vector<std::string>& problems) {
  if (example.is_object() && answer.is_object()) {
    if (path.ends_with(".metadata")) return;
    const auto& e = example.get_object();
    const auto& a = answer.get_object();
    for (const auto& [key, value] : e) {
      const std::string k(key);
      if (!a.contains(key)) {
        if (!kMayBeAbsent.contains(k)) problems.push_back(path + "." + k + " is missing");
      } else {
        compare(value, a.at(key), path + "." + k, problems);
      }
    }
    for (const auto& [key, value] : a) {
      if (!e.contains(key)) problems.push_back(path + "." + std::string(key) + " is not in the reference");
    }
    return;
  }
  const std::string key = path.substr(path.rfind('.') + 1);
  if (answer.is_null() || example.is_null()) {
    if (!kMayBeNull.contains(key) && !(answer.is_null() && example.is_null()))
      problems.push_back(path + " is null where the reference has a value, or the reverse");
    return;
  }
  if (kind_of(example) != kind_of(answer)) {
    problems.push_back(path + " is " + kind_of(answer) + ", the reference has " + kind_of(example));
    return;
  }
  if (example.is_array() && !example.get_array().empty() && !answer.get_array().empty())
    compare(example.get_array()[0], answer.get_array()[0], path + "[0]", problems);
}

std::vector<std::string> shape_problems(const json::value& example, const json::value& answer) {
  std::vector<std::string> problems;
  compare(example, answer, "$", problems);
  return problems;
}

// Adds the keys of `more` that `into` lacks.
json::value merged(json::value into, const json::value& more) {
  for (const auto& [key, value] : more.as_object()) into.as_object().emplace(key, value);
  return into;
}

// The study object: the retrieve example, plus expressCustomer from the create example. One
// object in every answer; the reference's two versions (viewer-api.md, "Versions of the
// reference") each show one of the two optional references, org or expressCustomer.
json::value study_example() { return merged(fixture("study.json"), fixture("create-response.json")); }

// The list example with its study item completed the same way.
json::value studies_page_example() {
  json::value page = fixture("studies-page.json");
  json::value& item = page.at("studies").as_array()[0];
  item = merged(item, study_example());
  return page;
}

class TheSimulatorsAnswers : public SimulatorTest {
 protected:
  std::string create_one(const std::string& uid) {
    json::object body = valid_study();
    body["studyInstanceUid"] = uid;
    const Exchange created = post_study(body);
    EXPECT_EQ(created.status(), 201) << created.response.body();
    EXPECT_TRUE(shape_problems(study_example(), created.json()).empty())
        << json::serialize(created.json());
    return std::string(created.json().at("studyId").as_string());
  }
};

TEST_F(TheSimulatorsAnswers, ACreatedStudyHasTheReferencesShape) {
  json::object body = valid_study();
  body.erase("assignedTo");  // the null variant of the assignee
  const Exchange created = post_study(body);
  ASSERT_EQ(created.status(), 201);
  const auto problems = shape_problems(study_example(), created.json());
  EXPECT_TRUE(problems.empty()) << problems.front();
  create_one("1.2.3.4");
}

TEST_F(TheSimulatorsAnswers, OneStudyByIdAndByUidHaveTheReferencesShape) {
  const std::string id = create_one("1.2.3.4");
  for (const auto& [target, example] :
       {std::pair{"/v1/viewer/studies/" + id, study_example()},
        std::pair{std::string("/v1/viewer/studies/by-uid/1.2.3.4"), study_example()}}) {
    const Exchange answer = get(target);
    ASSERT_EQ(answer.status(), 200) << target;
    const auto problems = shape_problems(example, answer.json());
    EXPECT_TRUE(problems.empty()) << target << ": " << problems.front();
  }
  EXPECT_EQ(fixture("study-by-uid.json"), fixture("study.json"));  // one object, two routes
}

TEST_F(TheSimulatorsAnswers, TheStudyListPagesHaveTheReferencesShape) {
  create_one("1.2.3.4");
  create_one("1.2.3.5");
  const Exchange first = get("/v1/viewer/studies?limit=1");
  auto problems = shape_problems(studies_page_example(), first.json());
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_FALSE(first.json().as_object().contains("data"));
  const std::string cursor(first.json().at("cursor").as_string());
  const Exchange last = get("/v1/viewer/studies?limit=1&cursor=" + cursor);
  problems = shape_problems(studies_page_example(), last.json());
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(last.json().at("hasMore"), false);
}

TEST_F(TheSimulatorsAnswers, TheCustomerListPagesHaveTheReferencesShape) {
  const Exchange first = get("/v1/express?limit=2");
  auto problems = shape_problems(fixture("express-customers-page.json"), first.json());
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(first.json().at("hasMore"), true);
  const Exchange all = get("/v1/express?limit=100");
  problems = shape_problems(fixture("express-customers-page.json"), all.json());
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(all.json().at("hasMore"), false);
}

TEST_F(TheSimulatorsAnswers, AUserHasTheReferencesShape) {
  const Exchange user = get("/v1/viewer/users/usr_0123456789abcdef0123456789abcdef");
  ASSERT_EQ(user.status(), 200);
  const auto problems = shape_problems(fixture("user.json"), user.json());
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(TheShapeCheck, CatchesTheOldListShapeAndAWrongType) {
  EXPECT_FALSE(
      shape_problems(fixture("studies-page.json"), json::parse(R"({"hasMore":false,"data":[]})"))
          .empty());
  json::value study = fixture("study.json");
  study.as_object()["isCancelled"] = "false";
  EXPECT_FALSE(shape_problems(fixture("study.json"), study).empty());
  EXPECT_TRUE(shape_problems(fixture("study.json"), fixture("study-nullable-absent.json"))
                  .size() == 1);  // only its unknown field
}

}  // namespace
}  // namespace gw::sim::test
