// Reading and changing studies, and the customer list: GET one, the paged list with its
// filters and cursor, PATCH, cancellation, GET /v1/express.
#include <boost/json.hpp>

#include "simulator_fixture.hpp"

namespace gw::sim::test {
namespace {

using boost::json::object;

class ReadingStudies : public SimulatorTest {
 protected:
  // Creates a study and returns its studyId.
  std::string create(const std::string& description, const std::string& severity = "normal") {
    object body = valid_study();
    body["studyDescription"] = description;
    body["severity"] = severity;
    const Exchange created = post_study(body);
    EXPECT_EQ(created.status(), 201) << created.response.body();
    return std::string(created.json().at("studyId").as_string());
  }

  static std::vector<std::string> descriptions(const Exchange& page) {
    std::vector<std::string> result;
    const boost::json::value json = page.json();
    for (const auto& study : json.at("studies").as_array()) {
      result.emplace_back(study.at("studyDescription").as_string());
    }
    return result;
  }

  Exchange patch(const std::string& id, const object& body) {
    return client().send(
        make_request(http::verb::patch, "/v1/viewer/studies/" + id, boost::json::serialize(body)));
  }
};

TEST_F(ReadingStudies, OneByIdReturnsTheStoredStudy) {
  const std::string id = create("Brain MRI");
  const Exchange found = get("/v1/viewer/studies/" + id);
  ASSERT_EQ(found.status(), 200);
  EXPECT_EQ(found.json().at("studyId").as_string(), id);
  EXPECT_EQ(found.json().at("studyDescription"), "Brain MRI");
}

TEST_F(ReadingStudies, AnUnknownIdIsAnswered404) {
  EXPECT_EQ(get("/v1/viewer/studies/stu_00000000000000000000000000000000").status(), 404);
}

TEST_F(ReadingStudies, AsAListPagesNewestFirstUntilHasMoreIsFalse) {
  for (const char* d : {"one", "two", "three", "four", "five"}) create(d);

  const Exchange first = get("/v1/viewer/studies?limit=2");
  EXPECT_EQ(descriptions(first), (std::vector<std::string>{"five", "four"}));
  EXPECT_EQ(first.json().at("hasMore"), true);
  const std::string cursor1(first.json().at("cursor").as_string());

  const Exchange second = get("/v1/viewer/studies?limit=2&cursor=" + cursor1);
  EXPECT_EQ(descriptions(second), (std::vector<std::string>{"three", "two"}));
  const std::string cursor2(second.json().at("cursor").as_string());

  const Exchange last = get("/v1/viewer/studies?limit=2&cursor=" + cursor2);
  EXPECT_EQ(descriptions(last), (std::vector<std::string>{"one"}));
  EXPECT_EQ(last.json().at("hasMore"), false);
  EXPECT_FALSE(last.json().as_object().contains("cursor"));  // optional on the last page
}

TEST_F(ReadingStudies, AsAListDefaultsToTwentyAPage) {
  for (int i = 0; i < 21; ++i) create("study " + std::to_string(i));
  const Exchange page = get("/v1/viewer/studies");
  EXPECT_EQ(page.json().at("studies").as_array().size(), 20u);
  EXPECT_EQ(page.json().at("hasMore"), true);
}

TEST_F(ReadingStudies, AsAListFiltersBySeverityAndDescriptionContainment) {
  create("CT Chest", "stat");
  create("CT Head", "normal");
  create("MR Chest", "stat");
  EXPECT_EQ(descriptions(get("/v1/viewer/studies?severity=stat")),
            (std::vector<std::string>{"MR Chest", "CT Chest"}));
  EXPECT_EQ(descriptions(get("/v1/viewer/studies?studyDescription=Chest&severity=stat&limit=1")),
            (std::vector<std::string>{"MR Chest"}));
  EXPECT_EQ(descriptions(get("/v1/viewer/studies?studyDescription=CT%20H")),
            (std::vector<std::string>{"CT Head"}));
}

TEST_F(ReadingStudies, AsAListRefusesALimitOutsideOneToAHundred) {
  for (const char* limit : {"0", "101", "ten", "-1"}) {
    const Exchange refused = get(std::string("/v1/viewer/studies?limit=") + limit);
    EXPECT_EQ(refused.status(), 400) << limit;
    EXPECT_NE(refused.json().at("error").as_string().find("limit"), std::string::npos);
  }
  EXPECT_EQ(get("/v1/viewer/studies?limit=100").status(), 200);
}

TEST_F(ReadingStudies, AsAListRefusesACursorItDidNotIssue) {
  EXPECT_EQ(get("/v1/viewer/studies?cursor=garbage").status(), 400);
  const std::string customers_cursor(
      get("/v1/express?limit=1").json().at("cursor").as_string());
  EXPECT_EQ(get("/v1/viewer/studies?cursor=" + customers_cursor).status(), 400);
}

TEST_F(ReadingStudies, APatchChangesOnlyTheFieldsItNames) {
  const std::string id = create("Before");
  const Exchange patched =
      patch(id, {{"studyDescription", "After"}, {"studyViewerStatus", "complete"}});
  ASSERT_EQ(patched.status(), 200) << patched.response.body();
  const object study = patched.json().as_object();
  EXPECT_EQ(study.at("studyDescription"), "After");
  EXPECT_EQ(study.at("studyViewerStatus"), "complete");
  EXPECT_EQ(study.at("severity"), "normal");
  EXPECT_EQ(study.at("metadata"), valid_study().at("metadata"));
  EXPECT_EQ(get("/v1/viewer/studies/" + id).json().at("studyDescription"), "After");
}

TEST_F(ReadingStudies, APatchWithNullAssigneeUnassignsTheStudy) {
  const std::string id = create("Assigned");
  const Exchange patched = patch(id, {{"assignedTo", nullptr}});
  ASSERT_EQ(patched.status(), 200);
  EXPECT_TRUE(patched.json().at("assignedTo").is_null());
}

TEST_F(ReadingStudies, APatchBreakingARuleIsRefusedNamingTheField) {
  const std::string id = create("Study");
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, boost::json::value>>{{"severity", "urgent"},
                                                               {"studyDescription", ""},
                                                               {"studyViewerStatus", "done"},
                                                               {"assignedTo", "usr_bad"},
                                                               {"metadata", 5},
                                                               {"isCancelled", true}}) {
    const Exchange refused = patch(id, {{field, value}});
    EXPECT_EQ(refused.status(), 400) << field;
    EXPECT_NE(refused.json().at("error").as_string().find(field), std::string::npos) << field;
  }
}

TEST_F(ReadingStudies, APatchOfAnUnknownStudyIsAnswered404) {
  EXPECT_EQ(patch("stu_00000000000000000000000000000000", {{"severity", "stat"}}).status(), 404);
}

TEST_F(ReadingStudies, ACancelledStudyShowsItsCancellationAndFilters) {
  const std::string cancelled = create("Cancelled");
  create("Kept");
  ASSERT_TRUE(simulator().cancel_study(cancelled));
  const object study = get("/v1/viewer/studies/" + cancelled).json().as_object();
  EXPECT_EQ(study.at("isCancelled"), true);
  EXPECT_TRUE(study.at("cancelledAt").is_string());
  EXPECT_EQ(descriptions(get("/v1/viewer/studies?isCancelled=true")),
            (std::vector<std::string>{"Cancelled"}));
  EXPECT_EQ(descriptions(get("/v1/viewer/studies?isCancelled=false")),
            (std::vector<std::string>{"Kept"}));
}

class ListingCustomers : public SimulatorTest {};

TEST_F(ListingCustomers, PagesTheThreeSeededCustomers) {
  const Exchange first = get("/v1/express?limit=2");
  ASSERT_EQ(first.status(), 200);
  const boost::json::array data = first.json().at("expressCustomers").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].at("expressCustomerId"), "cus_0123456789abcdef0123456789abcdef");
  EXPECT_EQ(data[0].at("expressCustomerName"), "City Medical Center");
  EXPECT_EQ(data[0].at("isActive"), true);
  EXPECT_TRUE(data[0].at("userCount").is_number());
  EXPECT_EQ(data[1].at("isActive"), false);
  EXPECT_EQ(first.json().at("hasMore"), true);

  const Exchange rest =
      get("/v1/express?limit=2&cursor=" + std::string(first.json().at("cursor").as_string()));
  const boost::json::array last = rest.json().at("expressCustomers").as_array();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].at("expressCustomerName"), "Second Site");
  EXPECT_EQ(rest.json().at("hasMore"), false);
  EXPECT_FALSE(rest.json().as_object().contains("cursor"));
}

}  // namespace
}  // namespace gw::sim::test
