#include "gateway/viewer/outcome_classifier.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace {

using namespace std::chrono;
using gw::viewer::classify_response;
using gw::viewer::classify_status;
using gw::viewer::parse_retry_after;
using gw::viewer::ResponseSummary;
using Kind = gw::viewer::CreateOutcome::Kind;

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example instant.
const system_clock::time_point rfc_example = sys_days{1994y / November / 6} + 8h + 49min + 37s;

ResponseSummary response(int status, std::string_view body = {}, std::string_view reason = {},
                         std::optional<std::string_view> retry_after = std::nullopt) {
  ResponseSummary r;
  r.status = status;
  r.body = body;
  r.reason = reason;
  r.retry_after = retry_after;
  return r;
}

struct StatusCase {
  int status;
  Kind kind;
};

class StatusClassification : public ::testing::TestWithParam<StatusCase> {};

TEST_P(StatusClassification, FollowsTheGatewayTable) {
  EXPECT_EQ(classify_status(GetParam().status), GetParam().kind) << GetParam().status;
}

INSTANTIATE_TEST_SUITE_P(
    ViewerApiTable, StatusClassification,
    ::testing::Values(StatusCase{200, Kind::created}, StatusCase{201, Kind::created},
                      StatusCase{204, Kind::created}, StatusCase{400, Kind::permanent},
                      StatusCase{401, Kind::unauthorized}, StatusCase{403, Kind::unauthorized},
                      StatusCase{404, Kind::permanent}, StatusCase{408, Kind::transient},
                      StatusCase{409, Kind::already_registered}, StatusCase{422, Kind::permanent},
                      StatusCase{425, Kind::transient}, StatusCase{429, Kind::transient},
                      StatusCase{500, Kind::transient}, StatusCase{502, Kind::transient},
                      StatusCase{503, Kind::transient}, StatusCase{504, Kind::transient},
                      // Not in the table: a redirect or an informational answer is no verdict.
                      StatusCase{301, Kind::transient}, StatusCase{100, Kind::transient}),
    [](const auto& info) { return "Status" + std::to_string(info.param.status); });

TEST(RetryAfter, ReadsDeltaSeconds) {
  EXPECT_EQ(parse_retry_after("3", rfc_example), seconds(3));
  EXPECT_EQ(parse_retry_after(" 120 ", rfc_example), seconds(120));
  EXPECT_EQ(parse_retry_after("0", rfc_example), seconds(0));
}

TEST(RetryAfter, ReadsAnImfFixdateRelativeToNow) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", rfc_example), seconds(30));
  EXPECT_EQ(parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", rfc_example), hours(24));
}

TEST(RetryAfter, ReadsTheObsoleteDateFormsToo) {
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", rfc_example), seconds(60));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:47 1994", rfc_example), seconds(10));
}

TEST(RetryAfter, TreatsADateInThePastAsNoDelay) {
  EXPECT_EQ(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", rfc_example), milliseconds(0));
}

TEST(RetryAfter, SaturatesHugeValuesAtOneDay) {
  EXPECT_EQ(parse_retry_after("99999999999999999999999", rfc_example), hours(24));
  EXPECT_EQ(parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT", rfc_example), hours(24));
}

TEST(RetryAfter, RejectsAnythingElse) {
  for (const char* v : {"", "soon", "-5", "1.5", "3s", "Sun, 06 Nov 1994 08:49:37 UTC",
                        "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"}) {
    EXPECT_FALSE(parse_retry_after(v, rfc_example)) << v;
  }
}

TEST(ResponseClassification, ACreatedStudyCarriesItsId) {
  const auto o = classify_response(
      response(201, R"({"studyId":"stu_1234567890abcdef1234567890abcdef"})", "Created"),
      rfc_example);
  EXPECT_EQ(o.kind, Kind::created);
  EXPECT_EQ(o.http_status, 201);
  EXPECT_EQ(o.study_id, "stu_1234567890abcdef1234567890abcdef");
  EXPECT_TRUE(o.error.empty());
}

TEST(ResponseClassification, ACreateWithoutAStudyIdIsStillCreatedButSaysSo) {
  const auto o = classify_response(response(204), rfc_example);
  EXPECT_EQ(o.kind, Kind::created);
  EXPECT_TRUE(o.study_id.empty());
  EXPECT_NE(o.error.find("no valid studyId"), std::string::npos);
}

TEST(ResponseClassification, AConflictKeepsTheStudyIdWhenTheBodyHasOne) {
  const auto with = classify_response(
      response(409, R"({"error":"exists","studyId":"stu_1234567890abcdef1234567890abcdef"})"),
      rfc_example);
  EXPECT_EQ(with.kind, Kind::already_registered);
  EXPECT_EQ(with.study_id, "stu_1234567890abcdef1234567890abcdef");
  const auto without = classify_response(response(409, R"({"error":"exists"})"), rfc_example);
  EXPECT_EQ(without.kind, Kind::already_registered);
  EXPECT_TRUE(without.study_id.empty());
}

TEST(ResponseClassification, ATooManyRequestsCarriesRetryAfter) {
  const auto o = classify_response(response(429, {}, {}, "3"), rfc_example);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_EQ(o.retry_after, seconds(3));
}

TEST(ResponseClassification, AnUnparseableRetryAfterIsIgnored) {
  const auto o = classify_response(response(503, {}, {}, "later"), rfc_example);
  EXPECT_EQ(o.kind, Kind::transient);
  EXPECT_FALSE(o.retry_after);
}

TEST(ResponseClassification, APermanentErrorKeepsTheBodyTruncatedToFourKibibytes) {
  const std::string body = R"({"error":")" + std::string(10000, 'x') + R"("})";
  const auto o = classify_response(response(400, body, "Bad Request"), rfc_example);
  EXPECT_EQ(o.kind, Kind::permanent);
  EXPECT_EQ(o.response_body, body.substr(0, 4096));
  EXPECT_EQ(o.error, "HTTP 400 Bad Request");
}

}  // namespace
