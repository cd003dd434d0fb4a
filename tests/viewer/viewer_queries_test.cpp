// The read calls (find a study by UID, get one study, list customers) and key rotation,
// against the in-process simulator over real TLS.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "simulator_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using gw::viewer::CreateOutcome;
using gw::viewer::FailureKind;
using gw::viewer::FindStudyOutcome;
using gw::viewer::GetStudyOutcome;
using gw::viewer::HttpsViewerClient;
using gw::viewer::ListCustomersOutcome;
using gw::viewer::testing::study_body;
using gw::viewer::testing::study_uid;
using Clock = std::chrono::system_clock;

class ViewerQueriesTest : public gw::viewer::testing::SimulatorFixture {
 protected:
  // Creates studies 1..count in order (so study `count` is the newest); returns their ids.
  std::vector<std::string> create_studies(HttpsViewerClient& client, int count) {
    std::vector<std::string> ids(static_cast<std::size_t>(count) + 1);
    int answered = 0;
    for (int n = 1; n <= count; ++n) {
      client.create_study(study_body(n), "key-" + std::to_string(n), [&, n](CreateOutcome o) {
        EXPECT_EQ(o.kind, CreateOutcome::Kind::created) << o.error;
        ids[static_cast<std::size_t>(n)] = o.study_id;
        ++answered;
      });
    }
    EXPECT_TRUE(run_until([&] { return answered == count; }));
    return ids;
  }

  FindStudyOutcome find(HttpsViewerClient& client, const std::string& uid,
                        Clock::time_point not_before) {
    return await<FindStudyOutcome>(
        [&](auto done) { client.find_study(uid, not_before, std::move(done)); });
  }
  GetStudyOutcome get(HttpsViewerClient& client, const std::string& id) {
    return await<GetStudyOutcome>([&](auto done) { client.get_study(id, std::move(done)); });
  }
  ListCustomersOutcome customers(HttpsViewerClient& client) {
    return await<ListCustomersOutcome>([&](auto done) { client.list_customers(std::move(done)); });
  }

  // GET requests to the study list received so far.
  std::vector<std::string> list_requests() const {
    std::vector<std::string> targets;
    for (const auto& r : sim_->requests()) {
      if (r.method == "GET" && r.target.starts_with("/v1/viewer/studies?")) targets.push_back(r.target);
    }
    return targets;
  }

  const Clock::time_point an_hour_ago = Clock::now() - 1h;
};

TEST_F(ViewerQueriesTest, FindsAStudyOnThirdPageOf250) {
  auto client = make_client();
  const auto ids = create_studies(*client, 250);
  // Newest first, 100 a page: studies 250..151, 150..51, 50..1. Study 20 is on page 3.
  const FindStudyOutcome o = find(*client, study_uid(20), an_hour_ago);
  ASSERT_EQ(o.kind, FindStudyOutcome::Kind::found) << o.failure.error;
  EXPECT_EQ(o.study.study_id, ids[20]);
  EXPECT_EQ(o.study.study_instance_uid, study_uid(20));
  EXPECT_FALSE(o.study.is_cancelled);
  EXPECT_TRUE(o.study.created_at.has_value());
  EXPECT_EQ(o.pages_read, 3u);
  const auto targets = list_requests();
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0], "/v1/viewer/studies?limit=100");
  EXPECT_NE(targets[1].find("&cursor="), std::string::npos);
  for (const auto& r : sim_->requests()) EXPECT_TRUE(r.authorized) << r.target;
}

TEST_F(ViewerQueriesTest, AnUnknownUidIsNotFoundAfterTheLastPage) {
  auto client = make_client();
  create_studies(*client, 250);
  const FindStudyOutcome o = find(*client, study_uid(999), an_hour_ago);
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::not_found) << o.failure.error;
  EXPECT_EQ(o.pages_read, 3u);
  EXPECT_EQ(list_requests().size(), 3u);
}

TEST_F(ViewerQueriesTest, TheWalkStopsAtTheFirstPageOlderThanTheTimeBound) {
  auto client = make_client();
  create_studies(*client, 250);
  // Every study is older than a bound in the future: the first page already reaches past it,
  // so the study on page 3 is never looked at.
  const FindStudyOutcome o = find(*client, study_uid(20), Clock::now() + 1h);
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::not_found) << o.failure.error;
  EXPECT_EQ(o.pages_read, 1u);
  EXPECT_EQ(list_requests().size(), 1u);
}

TEST_F(ViewerQueriesTest, AStudyOnTheFirstPageIsFoundEvenPastTheTimeBound) {
  auto client = make_client();
  const auto ids = create_studies(*client, 3);
  const FindStudyOutcome o = find(*client, study_uid(2), Clock::now() + 1h);
  ASSERT_EQ(o.kind, FindStudyOutcome::Kind::found);
  EXPECT_EQ(o.study.study_id, ids[2]);
}

