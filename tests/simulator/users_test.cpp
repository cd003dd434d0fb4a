// Looking a study up by its StudyInstanceUID, and the viewer's users: seeded ones, ones added
// by a test or by a script through /_sim/users, and 404 for the rest.
#include <boost/json.hpp>

#include "simulator_fixture.hpp"

namespace gw::sim::test {
namespace {

constexpr const char* kLocalUser = "usr_0123456789abcdef0123456789abcdef";  // config/local.yaml
constexpr const char* kUid = "1.2.840.113619.2.55.3.604688119.868.1234567890.123";  // valid_study

class ByUid : public SimulatorTest {};

TEST_F(ByUid, FindsTheStudyWithThatUid) {
  const Exchange created = post_study(valid_study());
  ASSERT_EQ(created.status(), 201);
  const Exchange found = get(std::string("/v1/viewer/studies/by-uid/") + kUid);
  ASSERT_EQ(found.status(), 200) << found.response.body();
  EXPECT_EQ(found.json().at("studyId"), created.json().at("studyId"));
  EXPECT_EQ(found.json().at("studyInstanceUid"), kUid);
}

TEST_F(ByUid, AnswersAnUnknownUid404) {
  const Exchange missing = get("/v1/viewer/studies/by-uid/1.2.3.999");
  EXPECT_EQ(missing.status(), 404);
  EXPECT_TRUE(missing.json().as_object().contains("error"));
}

TEST_F(ByUid, DecodesTheUidAsOnePathSegment) {
  EXPECT_EQ(get("/v1/viewer/studies/by-uid/1.2%2F3").status(), 404);
  EXPECT_EQ(get("/v1/viewer/studies/by-uid/").status(), 404);
}

TEST_F(ByUid, AnswersTheFirstOfTwoStudiesTheSameUidMadeWhenIgnoringIdempotency) {
  simulator().set_ignore_idempotency(true);
  const Exchange first = post_study(valid_study(), "same");
  ASSERT_EQ(post_study(valid_study(), "same").status(), 201);
  ASSERT_EQ(simulator().studies_created(), 2u);
  EXPECT_EQ(get(std::string("/v1/viewer/studies/by-uid/") + kUid).json().at("studyId"),
            first.json().at("studyId"));
}

TEST_F(ByUid, IsForgottenOnReset) {
  post_study(valid_study());
  simulator().reset();
  EXPECT_EQ(get(std::string("/v1/viewer/studies/by-uid/") + kUid).status(), 404);
}

TEST_F(ByUid, NeedsTheKeyAndOnlyGet) {
  EXPECT_EQ(client().send(make_request(http::verb::get, "/v1/viewer/studies/by-uid/1.2", {}, "x"))
                .status(),
            401);
  EXPECT_EQ(client().send(make_request(http::verb::post, "/v1/viewer/studies/by-uid/1.2", "{}"))
                .status(),
            405);
}

class Users : public SimulatorTest {
 protected:
  Exchange control_add(const std::string& body) {
    return client().send(make_request(http::verb::post, "/_sim/users", body, ""));
  }
};

TEST_F(Users, EveryUserOfTheLocalConfigurationIsKnownFromTheStart) {
  const Exchange user = get(std::string("/v1/viewer/users/") + kLocalUser);
  ASSERT_EQ(user.status(), 200) << user.response.body();
  EXPECT_EQ(user.json().at("userId"), kLocalUser);
  EXPECT_TRUE(user.json().at("email").is_string());
  EXPECT_TRUE(user.json().at("firstName").is_string());
  EXPECT_TRUE(user.json().at("lastName").is_string());
}

TEST_F(Users, AnUnknownUserIs404) {
  EXPECT_EQ(get("/v1/viewer/users/usr_ffffffffffffffffffffffffffffffff").status(), 404);
  EXPECT_EQ(get("/v1/viewer/users/nobody").status(), 404);
}

TEST_F(Users, AUserAddedByATestIsKnownAndNamedInItsStudies) {
  const std::string id = "usr_00000000000000000000000000000042";
  simulator().add_user({id, "new.reader@example.org", "Nora", "Reader"});
  EXPECT_EQ(get("/v1/viewer/users/" + id).json().at("lastName"), "Reader");
  boost::json::object body = valid_study();
  body["assignedTo"] = id;
  const Exchange created = post_study(body);
  EXPECT_EQ(created.json().at("assignedTo").at("email"), "new.reader@example.org");
  simulator().reset();  // users stay, like customers
  EXPECT_EQ(get("/v1/viewer/users/" + id).status(), 200);
}

TEST_F(Users, AScriptAddsAUserThroughTheControlApi) {
  const std::string id = "usr_00000000000000000000000000000043";
  ASSERT_EQ(control_add(R"({"userId":")" + id +
                        R"(","email":"a@example.org","firstName":"A","lastName":"B"})")
                .status(),
            204);
  EXPECT_EQ(get("/v1/viewer/users/" + id).json().at("email"), "a@example.org");
  EXPECT_EQ(control_add(R"({"userId":"usr_bad","email":"a@example.org"})").status(), 400);
  EXPECT_EQ(control_add(R"({"userId":")" + id + R"("})").status(), 400);  // no email
  EXPECT_EQ(control_add(R"({"userId":")" + id + R"(","email":"a@b","age":3})").status(), 400);
}

}  // namespace
}  // namespace gw::sim::test
