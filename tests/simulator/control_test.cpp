// The /_sim/ control calls a script or a process-level test uses instead of the C++ API.
#include <boost/json.hpp>

#include "simulator_fixture.hpp"

namespace gw::sim::test {
namespace {

class TheControlApi : public SimulatorTest {
 protected:
  // Control calls carry no key: they must work without one.
  Exchange control(http::verb method, const std::string& target, const std::string& body = {}) {
    return client().send(make_request(method, target, body, ""));
  }
};

TEST_F(TheControlApi, ListsRecordedRequestsAsJson) {
  post_study(valid_study(), "idem-9");
  const Exchange listed = control(http::verb::get, "/_sim/requests");
  ASSERT_EQ(listed.status(), 200);
  const boost::json::array list = listed.json().as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("method"), "POST");
  EXPECT_EQ(list[0].at("target"), "/v1/viewer/studies");
  EXPECT_EQ(list[0].at("idempotency_key"), "idem-9");
  EXPECT_EQ(list[0].at("authorized"), true);
  EXPECT_EQ(list[0].at("status"), 201);
  EXPECT_EQ(boost::json::parse(list[0].at("body").as_string()), valid_study());
}

TEST_F(TheControlApi, SetsAFaultWithEveryFieldAndClearsIt) {
  const Exchange set = control(http::verb::post, "/_sim/faults",
                               R"({"status": 503, "retry_after": "2", "delay_ms": 0,
                                   "drop": false, "hang": false, "count": 2,
                                   "only_path_prefix": "/v1/viewer"})");
  ASSERT_EQ(set.status(), 204) << set.response.body();
  const Exchange faulted = post_study(valid_study());
  EXPECT_EQ(faulted.status(), 503);
  EXPECT_EQ(faulted.response[http::field::retry_after], "2");
  EXPECT_EQ(get("/v1/express").status(), 200);  // outside the prefix

  EXPECT_EQ(control(http::verb::delete_, "/_sim/faults").status(), 204);
  EXPECT_EQ(post_study(valid_study()).status(), 201);
}

TEST_F(TheControlApi, RefusesAFaultWithAnUnknownOrMistypedField) {
  EXPECT_EQ(control(http::verb::post, "/_sim/faults", R"({"stauts": 503})").status(), 400);
  EXPECT_EQ(control(http::verb::post, "/_sim/faults", R"({"status": "503"})").status(), 400);
  EXPECT_EQ(control(http::verb::post, "/_sim/faults", R"({"delay_ms": -1})").status(), 400);
  EXPECT_EQ(control(http::verb::post, "/_sim/faults", "not json").status(), 400);
}

TEST_F(TheControlApi, ResetForgetsStudiesAndRequests) {
  post_study(valid_study());
  EXPECT_EQ(control(http::verb::post, "/_sim/reset").status(), 204);
  EXPECT_EQ(simulator().studies_created(), 0u);
  EXPECT_TRUE(control(http::verb::get, "/_sim/requests").json().as_array().empty());
}

TEST_F(TheControlApi, ConfiguresIgnoringIdempotency) {
  ASSERT_EQ(control(http::verb::post, "/_sim/config", R"({"ignore_idempotency": true})").status(),
            204);
  post_study(valid_study(), "same");
  post_study(valid_study(), "same");
  EXPECT_EQ(simulator().studies_created(), 2u);
  EXPECT_EQ(control(http::verb::post, "/_sim/config", R"({"ignore_idempotency": 1})").status(),
            400);
}

TEST_F(TheControlApi, CancelsAStudyAsAViewerUserWould) {
  const std::string id(post_study(valid_study()).json().at("studyId").as_string());
  EXPECT_EQ(control(http::verb::post, "/_sim/studies/" + id + "/cancel").status(), 204);
  EXPECT_EQ(get("/v1/viewer/studies/" + id).json().at("isCancelled"), true);
  EXPECT_EQ(control(http::verb::post, "/_sim/studies/stu_nothing/cancel").status(), 404);
}

TEST_F(TheControlApi, AnswersAnUnknownControlRouteWith404) {
  EXPECT_EQ(control(http::verb::get, "/_sim/nothing").status(), 404);
}

}  // namespace
}  // namespace gw::sim::test
