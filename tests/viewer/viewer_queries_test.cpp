// The read calls (find a study by UID, get one study, get one user, list customers) and key
// rotation, against the in-process simulator over real TLS.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "simulator_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using gw::viewer::CreateOutcome;
using gw::viewer::FailureKind;
using gw::viewer::FindStudyOutcome;
using gw::viewer::GetStudyOutcome;
using gw::viewer::GetUserOutcome;
using gw::viewer::HttpsViewerClient;
using gw::viewer::ListCustomersOutcome;
using gw::viewer::testing::study_body;
using gw::viewer::testing::study_uid;

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

  FindStudyOutcome find(HttpsViewerClient& client, const std::string& uid) {
    return await<FindStudyOutcome>([&](auto done) { client.find_study(uid, std::move(done)); });
  }
  GetUserOutcome user(HttpsViewerClient& client, const std::string& id) {
    return await<GetUserOutcome>([&](auto done) { client.get_user(id, std::move(done)); });
  }
  GetStudyOutcome get(HttpsViewerClient& client, const std::string& id) {
    return await<GetStudyOutcome>([&](auto done) { client.get_study(id, std::move(done)); });
  }
  ListCustomersOutcome customers(HttpsViewerClient& client) {
    return await<ListCustomersOutcome>([&](auto done) { client.list_customers(std::move(done)); });
  }

  // Customers "Site 0".."Site count-1" after the simulator's three.
  void add_customers(int count) {
    for (int i = 0; i < count; ++i) {
      char id[40];
      std::snprintf(id, sizeof id, "cus_%032x", 0x1000 + i);
      sim_->add_customer({id, "Site " + std::to_string(i), true, 1});
    }
  }

  // The targets of the GET requests received so far.
  std::vector<std::string> get_targets() const {
    std::vector<std::string> targets;
    for (const auto& r : sim_->requests()) {
      if (r.method == "GET") targets.push_back(r.target);
    }
    return targets;
  }
};

TEST_F(ViewerQueriesTest, FindsAStudyByItsUidWithOneRequest) {
  auto client = make_client();
  const auto ids = create_studies(*client, 250);
  const FindStudyOutcome o = find(*client, study_uid(20));
  ASSERT_EQ(o.kind, FindStudyOutcome::Kind::found) << o.failure.error;
  EXPECT_EQ(o.study.study_id, ids[20]);
  EXPECT_EQ(o.study.study_instance_uid, study_uid(20));
  EXPECT_FALSE(o.study.is_cancelled);
  EXPECT_TRUE(o.study.created_at.has_value());
  EXPECT_EQ(get_targets(), std::vector<std::string>{"/v1/viewer/studies/by-uid/" + study_uid(20)});
  for (const auto& r : sim_->requests()) EXPECT_TRUE(r.authorized) << r.target;
}

TEST_F(ViewerQueriesTest, AnUnknownUidIsNotFound) {
  auto client = make_client();
  create_studies(*client, 3);
  const FindStudyOutcome o = find(*client, study_uid(999));
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::not_found) << o.failure.error;
  ASSERT_EQ(get_targets().size(), 1u);
  EXPECT_EQ(sim_->requests().back().status, 404);
}

TEST_F(ViewerQueriesTest, ACancelledStudyIsFoundWithItsFlag) {
  auto client = make_client();
  const auto ids = create_studies(*client, 1);
  ASSERT_TRUE(sim_->cancel_study(ids[1]));
  const FindStudyOutcome o = find(*client, study_uid(1));
  ASSERT_EQ(o.kind, FindStudyOutcome::Kind::found) << o.failure.error;
  EXPECT_TRUE(o.study.is_cancelled);
}

TEST_F(ViewerQueriesTest, AUidIsEncodedAsOnePathSegment) {
  auto client = make_client();
  const FindStudyOutcome o = find(*client, "1.2/../../express?x=1");
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::not_found);
  EXPECT_EQ(get_targets(),
            std::vector<std::string>{"/v1/viewer/studies/by-uid/1.2%2F..%2F..%2Fexpress%3Fx%3D1"});
}

