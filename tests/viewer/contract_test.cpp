// The client's own parsers against the vendor's documented example answers (testdata/viewer-api,
// see its README): every field the gateway uses is read from them, including the variants with
// the nullable fields null or absent.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "exchange_outcomes.hpp"
#include "gateway/viewer/wire_format.hpp"
#include "list_format.hpp"

namespace {

using namespace std::chrono;
using gw::viewer::FindStudyOutcome;
using gw::viewer::detail::parse_customer_page;
using gw::viewer::detail::parse_study;
using gw::viewer::detail::parse_study_page;
using gw::viewer::detail::parse_user;

constexpr const char* kStudyId = "stu_1234567890abcdef1234567890abcdef";
constexpr const char* kUid = "1.2.840.113619.2.55.3.604688119.868.1234567890.123";

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(GW_VIEWER_API_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TheVendorsExamples, AStudyGivesItsIdUidStatusCancellationAndCreationTime) {
  for (const char* name : {"study.json", "study-by-uid.json", "create-response.json"}) {
    const auto study = parse_study(fixture(name));
    ASSERT_TRUE(study) << name;
    EXPECT_EQ(study->study_id, kStudyId) << name;
    EXPECT_EQ(study->study_instance_uid, kUid) << name;
    EXPECT_EQ(study->study_viewer_status, "incomplete") << name;
    EXPECT_FALSE(study->is_cancelled) << name;
    ASSERT_TRUE(study->created_at) << name;
    EXPECT_EQ(*study->created_at, sys_days(2024y / March / 15) + 10h + 30min) << name;
  }
}

TEST(TheVendorsExamples, ACreateAnswerGivesTheReceipt) {
  EXPECT_EQ(gw::viewer::parse_created_study(fixture("create-response.json")), kStudyId);
}

TEST(TheVendorsExamples, ALookupByUidOfTheExampleIsFound) {
  gw::viewer::detail::ExchangeResult answer;
  answer.status = 200;
  answer.body = fixture("study-by-uid.json");
  const FindStudyOutcome o =
      gw::viewer::detail::to_find_outcome(answer, kUid, system_clock::now());
  ASSERT_EQ(o.kind, FindStudyOutcome::Kind::found) << o.failure.error;
  EXPECT_EQ(o.study.study_id, kStudyId);
}

TEST(TheVendorsExamples, AStudyWithNullOrAbsentOptionalFieldsIsRead) {
  const auto absent = parse_study(fixture("study-nullable-absent.json"));
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->study_id, kStudyId);
  EXPECT_FALSE(absent->created_at);
  const auto nulls = parse_study(fixture("study-nullable-null.json"));
  ASSERT_TRUE(nulls);
  EXPECT_TRUE(nulls->is_cancelled);
  EXPECT_TRUE(nulls->created_at);
}

TEST(TheVendorsExamples, TheStudyListPageIsRead) {
  const auto page = parse_study_page(fixture("studies-page.json"));
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->has_more);
  EXPECT_EQ(page->cursor, "cursor");
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].study_id, kStudyId);
  EXPECT_EQ(page->items[0].study_instance_uid, kUid);
}

TEST(TheVendorsExamples, ALastStudyPageWithoutOrWithANullCursorIsRead) {
  const auto no_cursor = parse_study_page(fixture("studies-last-page-no-cursor.json"));
  ASSERT_TRUE(no_cursor);
  EXPECT_FALSE(no_cursor->has_more);
  EXPECT_EQ(no_cursor->items.size(), 2u);
  const auto null_cursor = parse_study_page(fixture("studies-last-page-null-cursor.json"));
  ASSERT_TRUE(null_cursor);
  EXPECT_TRUE(null_cursor->items.empty());
}

TEST(TheVendorsExamples, TheCustomerListPageGivesIdNameAndActiveFlag) {
  const auto page = parse_customer_page(fixture("express-customers-page.json"));
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->has_more);
  EXPECT_EQ(page->cursor, "cursor");
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, "cus_1234567890abcdef1234567890abcdef");
  EXPECT_EQ(page->items[0].name, "City Medical Center - Radiology Department");
  EXPECT_TRUE(page->items[0].is_active);

  const auto last = parse_customer_page(fixture("express-customers-last-page.json"));
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->has_more);
  ASSERT_EQ(last->items.size(), 1u);
  EXPECT_FALSE(last->items[0].is_active);
}

TEST(TheVendorsExamples, AUserGivesIdEmailAndNames) {
  for (const char* name : {"user.json", "user-nullable.json"}) {
    const auto user = parse_user(fixture(name));
    ASSERT_TRUE(user) << name;
    EXPECT_EQ(user->user_id, "usr_1234567890abcdef1234567890abcdef") << name;
    EXPECT_EQ(user->email, "dr.johnson@hospital.org") << name;
    EXPECT_EQ(user->first_name, "Sarah") << name;
    EXPECT_EQ(user->last_name, "Johnson") << name;
  }
}

}  // namespace
