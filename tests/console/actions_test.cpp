// The operator's actions through a study's lifecycle, who may take them, the audit line each
// leaves, and the live event stream. One gateway for the suite; each test sends studies of
// its own (UIDs apart), so the order the tests run in does not matter.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <sstream>

#include "console_gateway.hpp"

namespace gw::test {
namespace {

using http::verb;

const std::string kBase = "1.2.826.0.1.3680043.10.543.71.";

class ConsoleActions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gateway_ = std::make_unique<ConsoleGateway>();
    gateway_->start();
  }
  static void TearDownTestSuite() { gateway_.reset(); }
  void SetUp() override { ASSERT_NE(gateway_->port(), 0) << "the shared gateway did not start"; }

  /// Sends a study the viewer refuses once with 422 (permanent), and waits until the API shows
  /// it failed.
  static void send_refused_study(const std::string& uid) {
    sim::Fault refuse;
    refuse.status = 422;
    refuse.count = 1;
    refuse.only_path_prefix = "/v1/viewer/studies";
    gateway_->harness().simulator().set_fault(refuse);
    gateway_->send({{uid, "Chest CT refused", "ACC-REFUSED"}});
    ASSERT_TRUE(gateway_->wait_for_study(uid, [](const boost::json::object& o) {
      return str(o.at("study").as_object(), "state") == "failed";
    })) << gateway_->harness().gateway().output();
  }

  static void send_registered_study(const std::string& uid) {
    gateway_->send({{uid, "Chest CT", "ACC-OK"}});
    ASSERT_TRUE(gateway_->wait_for_study(uid, [](const boost::json::object& o) {
      return str(o.at("study").as_object(), "state") == "registered";
    }));
  }

  static boost::json::array actions_for(const ConsoleUser& user, const std::string& uid) {
    const auto reply = gateway_->as(user, verb::get, "/api/v1/studies/" + uid);
    EXPECT_EQ(reply.status(), 200) << reply.body();
    return reply.status() == 200 ? reply.json().as_object().at("actions").as_array() : boost::json::array{};
  }

  static inline std::unique_ptr<ConsoleGateway> gateway_;
};

TEST_F(ConsoleActions, AStudyTheViewerRefusedShowsFailedAndAnOperatorsRetryRegistersIt) {
  const std::string uid = kBase + "1";
  send_refused_study(uid);
  const auto failed = gateway_->as(kAdmin, verb::get, "/api/v1/studies/" + uid).json().as_object();
  const auto& study = failed.at("study").as_object();
  EXPECT_FALSE(str(study, "lastError").empty()) << study;
  ASSERT_EQ(failed.at("attempts").as_array().size(), 1u) << failed;
  const auto& attempt = failed.at("attempts").as_array()[0].as_object();
  EXPECT_EQ(str(attempt, "outcome"), "permanent") << attempt;
  EXPECT_EQ(attempt.at("httpStatus").to_number<int>(), 422) << attempt;

  // As the page does it: the session cookie and its CSRF token.
  const PageSession session = gateway_->login(kAdmin);
  const auto refused = gateway_->as(session, verb::post, "/api/v1/studies/" + uid + "/retry", false);
  EXPECT_EQ(refused.status(), 403);
  EXPECT_EQ(refused.error_code(), "csrf_mismatch");
  EXPECT_EQ(gateway_->state_of(uid), "failed") << "a refused request changes nothing";

  const auto retried = gateway_->as(session, verb::post, "/api/v1/studies/" + uid + "/retry");
  ASSERT_EQ(retried.status(), 200) << retried.body();
  EXPECT_EQ(str(retried.json().as_object(), "studyInstanceUid"), uid);
  EXPECT_FALSE(str(retried.json().as_object(), "message").empty());
  ASSERT_TRUE(gateway_->wait_for_study(uid, [](const boost::json::object& o) {
    return str(o.at("study").as_object(), "state") == "registered";
  })) << gateway_->harness().gateway().output();

  const auto again = gateway_->as(session, verb::post, "/api/v1/studies/" + uid + "/retry");
  EXPECT_EQ(again.status(), 409) << again.body();
  EXPECT_EQ(again.error_code(), "not_allowed_in_state");

  // The audit trail names who did what to which study, and nothing about the patient. The
  // log is read from the gateway's stderr by another thread: wait for the second line to
  // have been read rather than take whatever arrived with the answer.
  EXPECT_TRUE(gateway_->harness().gateway().wait_for_count("event=console_action ", 2,
                                                           std::chrono::seconds(10)));
  const std::string log = gateway_->harness().gateway().output();
  std::vector<std::string> audit;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("event=console_action ") != std::string::npos && log_field(line, "study_uid") == uid) {
      audit.push_back(line);
    }
  }
  ASSERT_EQ(audit.size(), 2u) << "the retry and the refused second retry:\n" << log;
  EXPECT_EQ(log_field(audit[0], "user"), "admin") << audit[0];
  EXPECT_EQ(log_field(audit[0], "action"), "retry") << audit[0];
  EXPECT_EQ(log_field(audit[0], "result"), "done") << audit[0];
  EXPECT_EQ(log.find(kPatientName), std::string::npos) << log;
  EXPECT_EQ(log.find("Secretperson"), std::string::npos) << log;
  EXPECT_EQ(log.find(kPatientId), std::string::npos) << log;
}

TEST_F(ConsoleActions, AnOperatorSeesTheActionsAFailedStudyAllowsAndAViewerSeesNone) {
  const std::string uid = kBase + "2";
  send_refused_study(uid);
  const auto operator_actions = actions_for(kAdmin, uid);
  EXPECT_EQ(operator_actions, (boost::json::array{"retry", "resend", "forget"})) << operator_actions;
  EXPECT_EQ(actions_for(kNurse, uid), boost::json::array{});
}

