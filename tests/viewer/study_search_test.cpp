// The stopping rules of a search for one StudyInstanceUID, fed pages by hand.
#include "study_search.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

namespace {

using namespace std::chrono_literals;
using gw::viewer::StudyRecord;
using gw::viewer::detail::StudyPage;
using gw::viewer::detail::StudySearch;
using Step = StudySearch::Step;
using Clock = std::chrono::system_clock;

const Clock::time_point t0 = Clock::time_point(std::chrono::hours(475000));  // some fixed hour

StudyRecord study(const std::string& uid, std::optional<Clock::time_point> created) {
  StudyRecord s;
  s.study_id = "stu_" + uid;
  s.study_instance_uid = uid;
  s.created_at = created;
  return s;
}

StudyPage page(std::vector<StudyRecord> items, bool has_more, std::string cursor = "next") {
  return {std::move(items), has_more, has_more ? std::move(cursor) : std::string()};
}

TEST(StudySearch, FindsTheFirstMatchOfAPageAsTheNewest) {
  StudySearch search("1.2", t0 - 1h, 100);
  auto first = study("1.2", t0);
  first.study_id = "stu_newest";
  auto second = study("1.2", t0 - 1min);
  second.study_id = "stu_older";
  EXPECT_EQ(search.consume(page({study("1.1", t0), first, second}, true)), Step::found);
  EXPECT_EQ(search.match().study_id, "stu_newest");
  EXPECT_EQ(search.pages_read(), 1u);
}

TEST(StudySearch, FollowsTheCursorWhilePagesAreNewerThanTheBound) {
  StudySearch search("1.9", t0 - 1h, 100);
  EXPECT_EQ(search.consume(page({study("1.1", t0), study("1.2", t0 - 30min)}, true, "c1")),
            Step::next_page);
  EXPECT_EQ(search.cursor(), "c1");
  EXPECT_EQ(search.consume(page({study("1.3", t0 - 40min)}, true, "c2")), Step::next_page);
  EXPECT_EQ(search.cursor(), "c2");
  EXPECT_EQ(search.consume(page({study("1.9", t0 - 50min)}, true)), Step::found);
  EXPECT_EQ(search.pages_read(), 3u);
}

TEST(StudySearch, StopsAfterThePageThatReachesBeforeTheBound) {
  StudySearch search("1.9", t0 - 1h, 100);
  EXPECT_EQ(search.consume(page({study("1.1", t0 - 50min), study("1.2", t0 - 61min)}, true)),
            Step::not_found);
}

TEST(StudySearch, AStudyExactlyAtTheBoundDoesNotStopTheWalk) {
  StudySearch search("1.9", t0 - 1h, 100);
  EXPECT_EQ(search.consume(page({study("1.1", t0 - 1h)}, true)), Step::next_page);
}

TEST(StudySearch, MatchesOnThePageThatReachesBeforeTheBound) {
  StudySearch search("1.2", t0 - 1h, 100);
  EXPECT_EQ(search.consume(page({study("1.1", t0 - 2h), study("1.2", t0 - 3h)}, true)),
            Step::found);
}

TEST(StudySearch, TheEndOfTheListIsNotFound) {
  StudySearch search("1.9", t0 - 1h, 100);
  EXPECT_EQ(search.consume(page({study("1.1", t0)}, false)), Step::not_found);
  StudySearch empty("1.9", t0 - 1h, 100);
  EXPECT_EQ(empty.consume(page({}, false)), Step::not_found);
}

TEST(StudySearch, PagesWithoutReadableTimesCannotProveTheBoundWasPassed) {
  StudySearch search("1.9", t0 - 1h, 100);
  EXPECT_EQ(search.consume(page({study("1.1", std::nullopt)}, true)), Step::next_page);
  EXPECT_EQ(search.consume(page({}, true)), Step::next_page);
  // One readable old time on a page is enough.
  EXPECT_EQ(search.consume(page({study("1.2", std::nullopt), study("1.3", t0 - 2h)}, true)),
            Step::not_found);
}

TEST(StudySearch, UsesTheOldestTimeOnAPageWhateverItsOrder) {
  StudySearch search("1.9", t0 - 1h, 100);
  EXPECT_EQ(search.consume(page({study("1.1", t0 - 2h), study("1.2", t0)}, true)),
            Step::not_found);
}

TEST(StudySearch, ASpentBudgetIsNeitherFoundNorNotFound) {
  StudySearch search("1.9", t0 - 10h, 2);
  EXPECT_EQ(search.consume(page({study("1.1", t0)}, true)), Step::next_page);
  EXPECT_EQ(search.consume(page({study("1.2", t0)}, true)), Step::budget_spent);
  EXPECT_EQ(search.pages_read(), 2u);
}

TEST(StudySearch, TheLastAllowedPageMayStillAnswer) {
  StudySearch found("1.2", t0 - 10h, 1);
  EXPECT_EQ(found.consume(page({study("1.2", t0)}, true)), Step::found);
  StudySearch ended("1.9", t0 - 10h, 1);
  EXPECT_EQ(ended.consume(page({study("1.2", t0)}, false)), Step::not_found);
}

}  // namespace