TEST_F(ViewerQueriesTest, ASpentPageBudgetIsIncompleteNotNotFound) {
  auto s = settings();
  s.max_list_pages = 2;
  auto client = make_client(s);
  create_studies(*client, 250);
  const FindStudyOutcome o = find(*client, study_uid(20), an_hour_ago);
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::incomplete);
  EXPECT_EQ(o.pages_read, 2u);
  EXPECT_NE(o.failure.error.find("may still exist"), std::string::npos) << o.failure.error;
}

TEST_F(ViewerQueriesTest, AnEmptyListIsNotFound) {
  auto client = make_client();
  const FindStudyOutcome o = find(*client, study_uid(1), an_hour_ago);
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::not_found);
  EXPECT_EQ(o.pages_read, 1u);
}

TEST_F(ViewerQueriesTest, AWrongKeyMakesTheListUnauthorized) {
  auto s = settings();
  s.api_key = "revoked-key";
  auto client = make_client(s);
  const FindStudyOutcome o = find(*client, study_uid(1), an_hour_ago);
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::unauthorized);
  EXPECT_EQ(o.failure.http_status, 401);
  EXPECT_EQ(o.failure.error.find("revoked-key"), std::string::npos);
}

TEST_F(ViewerQueriesTest, AFailingSecondPageFailsTheSearchTransiently) {
  auto client = make_client();
  create_studies(*client, 250);
  gw::sim::Fault fault;
  fault.status = 503;
  fault.count = 1;
  fault.only_path_prefix = "/v1/viewer/studies?limit=100&cursor=";
  sim_->set_fault(fault);
  const FindStudyOutcome o = find(*client, study_uid(20), an_hour_ago);
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::transient);
  EXPECT_EQ(o.failure.http_status, 503);
  EXPECT_EQ(o.pages_read, 1u);
}

TEST_F(ViewerQueriesTest, GetsAnExistingStudy) {
  auto client = make_client();
  const auto ids = create_studies(*client, 1);
  const GetStudyOutcome o = get(*client, ids[1]);
  ASSERT_EQ(o.kind, GetStudyOutcome::Kind::found) << o.failure.error;
  EXPECT_EQ(o.study.study_id, ids[1]);
  EXPECT_EQ(o.study.study_instance_uid, study_uid(1));
  EXPECT_EQ(o.study.study_viewer_status, "incomplete");
  EXPECT_FALSE(o.study.is_cancelled);
}

TEST_F(ViewerQueriesTest, GetsACancelledStudyWithItsFlag) {
  auto client = make_client();
  const auto ids = create_studies(*client, 1);
  ASSERT_TRUE(sim_->cancel_study(ids[1]));
  const GetStudyOutcome o = get(*client, ids[1]);
  ASSERT_EQ(o.kind, GetStudyOutcome::Kind::found) << o.failure.error;
  EXPECT_TRUE(o.study.is_cancelled);
}

TEST_F(ViewerQueriesTest, AnUnknownStudyIdIsNotFound) {
  auto client = make_client();
  const GetStudyOutcome o = get(*client, "stu_00000000000000000000000000000000");
  EXPECT_EQ(o.kind, GetStudyOutcome::Kind::not_found);
  ASSERT_EQ(sim_->requests().size(), 1u);
  EXPECT_EQ(sim_->requests()[0].target, "/v1/viewer/studies/stu_00000000000000000000000000000000");
  EXPECT_EQ(sim_->requests()[0].status, 404);
}

TEST_F(ViewerQueriesTest, AStudyIdIsEncodedAsOnePathSegment) {
  auto client = make_client();
  const GetStudyOutcome o = get(*client, "../express?x=1");
  EXPECT_EQ(o.kind, GetStudyOutcome::Kind::not_found);
  ASSERT_EQ(sim_->requests().size(), 1u);
  EXPECT_EQ(sim_->requests()[0].target, "/v1/viewer/studies/..%2Fexpress%3Fx%3D1");
}

TEST_F(ViewerQueriesTest, AServerErrorOnGetIsTransient) {
  gw::sim::Fault fault;
  fault.status = 500;
  fault.count = 1;
  sim_->set_fault(fault);
  auto client = make_client();
  const GetStudyOutcome o = get(*client, "stu_00000000000000000000000000000000");
  EXPECT_EQ(o.kind, GetStudyOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::transient);
  EXPECT_EQ(o.failure.http_status, 500);
}

