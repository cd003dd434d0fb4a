// Page parsing of the read calls and the ISO 8601 times in them: pure, table-tested.
#include "list_format.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "iso8601.hpp"

namespace {

using namespace std::chrono;
using gw::viewer::detail::parse_customer_page;
using gw::viewer::detail::parse_iso8601;
using gw::viewer::detail::parse_study;
using gw::viewer::detail::parse_study_page;
using gw::viewer::detail::parse_user;

constexpr const char* id_a = "stu_0123456789abcdef0123456789abcdef";
constexpr const char* id_b = "stu_fedcba9876543210fedcba9876543210";

std::string study_json(const std::string& id, const std::string& uid, const std::string& created,
                       bool cancelled = false) {
  return R"({"studyId":")" + id + R"(","studyInstanceUid":")" + uid +
         R"(","studyViewerStatus":"complete","isCancelled":)" + (cancelled ? "true" : "false") +
         R"(,"createdAt":")" + created + R"(","extra":{"ignored":[1,2]}})";
}

TEST(StudyObject, ReadsIdUidStatusCancellationAndCreationTime) {
  const auto s = parse_study(study_json(id_a, "1.2.3", "2024-03-15T10:30:00Z", true));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->study_id, id_a);
  EXPECT_EQ(s->study_instance_uid, "1.2.3");
  EXPECT_EQ(s->study_viewer_status, "complete");
  EXPECT_TRUE(s->is_cancelled);
  ASSERT_TRUE(s->created_at);
  EXPECT_EQ(*s->created_at, sys_days(2024y / March / 15) + 10h + 30min);
}

TEST(StudyObject, AnUnreadableCreatedAtIsAbsentNotAnError) {
  const auto s = parse_study(study_json(id_a, "1.2.3", "yesterday"));
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->created_at);
}

TEST(StudyObject, NullOrAbsentOptionalFieldsAreReadAsAbsent) {
  // The SDKs: createdAt, updatedAt, cancelledAt may be null; assignedTo, createdByApiKey,
  // createdByUser and metadata may be absent.
  const auto s = parse_study(std::string(R"({"studyId":")") + id_a +
                             R"(","studyInstanceUid":"1.2.3","createdAt":null,"updatedAt":null,)"
                             R"("cancelledAt":null,"assignedTo":null,"isCancelled":false})");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->created_at);
  EXPECT_FALSE(s->is_cancelled);
  EXPECT_EQ(s->study_viewer_status, "");
}

TEST(StudyObject, RefusesWhatIsNotAStudy) {
  for (const std::string& body :
       {std::string("not json"), std::string("[]"), std::string(R"({"studyInstanceUid":"1.2"})"),
        std::string(R"({"studyId":"stu_x","studyInstanceUid":"1.2"})"),
        std::string(R"({"studyId":")") + id_a + R"("})",
        std::string(R"({"studyId":")") + id_a + R"(","studyInstanceUid":12})"}) {
    EXPECT_FALSE(parse_study(body)) << body;
  }
}

TEST(StudyPage, ReadsStudiesHasMoreAndCursor) {
  const std::string body = R"({"hasMore":true,"studies":[)" +
                           study_json(id_a, "1.1", "2024-03-15T10:30:00Z") + "," +
                           study_json(id_b, "1.2", "2024-03-15T10:29:00Z") +
                           R"(],"cursor":"c2MxLjJh","unknownKey":{"x":1}})";
  const auto page = parse_study_page(body);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[1].study_id, id_b);
  EXPECT_TRUE(page->has_more);
  EXPECT_EQ(page->cursor, "c2MxLjJh");
}

TEST(StudyPage, TheLastPageMayHaveANullOrNoCursor) {
  for (const char* body : {R"({"hasMore":false,"studies":[],"cursor":null})",
                           R"({"hasMore":false,"studies":[]})"}) {
    const auto page = parse_study_page(body);
    ASSERT_TRUE(page) << body;
    EXPECT_TRUE(page->items.empty());
    EXPECT_FALSE(page->has_more);
    EXPECT_EQ(page->cursor, "");
  }
}

TEST(StudyPage, RefusesPagesThatCouldHideAStudy) {
  const std::string good = study_json(id_a, "1.1", "2024-03-15T10:30:00Z");
  for (const std::string& body : {
           std::string("{}"),
           std::string(R"({"studies":{},"hasMore":false})"),
           std::string(R"({"studies":[],"hasMore":"no"})"),
           std::string(R"({"studies":[]})"),
           R"({"data":[)" + good + R"(],"hasMore":false})",  // the old, made-up shape
           R"({"studies":[)" + good + R"(,{"studyId":"bad"}],"hasMore":false})",
           R"({"studies":[)" + good + R"(],"hasMore":true,"cursor":null})",
           R"({"studies":[)" + good + R"(],"hasMore":true,"cursor":""})",
           R"({"studies":[)" + good + R"(],"hasMore":true})",
       }) {
    EXPECT_FALSE(parse_study_page(body)) << body;
  }
}

TEST(CustomerPage, ReadsIdNameAndActiveFlag) {
  const auto page = parse_customer_page(
      R"({"hasMore":true,"expressCustomers":[{"expressCustomerId":"cus_1","expressCustomerName":"City",)"
      R"("isActive":true,"userCount":3,"createdAt":null,"updatedAt":null,"metadata":{"a":"b"}},)"
      R"({"expressCustomerId":"cus_2","expressCustomerName":"Closed","isActive":false},)"
      R"({"expressCustomerId":"cus_3"}],"cursor":"Y2MxLjM="})");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].name, "City");
  EXPECT_TRUE(page->items[0].is_active);
  EXPECT_FALSE(page->items[1].is_active);
  EXPECT_EQ(page->items[2].name, "");
  EXPECT_FALSE(page->items[2].is_active);  // unknown is not active
  EXPECT_EQ(page->cursor, "Y2MxLjM=");
}

