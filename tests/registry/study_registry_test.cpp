// The registry's contract, on a real SQLite file and on a real PostgreSQL database.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gateway/registry/study_registry.hpp"
#include "temp_dir.hpp"
#include "registry_steps.hpp"
#include "store_under_test.hpp"

using gw::registry::InstanceArrival;
using gw::registry::NewStudy;
using gw::registry::StudyRegistry;
using gw::registry::StudyState;

using namespace gw::registry::test;

namespace {

NewStudy pending_study(std::string body = R"({"studyInstanceUid":"1.2"})") {
  return NewStudy{StudyState::pending, "default", std::move(body), {}};
}

class StudyRegistryTest : public testing::TestWithParam<StoreKind> {
 protected:
  StoreUnderTest store_{GetParam()};
  std::unique_ptr<StudyRegistry> registry_ = store_.open();
};

INSTANTIATE_TEST_SUITE_P(Stores, StudyRegistryTest,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

TEST_P(StudyRegistryTest, TheFirstInstanceOfAStudyCreatesOnePendingRow) {
  int decisions = 0;
  EXPECT_TRUE(record(*registry_, {"1.2", "1.2.1", 100, 1000}, [&] {
    ++decisions;
    return pending_study();
  }));
  EXPECT_FALSE(record(*registry_, {"1.2", "1.2.2", 50, 2000}, [&] {
    ++decisions;
    return pending_study();
  }));
  EXPECT_EQ(decisions, 1) << "later instances of a known study are never routed again";
  const auto study = registry_->find("1.2");
  ASSERT_TRUE(study);
  EXPECT_EQ(study->state, StudyState::pending);
  EXPECT_EQ(study->instances, 2);
  EXPECT_EQ(study->bytes, 150);
  EXPECT_EQ(study->first_seen, 1000);
  EXPECT_EQ(study->last_instance, 2000);
  EXPECT_EQ(study->idempotency_key.size(), 32u);
}

TEST_P(StudyRegistryTest, ADuplicateSopInstanceIsNotCountedTwice) {
  record(*registry_, {"1.2", "1.2.1", 100, 1}, [] { return pending_study(); });
  record(*registry_, {"1.2", "1.2.1", 100, 2}, [] { return pending_study(); });
  EXPECT_EQ(registry_->find("1.2")->instances, 1);
}

TEST_P(StudyRegistryTest, ConcurrentWritersCreateEachStudyExactlyOnce) {
  std::atomic<int> created{0}, decisions{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string study = "1.2." + std::to_string(i % 10);
        const std::string sop = study + "." + std::to_string(t) + "." + std::to_string(i);
        if (record(*registry_, {study, sop, 1, i}, [&] {
              ++decisions;
              return pending_study();
            })) {
          ++created;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 10);
  // Routing runs before the transaction (nothing calls out of it): two associations racing
  // on a new study may both route it, but only the first commit creates it.
  EXPECT_GE(decisions.load(), 10);
  EXPECT_EQ(registry_->list().size(), 10u);
}

TEST_P(StudyRegistryTest, InAGroupCommitOneCallersFailureUndoesOnlyItsOwnArrival) {
  // Eight associations at once share commits. Every 7th arrival opens a study whose routing
  // throws: that caller gets the exception and its study has no row; every other arrival,
  // whichever group it shared, is recorded, and still is after reopening the file.
  constexpr int kThreads = 8, kPerThread = 25;
  std::atomic<int> thrown{0}, expected_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const bool fails = (t * kPerThread + i) % 7 == 0;
        const std::string study =
            fails ? "9.9." + std::to_string(t) + "." + std::to_string(i) : "1.5." + std::to_string(i % 5);
        const std::string sop = study + ".1." + std::to_string(t) + "." + std::to_string(i);
        if (fails) ++expected_failures;
        try {
          record(*registry_, {study, sop, 10, i}, [&]() -> NewStudy {
            if (fails) throw std::runtime_error("routing failed");
            return pending_study();
          });
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "routing failed");
          ++thrown;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(thrown.load(), expected_failures.load());
  registry_.reset();
  registry_ = store_.open();
  std::int64_t recorded = 0;
  for (const auto& study : registry_->list()) {
    EXPECT_EQ(study.study_instance_uid.rfind("9.9.", 0), std::string::npos)
        << "a failed arrival left a row: " << study.study_instance_uid;
    recorded += study.instances;
  }
  EXPECT_EQ(registry_->list().size(), 5u);
  EXPECT_EQ(recorded, kThreads * kPerThread - expected_failures.load());
}

TEST_P(StudyRegistryTest, ABatchCommitsEverythingInsideOrNothing) {
  // The dispatcher records an answer and claims the next studies in one batch (one fsync).
  record(*registry_, {"1.6", "1.6.1", 1, 10}, [] { return pending_study(); });
  record(*registry_, {"1.7", "1.7.1", 1, 11}, [] { return pending_study(); });
  claim(*registry_, "1.6", 20);
  const gw::registry::Attempt ok{30, "created", 201, "", 5};

  // A failure inside: neither the outcome nor the claim happened.
  EXPECT_THROW(registry_->batch([&] {
    registered(*registry_, "1.6", "std_1", ok);
    registry_->mark_in_flight(std::vector<std::string>{"1.7"}, 30);
    EXPECT_EQ(registry_->find("1.6")->state, StudyState::registered) << "visible inside";
    throw std::runtime_error("disk gone");
  }),
               std::runtime_error);
  EXPECT_EQ(registry_->find("1.6")->state, StudyState::in_flight);
  EXPECT_EQ(registry_->find("1.7")->state, StudyState::pending);
  EXPECT_TRUE(registry_->attempts("1.6").empty());

  // Success: both, durable across a reopen.
  registry_->batch([&] {
    registered(*registry_, "1.6", "std_1", ok);
    registry_->mark_in_flight(std::vector<std::string>{"1.7"}, 30);
  });
  registry_.reset();
  registry_ = store_.open();
  EXPECT_EQ(registry_->find("1.6")->state, StudyState::registered);
  EXPECT_EQ(registry_->find("1.6")->study_id, "std_1");
  EXPECT_EQ(registry_->find("1.7")->state, StudyState::in_flight);
  EXPECT_EQ(registry_->attempts("1.6").size(), 1u);
}

TEST_P(StudyRegistryTest, DueReturnsPendingStudiesOldestFirstAndSkipsFutureRetries) {
  record(*registry_, {"1.3", "1.3.1", 1, 300}, [] { return pending_study(); });
  record(*registry_, {"1.1", "1.1.1", 1, 100}, [] { return pending_study(); });
  record(*registry_, {"1.2", "1.2.1", 1, 200}, [] { return pending_study(); });
  record(*registry_, {"1.4", "1.4.1", 1, 50},
                             [] { return NewStudy{StudyState::ignored, "phantoms", "{}", {}}; });
  retry_later(*registry_, "1.2", 10'000, {400, "transient", 503, "HTTP 503", 5});

  const auto due = registry_->due(1'000, 10);
  ASSERT_EQ(due.size(), 2u) << "ignored and not-yet-due studies are not sent";
  EXPECT_EQ(due[0].study_instance_uid, "1.1");
  EXPECT_EQ(due[1].study_instance_uid, "1.3");
  EXPECT_EQ(registry_->next_due(), 100);
  EXPECT_EQ(registry_->due(10'000, 10).size(), 3u);
}

TEST_P(StudyRegistryTest, ABacklogIsClaimedFromEitherEndPastStudiesWaitingForARetry) {
  // 200 pending studies, every third waiting for a retry: a claim of 4 takes the 4 oldest (or
  // newest) of those due, whatever the limit cuts off and whatever waits in between.
  for (int i = 0; i < 200; ++i) {
    const std::string uid = "1." + std::to_string(1000 + i);
    record(*registry_, {uid, uid + ".1", 1, 100 + i}, [] { return pending_study(); });
    if (i % 3 == 0) retry_later(*registry_, uid, 50'000, {400, "transient", 503, "HTTP 503", 5});
  }
  using Order = StudyRegistry::DueOrder;
  auto uids = [](const std::vector<gw::registry::StudyRecord>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.study_instance_uid);
    return out;
  };
  EXPECT_EQ(uids(registry_->due(1'000, 4, Order::oldest_first)),
            (std::vector<std::string>{"1.1001", "1.1002", "1.1004", "1.1005"}));
  EXPECT_EQ(uids(registry_->due(1'000, 4, Order::newest_first)),
            (std::vector<std::string>{"1.1199", "1.1197", "1.1196", "1.1194"}));
  EXPECT_EQ(registry_->due(1'000, 1'000).size(), 133u) << "every due study, none waiting";
  EXPECT_EQ(registry_->due(60'000, 1'000).size(), 200u) << "retries due too";
}

TEST_P(StudyRegistryTest, TransitionsKeepStudyIdErrorAndAttempts) {
  record(*registry_, {"1.2", "1.2.1", 1, 1}, [] { return pending_study(); });
  claim(*registry_, "1.2", 2);
  retry_later(*registry_, "1.2", 5, {3, "transient", 503, "HTTP 503 busy", 40});
  claim(*registry_, "1.2", 6);
  registered(*registry_, "1.2", "stu_0123456789abcdef0123456789abcdef", {7, "created", 201, "", 12});
  const auto study = registry_->find("1.2");
  EXPECT_EQ(study->state, StudyState::registered);
  EXPECT_EQ(study->attempts, 2);
  EXPECT_EQ(study->study_id, "stu_0123456789abcdef0123456789abcdef");
  EXPECT_EQ(study->last_error, "");
  EXPECT_TRUE(registry_->due(100, 10).empty());
  const auto history = registry_->attempts("1.2");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].outcome, "transient");
  EXPECT_EQ(history[0].http_status, 503);
  EXPECT_EQ(history[0].error, "HTTP 503 busy");
  EXPECT_EQ(history[1].outcome, "created");
  EXPECT_EQ(history[1].duration_ms, 12);
}

TEST_P(StudyRegistryTest, InFlightStudiesReturnToPendingWithTheSameKeyAfterARestart) {
  record(*registry_, {"1.2", "1.2.1", 1, 1}, [] { return pending_study(); });
  const std::string key = registry_->find("1.2")->idempotency_key;
  claim(*registry_, "1.2", 2);
  registry_.reset();  // the process stops with the request on the wire

  auto reopened = store_.open();
  EXPECT_EQ(reopened->requeue_in_flight(3), 1);
  const auto due = reopened->due(3, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].idempotency_key, key);
}

TEST_P(StudyRegistryTest, AFailedStudyKeepsItsReasonAndIsNotRetried) {
  record(*registry_, {"1.2", "1.2.1", 1, 1}, [] { return pending_study(); });
  failed(*registry_, "1.2", {2, "permanent", 400, "HTTP 400: studyDescription must not be empty", 3});
  EXPECT_EQ(registry_->find("1.2")->state, StudyState::failed);
  EXPECT_EQ(registry_->find("1.2")->last_error, "HTTP 400: studyDescription must not be empty");
  EXPECT_TRUE(registry_->due(100, 10).empty());
}

TEST_P(StudyRegistryTest, CountsTheStudiesEachRuleRoutedSinceTheLastReset) {
  record(*registry_, {"1.1", "1.1.1", 1, 1}, [] { return pending_study(); });
  registry_->reset_rule_hits({"ct-urgent", "phantoms", "default"}, 500);
  record(*registry_, {"1.2", "1.2.1", 1, 600},
                             [] { return NewStudy{StudyState::ignored, "phantoms", "{}", {}}; });
  record(*registry_, {"1.2", "1.2.2", 1, 601},
                             [] { return NewStudy{StudyState::ignored, "phantoms", "{}", {}}; });
  record(*registry_, {"1.3", "1.3.1", 1, 700}, [] { return pending_study(); });
  gw::registry::TimestampMs since = 0;
  const auto hits = registry_->rule_hits(&since);
  EXPECT_EQ(since, 500);
  using Hits = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(hits, (Hits{{"ct-urgent", 0}, {"phantoms", 1}, {"default", 1}}))
      << "instances of a known study are not hits; unused rules show zero";
}

TEST_P(StudyRegistryTest, RetryResendAndForgetAreTheOperatorsWaysOut) {
  record(*registry_, {"1.2", "1.2.1", 1, 1}, [] { return pending_study(); });
  record(*registry_, {"1.3", "1.3.1", 1, 1}, [] { return pending_study(); });
  const std::string key = registry_->find("1.2")->idempotency_key;
  failed(*registry_, "1.2", {2, "permanent", 400, "bad", 1});
  failed(*registry_, "1.3", {2, "permanent", 400, "bad", 1});

  EXPECT_TRUE(step(*registry_, "1.2", {EventKind::operator_retry}, 10));
  EXPECT_EQ(registry_->find("1.2")->state, StudyState::pending);
  EXPECT_EQ(registry_->find("1.2")->idempotency_key, key) << "a retry is the same registration";
  EXPECT_EQ(registry_->retry_all_failed(11), 1) << "--all-failed takes the rest";

  registered(*registry_, "1.2", "stu_0123456789abcdef0123456789abcdef", {12, "created", 201, "", 1});
  EXPECT_TRUE(step(*registry_, "1.2", {EventKind::operator_resend}, 13));
  EXPECT_NE(registry_->find("1.2")->idempotency_key, key) << "a resend is a new registration";
  EXPECT_EQ(registry_->find("1.2")->study_id, "");

  EXPECT_TRUE(step(*registry_, "1.2", {EventKind::operator_forget}, 14));
  EXPECT_FALSE(registry_->find("1.2"));
  EXPECT_TRUE(record(*registry_, {"1.2", "1.2.1", 1, 20}, [] { return pending_study(); }))
      << "after forget, the next instance creates the study again";
  EXPECT_EQ(registry_->list(StudyState::pending, 15).size(), 1u);
  EXPECT_EQ(registry_->list(StudyState::pending).size(), 2u);
}

TEST(StudyRegistryOpen, AnUnwritablePathIsAClearError) {
  try {
    StudyRegistry::open("/nonexistent-dir/state.db");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open state database /nonexistent-dir/state.db"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