TEST_F(ViewerQueriesTest, AnEmptyUidIsRefusedWithoutTraffic) {
  auto client = make_client();
  const FindStudyOutcome o = find(*client, "");
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::permanent);
  EXPECT_TRUE(sim_->requests().empty());
}

TEST_F(ViewerQueriesTest, AWrongKeyMakesTheLookupUnauthorized) {
  auto s = settings();
  s.api_key = "revoked-key";
  auto client = make_client(s);
  const FindStudyOutcome o = find(*client, study_uid(1));
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::unauthorized);
  EXPECT_EQ(o.failure.http_status, 401);
  EXPECT_EQ(o.failure.error.find("revoked-key"), std::string::npos);
}

TEST_F(ViewerQueriesTest, AnUnavailableViewerMakesTheLookupTransientNotNotFound) {
  auto client = make_client();
  gw::sim::Fault fault;
  fault.status = 503;
  fault.count = 1;
  fault.only_path_prefix = "/v1/viewer/studies/by-uid/";
  sim_->set_fault(fault);
  const FindStudyOutcome o = find(*client, study_uid(1));
  EXPECT_EQ(o.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::transient);
  EXPECT_EQ(o.failure.http_status, 503);
}

TEST_F(ViewerQueriesTest, GetsAKnownUserAndOneAddedLater) {
  auto client = make_client();
  const GetUserOutcome seeded = user(*client, "usr_0123456789abcdef0123456789abcdef");
  ASSERT_EQ(seeded.kind, GetUserOutcome::Kind::found) << seeded.failure.error;
  EXPECT_EQ(seeded.user.user_id, "usr_0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(seeded.user.email.empty());

  const std::string id = "usr_00000000000000000000000000000077";
  EXPECT_EQ(user(*client, id).kind, GetUserOutcome::Kind::not_found);
  sim_->add_user({id, "new.reader@example.org", "New", "Reader"});
  const GetUserOutcome added = user(*client, id);
  ASSERT_EQ(added.kind, GetUserOutcome::Kind::found) << added.failure.error;
  EXPECT_EQ(added.user.email, "new.reader@example.org");
  EXPECT_EQ(added.user.last_name, "Reader");
  EXPECT_EQ(get_targets().back(), "/v1/viewer/users/" + id);
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

TEST_F(ViewerQueriesTest, WalksEveryPageOfCustomersPassingTheBase64CursorBack) {
  add_customers(150);
  auto client = make_client();
  const ListCustomersOutcome o = customers(*client);
  ASSERT_EQ(o.kind, ListCustomersOutcome::Kind::listed) << o.failure.error;
  EXPECT_EQ(o.customers.size(), 153u);
  EXPECT_EQ(o.customers.back().name, "Site 149");
  const auto targets = get_targets();
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0], "/v1/express?limit=100");
  EXPECT_TRUE(targets[1].starts_with("/v1/express?limit=100&cursor=")) << targets[1];
}

TEST_F(ViewerQueriesTest, ACustomerListLongerThanThePageBudgetFailsRatherThanCutShort) {
  add_customers(150);
  auto s = settings();
  s.max_list_pages = 1;
  auto client = make_client(s);
  const ListCustomersOutcome o = customers(*client);
  EXPECT_EQ(o.kind, ListCustomersOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::permanent);
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
  const FindStudyOutcome found = find(*client, study_uid(1));
  EXPECT_EQ(found.kind, FindStudyOutcome::Kind::failed);
  EXPECT_EQ(found.failure.error, "shut down");
  EXPECT_EQ(get(*client, "stu_00000000000000000000000000000000").failure.error, "shut down");
  EXPECT_EQ(customers(*client).failure.error, "shut down");
  EXPECT_EQ(user(*client, "usr_0123456789abcdef0123456789abcdef").failure.error, "shut down");
  EXPECT_TRUE(sim_->requests().empty());
}

}  // namespace