TEST_F(ConsoleActions, AViewerIsRefusedRetryResendAndForgetWith403Forbidden) {
  const std::string uid = kBase + "3";
  send_refused_study(uid);
  for (const std::string action : {"retry", "resend", "forget"}) {
    const auto basic = gateway_->as(kNurse, verb::post, "/api/v1/studies/" + uid + "/" + action);
    EXPECT_EQ(basic.status(), 403) << action << ": " << basic.body();
    EXPECT_EQ(basic.error_code(), "forbidden") << action;
  }
  const PageSession session = gateway_->login(kNurse);
  const auto page = gateway_->as(session, verb::post, "/api/v1/studies/" + uid + "/retry");
  EXPECT_EQ(page.status(), 403) << page.body();
  EXPECT_EQ(page.error_code(), "forbidden");
  EXPECT_EQ(gateway_->state_of(uid), "failed") << "nothing was done";
}

TEST_F(ConsoleActions, AnActionOnAnUnknownStudyIs404NoSuchStudy) {
  for (const std::string action : {"retry", "resend", "forget"}) {
    const auto reply = gateway_->as(kAdmin, verb::post, "/api/v1/studies/" + kBase + "999/" + action);
    EXPECT_EQ(reply.status(), 404) << action << ": " << reply.body();
    EXPECT_EQ(reply.error_code(), "no_such_study") << action;
  }
  const auto page = gateway_->as(kAdmin, verb::get, "/api/v1/studies/" + kBase + "999");
  EXPECT_EQ(page.status(), 404);
  EXPECT_EQ(page.error_code(), "no_such_study");
}

TEST_F(ConsoleActions, ForgetRemovesAStudySoItsPageIs404Afterwards) {
  const std::string uid = kBase + "4";
  send_registered_study(uid);
  const auto forgotten = gateway_->as(kAdmin, verb::post, "/api/v1/studies/" + uid + "/forget");
  ASSERT_EQ(forgotten.status(), 200) << forgotten.body();
  const auto page = gateway_->as(kAdmin, verb::get, "/api/v1/studies/" + uid);
  EXPECT_EQ(page.status(), 404) << page.body();
  EXPECT_EQ(page.error_code(), "no_such_study");
  const auto list = gateway_->as(kAdmin, verb::get, "/api/v1/studies?q=" + uid).json().as_object();
  EXPECT_TRUE(list.at("studies").as_array().empty()) << list;
}

TEST_F(ConsoleActions, ResendRegistersARegisteredStudyAgainWithANewIdempotencyKey) {
  const std::string uid = kBase + "5";
  send_registered_study(uid);
  const auto creates_of = [&] {
    std::vector<std::string> keys;
    for (const auto& c : gateway_->harness().creates()) {
      if (c.body.find(uid) != std::string::npos && c.status == 201) keys.push_back(c.idempotency_key);
    }
    return keys;
  };
  ASSERT_EQ(creates_of().size(), 1u);
  const auto resent = gateway_->as(kAdmin, verb::post, "/api/v1/studies/" + uid + "/resend");
  ASSERT_EQ(resent.status(), 200) << resent.body();
  ASSERT_TRUE(gateway_->wait_for_study(uid, [](const boost::json::object& o) {
    return o.at("attempts").as_array().size() == 2 && str(o.at("study").as_object(), "state") == "registered";
  }));
  const auto keys = creates_of();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_NE(keys[0], keys[1]);
}

TEST_F(ConsoleActions, TheEventStreamReportsAnArrivalAndTheRegistration) {
  const std::string uid = kBase + "6";
  EventStreamReader events(gateway_->endpoint(), {{"Authorization", basic_auth(kNurse.name, kNurse.password)}});
  ASSERT_TRUE(events.open(std::chrono::seconds(5))) << events.received();
  EXPECT_NE(events.received().find("Content-Type: text/event-stream"), std::string::npos) << events.received();
  gateway_->send({{uid, "Chest CT streamed", "ACC-SSE"}});
  ASSERT_TRUE(events.wait_for("\"to\":\"registered\"", std::chrono::seconds(20))) << events.received();
  const std::string& text = events.received();
  const auto arrival = text.find("event: arrival\ndata: ");
  ASSERT_NE(arrival, std::string::npos) << text;
  EXPECT_NE(text.find(uid, arrival), std::string::npos) << text;
  const auto registered = text.find("\"to\":\"registered\"");
  const auto state = text.rfind("event: state\ndata: ", registered);
  ASSERT_NE(state, std::string::npos) << text;
  EXPECT_LT(arrival, state) << "the arrival comes first:\n" << text;
  EXPECT_NE(text.substr(state, registered - state).find(uid), std::string::npos) << text;
  EXPECT_EQ(text.find("Secretperson"), std::string::npos) << text;
}

TEST_F(ConsoleActions, TheArrivalEventSaysWhetherItCreatedTheStudy) {
  // The page fetches the study on any event; the arrival says only whether it is new.
  const std::string uid = kBase + "7";
  EventStreamReader events(gateway_->endpoint(), {{"Authorization", basic_auth(kNurse.name, kNurse.password)}});
  ASSERT_TRUE(events.open(std::chrono::seconds(5))) << events.received();
  gateway_->send({{uid, "Chest CT counted", "ACC-COUNT"}});
  ASSERT_TRUE(events.wait_for("\"to\":\"registered\"", std::chrono::seconds(20))) << events.received();
  EXPECT_NE(events.received().find("\"studyInstanceUid\":\"" + uid + "\",\"state\":\"new\""), std::string::npos)
      << events.received();
}

}  // namespace
}  // namespace gw::test