TEST(CustomerPage, RefusesACustomerWithoutAnIdAndTheOldShape) {
  EXPECT_FALSE(parse_customer_page(
      R"({"expressCustomers":[{"expressCustomerName":"x"}],"hasMore":false})"));
  EXPECT_FALSE(
      parse_customer_page(R"({"expressCustomers":[{"expressCustomerId":""}],"hasMore":false})"));
  EXPECT_FALSE(parse_customer_page(R"({"data":[{"expressCustomerId":"cus_1"}],"hasMore":false})"));
}

TEST(UserObject, ReadsIdEmailAndNamesIgnoringTheRest) {
  const auto u = parse_user(
      R"({"canManageStudies":true,"email":"dr.johnson@hospital.org","firstName":"Sarah",)"
      R"("lastName":"Johnson","level":"member","userId":"usr_1234567890abcdef1234567890abcdef",)"
      R"("lastLoginAt":null,"future":[1]})");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user_id, "usr_1234567890abcdef1234567890abcdef");
  EXPECT_EQ(u->email, "dr.johnson@hospital.org");
  EXPECT_EQ(u->first_name, "Sarah");
  EXPECT_EQ(u->last_name, "Johnson");
}

TEST(UserObject, OnlyUserIdAndEmailAreRequired) {
  const auto u = parse_user(
      R"({"userId":"usr_1234567890abcdef1234567890abcdef","email":"a@b.c","firstName":null})");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->first_name, "");
  for (const char* body : {R"({"email":"a@b.c"})", R"({"userId":"usr_1","email":"a@b.c"})",
                           R"({"userId":"usr_1234567890abcdef1234567890abcdef"})", "[]", "nope"}) {
    EXPECT_FALSE(parse_user(body)) << body;
  }
}

struct TimeCase {
  const char* text;
  sys_time<microseconds> expected;
};

class Iso8601Accepts : public ::testing::TestWithParam<TimeCase> {};

TEST_P(Iso8601Accepts, TheFormsTheApiMaySend) {
  const auto parsed = parse_iso8601(GetParam().text);
  ASSERT_TRUE(parsed) << GetParam().text;
  EXPECT_EQ(time_point_cast<microseconds>(*parsed), GetParam().expected) << GetParam().text;
}

const auto base = sys_days(2024y / March / 15) + 10h + 30min;

INSTANTIATE_TEST_SUITE_P(
    Forms, Iso8601Accepts,
    ::testing::Values(TimeCase{"2024-03-15T10:30:00Z", base},
                      TimeCase{"2024-03-15t10:30:00z", base},
                      TimeCase{"2024-03-15 10:30:00Z", base},
                      TimeCase{"2024-03-15T10:30:00.5Z", base + 500ms},
                      TimeCase{"2024-03-15T10:30:00.123456789Z", base + 123456us},
                      TimeCase{"2024-03-15T12:30:00+02:00", base},
                      TimeCase{"2024-03-15T05:00:00-0530", base},
                      TimeCase{"2024-02-29T00:00:00Z", sys_days(2024y / February / 29)}));

TEST(Iso8601, RefusesWhatIsNotAZonedDateTime) {
  for (const char* text :
       {"", "2024-03-15", "2024-03-15T10:30:00", "2024-03-15T10:30Z", "2024-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2024-03-15T24:00:00Z", "2024-03-15T10:30:00.Z",
        "2024-03-15T10:30:00Zjunk", "2024-03-15T10:30:00+2", "2024/03/15T10:30:00Z",
        "Fri, 15 Mar 2024 10:30:00 GMT"}) {
    EXPECT_FALSE(parse_iso8601(text)) << text;
  }
}

}  // namespace
