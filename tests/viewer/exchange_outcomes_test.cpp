// What one exchange means for each call: pure, table-tested (no server, no clock).
#include "exchange_outcomes.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace {

using gw::viewer::CreateOutcome;
using gw::viewer::FailureKind;
using gw::viewer::FindStudyOutcome;
using gw::viewer::GetUserOutcome;
using gw::viewer::detail::ExchangeResult;
using gw::viewer::detail::to_create_outcome;
using gw::viewer::detail::to_find_outcome;
using gw::viewer::detail::to_user_outcome;

const auto now = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 54);
constexpr const char* kUid = "1.2.840.113619.2.55.3.604688119.868.1234567890.123";
constexpr const char* kSecret = "Brain MRI of Jane Doe";  // what an echoing API could send back

ExchangeResult answered(int status, std::string body = {}) {
  ExchangeResult r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ExchangeResult lost(bool write_started) {
  ExchangeResult r = ExchangeResult::failure("read timed out after 300 ms");
  r.write_started = write_started;
  return r;
}

std::string study_with_uid(const std::string& uid) {
  return R"({"studyId":"stu_1234567890abcdef1234567890abcdef","studyInstanceUid":")" + uid +
         R"(","isCancelled":false,"createdAt":null})";
}

struct StatusCase {
  int status;
  CreateOutcome::Kind kind;
  bool maybe_created;
};

class ACreateAnsweredWith : public ::testing::TestWithParam<StatusCase> {};

TEST_P(ACreateAnsweredWith, SaysWhetherTheStudyMayExist) {
  const CreateOutcome o = to_create_outcome(answered(GetParam().status, kSecret), now);
  EXPECT_EQ(o.kind, GetParam().kind);
  EXPECT_EQ(o.maybe_created, GetParam().maybe_created);
  EXPECT_EQ(o.error.find(kSecret), std::string::npos) << o.error;
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, ACreateAnsweredWith,
    ::testing::Values(StatusCase{408, CreateOutcome::Kind::transient, false},
                      StatusCase{425, CreateOutcome::Kind::transient, false},
                      StatusCase{429, CreateOutcome::Kind::transient, false},
                      StatusCase{503, CreateOutcome::Kind::transient, false},
                      StatusCase{500, CreateOutcome::Kind::transient, true},
                      StatusCase{502, CreateOutcome::Kind::transient, true},
                      StatusCase{504, CreateOutcome::Kind::transient, true},
                      StatusCase{400, CreateOutcome::Kind::permanent, false},
                      StatusCase{401, CreateOutcome::Kind::unauthorized, false},
                      StatusCase{409, CreateOutcome::Kind::already_registered, false}),
    [](const auto& info) { return "Status" + std::to_string(info.param.status); });

TEST(ACreateWithoutAnswer, MayHaveCreatedTheStudyOnlyOnceTheWriteStarted) {
  EXPECT_TRUE(to_create_outcome(lost(true), now).maybe_created);
  EXPECT_FALSE(to_create_outcome(lost(false), now).maybe_created);
  EXPECT_EQ(to_create_outcome(lost(true), now).kind, CreateOutcome::Kind::transient);
}

TEST(ACreateWithoutAnswer, ThatWasCreatedIsNotUncertain) {
  const CreateOutcome o = to_create_outcome(answered(201, study_with_uid(kUid)), now);
  EXPECT_EQ(o.kind, CreateOutcome::Kind::created);
  EXPECT_FALSE(o.maybe_created);
}

TEST(ALookupByUid, FindsTheStudyItAskedFor) {
  const FindStudyOutcome o = to_find_outcome(answered(200, study_with_uid(kUid)), kUid, now);
  ASSERT_EQ(o.kind, FindStudyOutcome::Kind::found);
  EXPECT_EQ(o.study.study_id, "stu_1234567890abcdef1234567890abcdef");
  EXPECT_FALSE(o.study.created_at);  // null createdAt is allowed
}

TEST(ALookupByUid, RefusesAnAnswerNamingAnotherStudyAsPermanent) {
  const FindStudyOutcome o = to_find_outcome(answered(200, study_with_uid("1.2.3")), kUid, now);
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::permanent);
  EXPECT_NE(o.failure.error.find("answer names another study"), std::string::npos);
}

TEST(ALookupByUid, RefusesAnUnreadableSuccessAsPermanent) {
  for (const char* body : {"", "not json", R"({"data":[]})", R"({"studyId":"stu_x"})"}) {
    const FindStudyOutcome o = to_find_outcome(answered(200, body), kUid, now);
    EXPECT_EQ(o.kind, FindStudyOutcome::Kind::failed) << body;
    EXPECT_EQ(o.failure.kind, FailureKind::permanent) << body;
  }
}

TEST(ALookupByUid, IsNotFoundOnlyOn404) {
  EXPECT_EQ(to_find_outcome(answered(404), kUid, now).kind, FindStudyOutcome::Kind::not_found);
  const FindStudyOutcome lost_lookup = to_find_outcome(lost(true), kUid, now);
  EXPECT_EQ(lost_lookup.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(lost_lookup.failure.kind, FailureKind::transient);
  const FindStudyOutcome busy = to_find_outcome(answered(503, kSecret), kUid, now);
  EXPECT_EQ(busy.failure.kind, FailureKind::transient);
  EXPECT_EQ(busy.failure.error.find(kSecret), std::string::npos) << busy.failure.error;
  EXPECT_EQ(busy.failure.response_body, kSecret);  // kept apart, for now, as before
}

TEST(AUserLookup, ReadsFoundNotFoundAndUnreadable) {
  const GetUserOutcome found = to_user_outcome(
      answered(200, R"({"userId":"usr_1234567890abcdef1234567890abcdef","email":"a@b.c"})"), now);
  EXPECT_EQ(found.kind, GetUserOutcome::Kind::found);
  EXPECT_EQ(to_user_outcome(answered(404), now).kind, GetUserOutcome::Kind::not_found);
  const GetUserOutcome odd = to_user_outcome(answered(200, R"({"userId":"usr_1"})"), now);
  EXPECT_EQ(odd.kind, GetUserOutcome::Kind::failed);
  EXPECT_EQ(odd.failure.kind, FailureKind::permanent);
}

}  // namespace
