// POST /v1/viewer/studies: what a good create returns, idempotency, and every rule that
// turns a create into a 400.
#include <boost/json.hpp>
#include <functional>
#include <regex>

#include "simulator_fixture.hpp"

namespace gw::sim::test {
namespace {

using boost::json::object;

class CreatingAStudy : public SimulatorTest {};

bool is_iso8601_utc(const boost::json::value& v) {
  static const std::regex format(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  return v.is_string() && std::regex_match(std::string(v.as_string()), format);
}

TEST_F(CreatingAStudy, AnswersCreatedWithEveryFieldOfTheStudyObject) {
  const Exchange created = post_study(valid_study());
  ASSERT_FALSE(created.error) << created.error.message();
  ASSERT_EQ(created.status(), 201) << created.response.body();
  EXPECT_EQ(created.response[http::field::content_type], "application/json");

  const object study = created.json().as_object();
  EXPECT_TRUE(std::regex_match(std::string(study.at("studyId").as_string()),
                               std::regex("stu_[0-9a-f]{32}")));
  EXPECT_EQ(study.at("studyInstanceUid"), valid_study().at("studyInstanceUid"));
  EXPECT_EQ(study.at("studyDescription"), "CT Chest/Abdomen/Pelvis");
  EXPECT_EQ(study.at("severity"), "high");
  EXPECT_EQ(study.at("metadata"), valid_study().at("metadata"));
  EXPECT_EQ(study.at("studyViewerStatus"), "incomplete");
  EXPECT_EQ(study.at("isCancelled"), false);
  EXPECT_TRUE(study.at("cancelledAt").is_null());
  EXPECT_TRUE(is_iso8601_utc(study.at("createdAt")));
  EXPECT_TRUE(is_iso8601_utc(study.at("updatedAt")));

  const object& assignee = study.at("assignedTo").as_object();
  EXPECT_EQ(assignee.at("userId"), "usr_1234567890abcdef1234567890abcdef");
  for (const char* key : {"email", "firstName", "middleName", "lastName", "suffix1", "suffix2"}) {
    EXPECT_TRUE(assignee.contains(key)) << key;
  }
  EXPECT_TRUE(study.at("createdByUser").as_object().contains("userId"));
  const object& key = study.at("createdByApiKey").as_object();
  EXPECT_TRUE(key.contains("apiKeyId") && key.contains("description"));
  EXPECT_EQ(key.at("isViewerEnabled"), true);
  const object& customer = study.at("expressCustomer").as_object();
  EXPECT_EQ(customer.at("expressCustomerId"), "cus_0123456789abcdef0123456789abcdef");
  EXPECT_EQ(customer.at("expressCustomerName"), "City Medical Center");
  EXPECT_TRUE(std::regex_match(std::string(study.at("org").at("orgId").as_string()),
                               std::regex("org_[0-9a-f]{32}")));
  EXPECT_EQ(simulator().studies_created(), 1u);
}

TEST_F(CreatingAStudy, WithoutOptionalFieldsLeavesAssigneeAndCustomerNull) {
  object body = valid_study();
  body.erase("assignedTo");
  body.erase("expressCustomerId");
  body.erase("metadata");
  const Exchange created = post_study(body);
  ASSERT_EQ(created.status(), 201) << created.response.body();
  const object study = created.json().as_object();
  EXPECT_TRUE(study.at("assignedTo").is_null());
  EXPECT_TRUE(study.at("expressCustomer").is_null());
  EXPECT_EQ(study.at("metadata"), object{});
}

TEST_F(CreatingAStudy, TwiceWithOneIdempotencyKeyCreatesOneStudyAndReplaysItWith200) {
  const Exchange first = post_study(valid_study(), "key-1");
  const Exchange second = post_study(valid_study(), "key-1");
  ASSERT_EQ(first.status(), 201);
  ASSERT_EQ(second.status(), 200);
  EXPECT_EQ(second.json().at("studyId"), first.json().at("studyId"));
  EXPECT_EQ(simulator().studies_created(), 1u);
}

TEST_F(CreatingAStudy, WithTwoIdempotencyKeysCreatesTwoStudies) {
  EXPECT_EQ(post_study(valid_study(), "key-1").status(), 201);
  EXPECT_EQ(post_study(valid_study(), "key-2").status(), 201);
  EXPECT_EQ(simulator().studies_created(), 2u);
}

TEST_F(CreatingAStudy, TwiceWhileIgnoringIdempotencyCreatesTwoStudies) {
  simulator().set_ignore_idempotency(true);
  const Exchange first = post_study(valid_study(), "key-1");
  const Exchange second = post_study(valid_study(), "key-1");
  ASSERT_EQ(first.status(), 201);
  ASSERT_EQ(second.status(), 201);
  EXPECT_NE(second.json().at("studyId"), first.json().at("studyId"));
  EXPECT_EQ(simulator().studies_created(), 2u);
}

class CreatingWhenConfiguredToIgnoreIdempotency : public SimulatorTest {
  SimulatorOptions options() const override {
    SimulatorOptions o;
    o.ignore_idempotency = true;
    return o;
  }
};

TEST_F(CreatingWhenConfiguredToIgnoreIdempotency, MakesANewStudyForEveryPost) {
  EXPECT_EQ(post_study(valid_study(), "key-1").status(), 201);
  EXPECT_EQ(post_study(valid_study(), "key-1").status(), 201);
  EXPECT_EQ(simulator().studies_created(), 2u);
}

TEST_F(CreatingAStudy, AcceptsMetadataAtEveryLimitCountingCharactersNotBytes) {
  object body = valid_study();
  object metadata;
  for (int i = 0; i < 49; ++i) metadata["k" + std::to_string(i)] = "v";
  std::string hundred_chars;
  for (int i = 0; i < 100; ++i) hundred_chars += "é";  // 2 bytes each
  std::string thousand_chars;
  for (int i = 0; i < 1000; ++i) thousand_chars += "é";
  metadata[hundred_chars] = thousand_chars;
  body["metadata"] = metadata;
  const Exchange created = post_study(body);
  EXPECT_EQ(created.status(), 201) << created.response.body();
}

TEST_F(CreatingAStudy, WithAnotherContentTypeIsRefusedNamingContentType) {
  Request request =
      make_request(http::verb::post, "/v1/viewer/studies", boost::json::serialize(valid_study()));
  request.set(http::field::content_type, "text/plain");
  const Exchange refused = client().send(std::move(request));
  EXPECT_EQ(refused.status(), 400);
  EXPECT_NE(refused.json().at("error").as_string().find("Content-Type"), std::string::npos);
  EXPECT_EQ(simulator().studies_created(), 0u);
}

TEST_F(CreatingAStudy, AcceptsAJsonContentTypeWithACharset) {
  Request request =
      make_request(http::verb::post, "/v1/viewer/studies", boost::json::serialize(valid_study()));
  request.set(http::field::content_type, "Application/JSON; charset=utf-8");
  EXPECT_EQ(client().send(std::move(request)).status(), 201);
}

// ---- every rule, one spoiled field at a time ----

struct InvalidBody {
  const char* name;                   // the test's name: reads "...RefusedWith400/When<name>"
  std::function<std::string()> body;  // the whole body, as sent
  const char* field;                  // the reason must name this
};

// gtest prints the parameter beside the test's name; the name is what a reader needs.
void PrintTo(const InvalidBody& invalid, std::ostream* out) { *out << invalid.name; }

std::string spoiled(const std::function<void(object&)>& spoil) {
  object body = SimulatorTest::valid_study();
  spoil(body);
  return boost::json::serialize(body);
}

InvalidBody set(const char* name, const char* field, boost::json::value v) {
  return {name, [field, v] { return spoiled([&](object& b) { b[field] = v; }); }, field};
}

InvalidBody without(const char* name, const char* field) {
  return {name, [field] { return spoiled([&](object& b) { b.erase(field); }); }, field};
}

InvalidBody metadata(const char* name, std::function<object()> make) {
  return {name, [make] { return spoiled([&](object& b) { b["metadata"] = make(); }); }, "metadata"};
}

std::vector<InvalidBody> invalid_bodies() {
  return {
      without("TheUidIsMissing", "studyInstanceUid"),
      set("TheUidIsANumber", "studyInstanceUid", 1.2),
      set("TheUidHasALeadingZero", "studyInstanceUid", "1.2.03"),
      set("TheUidHasAnEmptyComponent", "studyInstanceUid", "1..2"),
      set("TheUidHasLetters", "studyInstanceUid", "1.2.abc"),
      set("TheUidIsLongerThan64", "studyInstanceUid",
          boost::json::string("1." + std::string(63, '1'))),
      without("TheDescriptionIsMissing", "studyDescription"),
      set("TheDescriptionIsEmpty", "studyDescription", ""),
      set("TheDescriptionIsNotAString", "studyDescription", 7),
      without("TheSeverityIsMissing", "severity"),
      set("TheSeverityIsUnknown", "severity", "urgent"),
      set("TheSeverityIsNull", "severity", nullptr),
      set("TheAssigneeHasAnotherPrefix", "assignedTo", "user_1234567890abcdef1234567890abcdef"),
      set("TheAssigneeIsTooShort", "assignedTo", "usr_1234567890abcdef1234567890abcde"),
      set("TheAssigneeIsNull", "assignedTo", nullptr),
      set("TheCustomerIsMalformed", "expressCustomerId", "cus_xyz"),
      set("TheCustomerIsUnknown", "expressCustomerId", "cus_99999999999999999999999999999999"),
      set("TheCustomerIsInactive", "expressCustomerId", "cus_fedcba9876543210fedcba9876543210"),
      set("TheMetadataIsAnArray", "metadata", boost::json::array{"a"}),
      metadata("TheMetadataHas51Pairs",
               [] {
                 object m;
                 for (int i = 0; i < 51; ++i) m["k" + std::to_string(i)] = "v";
                 return m;
               }),
      metadata("AMetadataKeyHas101Characters",
               [] {
                 return object{{std::string(101, 'k'), "v"}};
               }),
      metadata("AMetadataValueHas1001Characters",
               [] {
                 return object{{"k", std::string(1001, 'v')}};
               }),
      metadata("AMetadataValueIsANumber",
               [] {
                 return object{{"k", 1}};
               }),
      set("AnUnknownFieldIsPresent", "priority", "urgent"),
      {"TheBodyIsNotJson", [] { return std::string("{\"severity\":"); }, "body"},
      {"TheBodyIsAnArray", [] { return std::string("[]"); }, "body"},
  };
}

class ACreateIsRefusedWith400 : public SimulatorTest,
                                public ::testing::WithParamInterface<InvalidBody> {};

TEST_P(ACreateIsRefusedWith400, NamingTheFieldAndCreatingNothing) {
  const Exchange refused =
      client().send(make_request(http::verb::post, "/v1/viewer/studies", GetParam().body()));
  ASSERT_FALSE(refused.error) << refused.error.message();
  EXPECT_EQ(refused.status(), 400) << refused.response.body();
  const std::string reason(refused.json().at("error").as_string());
  EXPECT_NE(reason.find(GetParam().field), std::string::npos) << reason;
  EXPECT_EQ(simulator().studies_created(), 0u);
}

INSTANTIATE_TEST_SUITE_P(When, ACreateIsRefusedWith400, ::testing::ValuesIn(invalid_bodies()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gw::sim::test
