// What the registry remembers about a request whose outcome a crash hid, and how a database
// written by an older gateway is upgraded in place.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "gateway/registry/study_registry.hpp"
#include "temp_dir.hpp"
#include "registry_steps.hpp"
#include "store_under_test.hpp"

using gw::registry::Attempt;
using gw::registry::NewStudy;
using gw::registry::StudyRegistry;
using gw::registry::StudyState;

using namespace gw::registry::test;

namespace {

NewStudy pending_study() { return NewStudy{StudyState::pending, "default", "{}", {}}; }

class InFlightRecovery : public testing::TestWithParam<StoreKind> {
 protected:
  StoreUnderTest store_{GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Stores, InFlightRecovery,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

// SQLite files written by older gateways are upgraded in place (PostgreSQL starts at its own
// schema version 1).
class SqliteUpgrade : public testing::Test {
 protected:
  /// Writes the database as an older gateway left it: `sql` runs on a fresh file.
  void write_older_database(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  gw::test::TempDir dir_;
  std::string path_ = (dir_ / "state.db").string();
};

TEST_P(InFlightRecovery, AStudyInFlightAtACrashIsLookedUpBeforeItIsSentAgain) {
  {
    auto registry = store_.open();
    record(*registry, {"1.2", "1.2.1", 10, 1000}, pending_study);
    claim(*registry, "1.2", 5000);
  }  // the process dies here: the request's outcome is unknown
  auto registry = store_.open();
  EXPECT_EQ(registry->requeue_in_flight(9000), 1);
  const auto study = registry->due(9000, 10);
  ASSERT_EQ(study.size(), 1u);
  EXPECT_TRUE(study[0].lookup_first);
  EXPECT_EQ(study[0].first_attempt, 5000) << "the lookup searches back from the first request";

  claim(*registry, "1.2", 9100);
  EXPECT_TRUE(step(*registry, "1.2", {EventKind::lookup_not_found}, 9200));
  EXPECT_FALSE(registry->find("1.2")->lookup_first) << "not in the viewer: created normally";
}

TEST_P(InFlightRecovery, LaterAttemptsKeepTheTimeOfTheFirstAndRegistrationClearsTheLookup) {
  auto registry = store_.open();
  record(*registry, {"1.2", "1.2.1", 10, 1000}, pending_study);
  claim(*registry, "1.2", 2000);
  registry->requeue_in_flight(3000);
  claim(*registry, "1.2", 4000);
  EXPECT_EQ(registry->find("1.2")->first_attempt, 2000);
  registered(*registry, "1.2", "stu_1", Attempt{4100, "adopted", 0, "", 100});
  const auto study = registry->find("1.2");
  EXPECT_EQ(study->state, StudyState::registered);
  EXPECT_FALSE(study->lookup_first);
  EXPECT_EQ(study->study_id, "stu_1");
}

TEST_P(InFlightRecovery, ResendIsANewRegistrationAndSkipsTheLookup) {
  auto registry = store_.open();
  record(*registry, {"1.2", "1.2.1", 10, 1000}, pending_study);
  claim(*registry, "1.2", 2000);
  registry->requeue_in_flight(3000);
  EXPECT_TRUE(step(*registry, "1.2", {EventKind::operator_resend}, 3500));
  EXPECT_FALSE(registry->find("1.2")->lookup_first);
}

TEST_P(InFlightRecovery, AWaitingStudyBecomesDueAtOnceWhenTheCauseIsFixed) {
  auto registry = store_.open();
  record(*registry, {"1.2", "1.2.1", 10, 1000}, pending_study);
  retry_later(*registry, "1.2", 60'000, Attempt{2000, "unauthorized", 401, "HTTP 401", 5});
  EXPECT_TRUE(registry->due(3000, 10).empty());
  EXPECT_EQ(registry->reschedule_waiting(60'000, 3000), 1);
  EXPECT_EQ(registry->due(3000, 10).size(), 1u);
}

TEST_F(SqliteUpgrade, InstancesKeyedBySopAloneAreRekeyedByStudyAndSopKeepingEveryRow) {
  // Before 0.2 the instances table was keyed by SOP Instance UID alone: a SOP UID reused under
  // another study could not be recorded for it.
  write_older_database(
      "CREATE TABLE instances (sop_instance_uid TEXT PRIMARY KEY, "
      "study_instance_uid TEXT NOT NULL, bytes INTEGER NOT NULL, received "
      "INTEGER NOT NULL, series_instance_uid TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
      "INSERT INTO instances VALUES ('1.2.1', '1.2', 10, 1, '1.2.9');");

  auto registry = StudyRegistry::open(path_);
  EXPECT_TRUE(registry->knows_instance("1.2", "1.2.1")) << "the old row is kept";
  record(*registry, {"1.3", "1.2.1", 10, 1000}, pending_study);
  EXPECT_TRUE(registry->knows_instance("1.3", "1.2.1")) << "the same SOP UID under another study";
  EXPECT_EQ(registry->find("1.3")->instances, 1);
}

TEST_F(SqliteUpgrade, ADatabaseFromAnOlderGatewayGainsTheNewColumnsAndKeepsItsStudies) {
  // The studies table as the first release wrote it (no lookup_first, no first_attempt).
  write_older_database(
      "CREATE TABLE studies (study_instance_uid TEXT PRIMARY KEY, state TEXT "
      "NOT NULL, rule_name TEXT NOT NULL, request_body TEXT NOT NULL, "
      "idempotency_key TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
      "last_error TEXT NOT NULL DEFAULT '', study_id TEXT NOT NULL DEFAULT '', "
      "first_seen INTEGER NOT NULL, last_instance INTEGER NOT NULL, "
      "next_attempt INTEGER NOT NULL, updated INTEGER NOT NULL, instances "
      "INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
      "INSERT INTO studies (study_instance_uid, state, rule_name, request_body, "
      "idempotency_key, first_seen, last_instance, next_attempt, updated) VALUES "
      "('1.2', 'in_flight', 'default', '{}', 'k', 1, 1, 1, 1);");

  auto registry = StudyRegistry::open(path_);
  EXPECT_EQ(registry->requeue_in_flight(10), 1);
  const auto study = registry->find("1.2");
  ASSERT_TRUE(study);
  EXPECT_TRUE(study->lookup_first);
  EXPECT_EQ(study->idempotency_key, "k");
}

}  // namespace

namespace {

TEST_P(InFlightRecovery, TheDueQueueIsReadFromEitherEnd) {
  auto registry = store_.open();
  for (int i = 1; i <= 3; ++i) {
    const std::string uid = "1.2." + std::to_string(i);
    record(*registry, {uid, uid + ".1", 10, i * 1000}, pending_study);
  }
  using Order = StudyRegistry::DueOrder;
  EXPECT_EQ(registry->due(10'000, 1, Order::oldest_first).at(0).study_instance_uid, "1.2.1");
  EXPECT_EQ(registry->due(10'000, 1, Order::newest_first).at(0).study_instance_uid, "1.2.3");
}

}  // namespace

namespace {

using gw::registry::ArrivalDetails;

TEST_P(InFlightRecovery, AReceivingStudyBecomesDueOnlyAfterItsQuietPeriodAndKeepsItsCounters) {
  auto registry = store_.open();
  const auto receiving = [] { return NewStudy{StudyState::receiving, "", "", R"({"a":1})"}; };
  record(*registry, {"1.2", "1.2.1", 10, 1000}, receiving, ArrivalDetails{"1.2.5", "MR", 500});
  record(*registry, {"1.2", "1.2.2", 10, 1400}, receiving, ArrivalDetails{"1.2.6", "PR", 500});
  record(*registry, {"1.2", "1.2.3", 10, 1450}, receiving, ArrivalDetails{"1.2.6", "MR", 500});
  EXPECT_TRUE(registry->stable(1900, 10).empty()) << "the last instance came at 1450";
  EXPECT_TRUE(registry->due(5000, 10).empty()) << "a receiving study is never sent unrouted";
  const auto stable = registry->stable(1950, 10);
  ASSERT_EQ(stable.size(), 1u);
  EXPECT_EQ(stable[0].instances, 3);
  EXPECT_EQ(stable[0].series, 2);
  EXPECT_EQ(stable[0].modalities, "MR\\PR");
  EXPECT_EQ(stable[0].facts_json, R"({"a":1})");

  EXPECT_TRUE(registry->route_stable("1.2", NewStudy{StudyState::pending, "rule", "{}", {}}, 2000));
  EXPECT_FALSE(registry->route_stable("1.2", NewStudy{StudyState::pending, "rule", "{}", {}}, 2000))
      << "routed once";
  ASSERT_EQ(registry->due(2000, 10).size(), 1u);
  EXPECT_EQ(registry->due(2000, 10)[0].rule_name, "rule");
}

}  // namespace

namespace {

TEST_P(InFlightRecovery, TheOldestWaitingStudyIsThePendingOrInFlightOneFirstSeen) {
  auto registry = store_.open();
  EXPECT_FALSE(registry->oldest_waiting());
  record(*registry, {"1.2.1", "1.2.1.1", 10, 1000}, pending_study);
  record(*registry, {"1.2.2", "1.2.2.1", 10, 2000}, pending_study);
  record(*registry, {"1.2.3", "1.2.3.1", 10, 3000}, pending_study);
  registered(*registry, "1.2.1", "stu_1", Attempt{4000, "created", 201, "", 5});
  claim(*registry, "1.2.2", 4100);
  EXPECT_EQ(registry->oldest_waiting(), 2000) << "registered studies no longer wait";
}

}  // namespace