TEST_F(ViewerQueriesTest, AGetLostOnAReusedConnectionIsResentOnceOnAFreshOne) {
  auto s = settings();
  s.max_connections = 1;
  auto client = make_client(s);
  const auto ids = create_studies(*client, 1);  // leaves one kept-alive connection
  gw::sim::Fault drop;
  drop.drop = true;
  drop.count = 1;
  sim_->set_fault(drop);
  const GetStudyOutcome o = get(*client, ids[1]);
  EXPECT_EQ(o.kind, GetStudyOutcome::Kind::found) << o.failure.error;
  EXPECT_EQ(client->handshakes(), 2u);
}

TEST_F(ViewerQueriesTest, ACreateLostOnAReusedConnectionIsReportedNotResent) {
  auto s = settings();
  s.max_connections = 1;
  auto client = make_client(s);
  create_studies(*client, 1);
  gw::sim::Fault drop;
  drop.drop = true;
  drop.count = 1;
  sim_->set_fault(drop);
  const CreateOutcome o = create_one(*client, "key-2", 2);
  EXPECT_EQ(o.kind, CreateOutcome::Kind::transient);
  EXPECT_NE(o.error.find("reused keep-alive connection"), std::string::npos) << o.error;
  EXPECT_EQ(sim_->requests().size(), 2u);
}

TEST_F(ViewerQueriesTest, AGetLostTwiceIsTransient) {
  auto s = settings();
  s.max_connections = 1;
  auto client = make_client(s);
  const auto ids = create_studies(*client, 1);
  gw::sim::Fault drop;
  drop.drop = true;
  drop.count = 2;
  sim_->set_fault(drop);
  const GetStudyOutcome o = get(*client, ids[1]);
  EXPECT_EQ(o.kind, GetStudyOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::transient);
  EXPECT_EQ(sim_->requests().size(), 3u);  // the create, the GET and its one resend
}

TEST_F(ViewerQueriesTest, ListsEveryCustomerIncludingTheInactiveOne) {
  auto client = make_client();
  const ListCustomersOutcome o = customers(*client);
  ASSERT_EQ(o.kind, ListCustomersOutcome::Kind::listed) << o.failure.error;
  ASSERT_EQ(o.customers.size(), 3u);
  EXPECT_EQ(o.customers[0].id, "cus_0123456789abcdef0123456789abcdef");
  EXPECT_EQ(o.customers[0].name, "City Medical Center");
  EXPECT_TRUE(o.customers[0].is_active);
  EXPECT_EQ(o.customers[1].name, "Closed Clinic");
  EXPECT_FALSE(o.customers[1].is_active);
  ASSERT_EQ(sim_->requests().size(), 1u);
  EXPECT_EQ(sim_->requests()[0].target, "/v1/express?limit=100");
}

TEST_F(ViewerQueriesTest, AWrongKeyMakesTheCustomerListUnauthorized) {
  auto s = settings();
  s.api_key = "revoked-key";
  auto client = make_client(s);
  const ListCustomersOutcome o = customers(*client);
  EXPECT_EQ(o.kind, ListCustomersOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::unauthorized);
  EXPECT_EQ(o.failure.http_status, 401);
}

TEST_F(ViewerQueriesTest, ARotatedKeyMakesAnUnauthorizedClientSucceed) {
  auto s = settings();
  s.api_key = "revoked-key";
  auto client = make_client(s);
  EXPECT_EQ(customers(*client).failure.kind, FailureKind::unauthorized);
  EXPECT_EQ(create_one(*client).kind, CreateOutcome::Kind::unauthorized);

  EXPECT_FALSE(client->set_api_key("sim-key"));
  EXPECT_EQ(customers(*client).kind, ListCustomersOutcome::Kind::listed);
  EXPECT_EQ(create_one(*client, "key-after-rotation").kind, CreateOutcome::Kind::created);
  EXPECT_EQ(client->handshakes(), 1u);  // the pooled connection carries the new key
}

TEST_F(ViewerQueriesTest, AnUnusableKeyIsRefusedAndTheOldOneKept) {
  auto client = make_client();
  EXPECT_EQ(client->set_api_key(""), gw::viewer::viewer_errc::bad_settings);
  EXPECT_EQ(client->set_api_key("abc\r\nX-Evil: 1"), gw::viewer::viewer_errc::bad_settings);
  EXPECT_EQ(customers(*client).kind, ListCustomersOutcome::Kind::listed);
}

TEST_F(ViewerQueriesTest, ReadCallsAfterShutdownAreRefusedWithoutTraffic) {
  auto client = make_client();
  client->shutdown();
  const FindStudyOutcome found = find(*client, study_uid(1), an_hour_ago);
  EXPECT_EQ(found.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(found.failure.error, "shut down");
  EXPECT_EQ(get(*client, "stu_00000000000000000000000000000000").failure.error, "shut down");
  EXPECT_EQ(customers(*client).failure.error, "shut down");
  EXPECT_TRUE(sim_->requests().empty());
}

}  // namespace
