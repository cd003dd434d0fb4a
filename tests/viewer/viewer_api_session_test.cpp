// The blocking session the command line uses, against the in-process simulator.
#include "gateway/viewer/viewer_api_session.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "simulator_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using gw::viewer::CreateOutcome;
using gw::viewer::FailureKind;
using gw::viewer::FindStudyOutcome;
using gw::viewer::GetStudyOutcome;
using gw::viewer::GetUserOutcome;
using gw::viewer::ListCustomersOutcome;
using gw::viewer::ViewerApiSession;
using gw::viewer::testing::study_uid;

class ViewerApiSessionTest : public gw::viewer::testing::SimulatorFixture {
 protected:
  ViewerApiSession open(std::chrono::milliseconds deadline = 10s) {
    auto session = ViewerApiSession::create(settings(), deadline);
    EXPECT_TRUE(session) << session.error().message();
    return std::move(*session);
  }
};

TEST_F(ViewerApiSessionTest, ListsCustomersInOneCall) {
  auto session = open();
  const ListCustomersOutcome o = session.list_customers();
  ASSERT_EQ(o.kind, ListCustomersOutcome::Kind::listed) << o.failure.error;
  EXPECT_EQ(o.customers.size(), 3u);
}

TEST_F(ViewerApiSessionTest, GetsAndFindsAStudyTheGatewayCreated) {
  auto client = make_client();
  const CreateOutcome created = create_one(*client, "key-7", 7);
  ASSERT_EQ(created.kind, CreateOutcome::Kind::created);

  auto session = open();
  const GetStudyOutcome got = session.get_study(created.study_id);
  ASSERT_EQ(got.kind, GetStudyOutcome::Kind::found) << got.failure.error;
  EXPECT_EQ(got.study.study_instance_uid, study_uid(7));
  const FindStudyOutcome found = session.find_study(study_uid(7));
  ASSERT_EQ(found.kind, FindStudyOutcome::Kind::found) << found.failure.error;
  EXPECT_EQ(found.study.study_id, created.study_id);
  EXPECT_EQ(session.find_study(study_uid(8)).kind, FindStudyOutcome::Kind::not_found);
  EXPECT_EQ(session.get_study("stu_00000000000000000000000000000000").kind,
            GetStudyOutcome::Kind::not_found);
}

TEST_F(ViewerApiSessionTest, GetsAKnownUserAndNamesAnUnknownOneNotFound) {
  auto session = open();
  const GetUserOutcome known = session.get_user("usr_0123456789abcdef0123456789abcdef");
  ASSERT_EQ(known.kind, GetUserOutcome::Kind::found) << known.failure.error;
  EXPECT_EQ(known.user.user_id, "usr_0123456789abcdef0123456789abcdef");
  EXPECT_EQ(session.get_user("usr_ffffffffffffffffffffffffffffffff").kind,
            GetUserOutcome::Kind::not_found);
}

TEST_F(ViewerApiSessionTest, AWrongKeyIsUnauthorized) {
  auto s = settings();
  s.api_key = "revoked-key";
  auto session = ViewerApiSession::create(s, 10s);
  ASSERT_TRUE(session);
  const ListCustomersOutcome o = session->list_customers();
  EXPECT_EQ(o.kind, ListCustomersOutcome::Kind::failed);
  EXPECT_EQ(o.failure.kind, FailureKind::unauthorized);
}

TEST_F(ViewerApiSessionTest, ACallPastItsDeadlineFailsAndTheNextCallWorks) {
  gw::sim::Fault hang;
  hang.hang = true;
  hang.count = 1;
  sim_->set_fault(hang);
  auto session = open(300ms);
  const auto started = std::chrono::steady_clock::now();
  const ListCustomersOutcome late = session.list_customers();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(late.kind, ListCustomersOutcome::Kind::failed);
  EXPECT_EQ(late.failure.kind, FailureKind::transient);
  EXPECT_NE(late.failure.error.find("deadline"), std::string::npos) << late.failure.error;
  EXPECT_EQ(session.list_customers().kind, ListCustomersOutcome::Kind::listed);
}

TEST_F(ViewerApiSessionTest, BadSettingsFailCreation) {
  auto s = settings();
  s.base_url = "http://127.0.0.1:1/v1";
  const auto session = ViewerApiSession::create(s, 1s);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error(), gw::viewer::viewer_errc::not_https);
}

}  // namespace
