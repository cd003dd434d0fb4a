#include "gateway/viewer/wire_format.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace {

namespace json = boost::json;
using gw::viewer::parse_created_study;
using gw::viewer::to_json;
using gw::viewer::truncate_utf8;

gw::RegistrationRequest minimal_request() {
  gw::RegistrationRequest r;
  r.study_instance_uid = "1.2.840.113619.2.55.3.604688119.868.1234567890.123";
  r.study_description = "CT Chest/Abdomen/Pelvis";
  return r;
}

struct BodyCase {
  const char* name;
  gw::RegistrationRequest request;
  const char* expected_json;
};

class CreateBody : public ::testing::TestWithParam<BodyCase> {};

TEST_P(CreateBody, MatchesTheApiReferenceAfterParsing) {
  const BodyCase& c = GetParam();
  EXPECT_EQ(json::parse(to_json(c.request)), json::parse(c.expected_json));
}

BodyCase full_case() {
  gw::RegistrationRequest r = minimal_request();
  r.severity = gw::Severity::high;
  r.assigned_to = "usr_1234567890abcdef1234567890abcdef";
  r.express_customer_id = "cus_1234567890abcdef1234567890abcdef";
  r.metadata = {{"department", "radiology"}, {"priority", "urgent"}};
  return {"full", r, R"({
      "severity": "high",
      "studyDescription": "CT Chest/Abdomen/Pelvis",
      "studyInstanceUid": "1.2.840.113619.2.55.3.604688119.868.1234567890.123",
      "assignedTo": "usr_1234567890abcdef1234567890abcdef",
      "expressCustomerId": "cus_1234567890abcdef1234567890abcdef",
      "metadata": { "department": "radiology", "priority": "urgent" } })"};
}

BodyCase stat_with_customer_only_case() {
  gw::RegistrationRequest r = minimal_request();
  r.severity = gw::Severity::stat;
  r.express_customer_id = "cus_1234567890abcdef1234567890abcdef";
  return {"stat_customer_only", r, R"({
      "severity": "stat",
      "studyDescription": "CT Chest/Abdomen/Pelvis",
      "studyInstanceUid": "1.2.840.113619.2.55.3.604688119.868.1234567890.123",
      "expressCustomerId": "cus_1234567890abcdef1234567890abcdef" })"};
}

INSTANTIATE_TEST_SUITE_P(Requests, CreateBody,
                         ::testing::Values(BodyCase{"minimal", minimal_request(), R"({
                          "severity": "normal",
                          "studyDescription": "CT Chest/Abdomen/Pelvis",
                          "studyInstanceUid": "1.2.840.113619.2.55.3.604688119.868.1234567890.123" })"},
                                           full_case(), stat_with_customer_only_case()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CreateBody, OmitsOptionalFieldsThatAreNotSet) {
  const json::object body = json::parse(to_json(minimal_request())).as_object();
  EXPECT_EQ(body.size(), 3u);
  EXPECT_FALSE(body.contains("assignedTo"));
  EXPECT_FALSE(body.contains("expressCustomerId"));
  EXPECT_FALSE(body.contains("metadata"));
}

TEST(CreateBody, CarriesANonAsciiDescriptionAsUtf8) {
  gw::RegistrationRequest r = minimal_request();
  r.study_description = "IRM cérébrale – Schädel 頭部 \"quoted\"";
  const std::string body = to_json(r);
  EXPECT_NE(body.find("IRM cérébrale – Schädel 頭部"), std::string::npos)
      << "raw UTF-8, not \\u escapes";
  EXPECT_EQ(json::parse(body).at("studyDescription").as_string(), r.study_description);
}

TEST(CreatedStudy, YieldsTheStudyIdOfTheApiExampleResponse) {
  const char* response = R"({
    "cancelledAt": null, "createdAt": "2024-03-15T10:30:00Z", "isCancelled": false,
    "severity": "high", "studyDescription": "CT Chest/Abdomen/Pelvis",
    "studyId": "stu_1234567890abcdef1234567890abcdef",
    "studyInstanceUid": "1.2.840.113619.2.55.3.604688119.868.1234567890.123",
    "studyViewerStatus": "incomplete", "updatedAt": "2024-03-15T14:20:00Z",
    "createdByApiKey": { "apiKeyId": "550e8400-e29b-41d4-a716-446655440000", "isViewerEnabled": true },
    "someFieldAddedNextYear": [1, 2, {"x": null}],
    "metadata": { "department": "radiology" } })";
  EXPECT_EQ(parse_created_study(response), "stu_1234567890abcdef1234567890abcdef");
}

TEST(CreatedStudy, IsAbsentForMalformedBodiesOrIds) {
  for (const char* body :
       {"", "not json", "[]", "{}", R"({"studyId": 42})", R"({"studyId": "stu_123"})",
        R"({"studyId": "usr_1234567890abcdef1234567890abcdef"})",
        R"({"studyId": "stu_1234567890abcdef1234567890abcdeg"})",
        R"({"studyId": "stu_1234567890abcdef1234567890abcdef")"}) {
    EXPECT_FALSE(parse_created_study(body)) << body;
  }
}

TEST(Truncation, KeepsShortValidTextAsItIs) {
  EXPECT_EQ(truncate_utf8("{\"error\":\"bad\"}"), "{\"error\":\"bad\"}");
  EXPECT_EQ(truncate_utf8(""), "");
}

TEST(Truncation, StopsAtFourKibibytesByDefault) {
  EXPECT_EQ(truncate_utf8(std::string(10000, 'a')).size(), 4096u);
}

TEST(Truncation, NeverCutsAMultiByteSequence) {
  // 4095 ASCII bytes then "é" (2 bytes): the whole "é" does not fit, so it is left out.
  const std::string text = std::string(4095, 'a') + "\xC3\xA9" + "tail";
  EXPECT_EQ(truncate_utf8(text), std::string(4095, 'a'));
  EXPECT_EQ(truncate_utf8("\xE9\xA0\xAD\xE9\xA0\xAD", 5), "\xE9\xA0\xAD");  // "頭頭" to 5 bytes
}

TEST(Truncation, ReplacesInvalidBytesSoTheResultIsSafeJson) {
  EXPECT_EQ(truncate_utf8("a\xFF"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(truncate_utf8("x\xC3"), "x\xEF\xBF\xBD");                // sequence cut by the sender
  EXPECT_EQ(truncate_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(truncate_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  boost::system::error_code ec;
  json::value v = json::parse("\"" + truncate_utf8("ok \xF0\x9F\x98\x80 \xFE") + "\"", ec);
  EXPECT_FALSE(ec) << "the result must be valid UTF-8 inside a JSON string";
}

}  // namespace
