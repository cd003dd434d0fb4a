// The console's search and Storage Commitment, on both stores: what `studies list` and the
// console page show, and what a requester of a commitment is told, must not depend on where
// the state lives.
#include <gtest/gtest.h>

#include "registry_steps.hpp"
#include "store_under_test.hpp"

using gw::registry::ArrivalDetails;
using gw::registry::NewStudy;
using gw::registry::StudyQuery;
using gw::registry::StudyRegistry;
using gw::registry::StudyState;
namespace domain = gw::domain;

using namespace gw::registry::test;

namespace {

class RegistryQueries : public testing::TestWithParam<StoreKind> {
 protected:
  /// Study `uid` first seen at `at`, with a description and an accession number.
  void receive(const std::string& uid, gw::registry::TimestampMs at, std::string description,
               std::string accession, const std::string& caller = "MODALITY") {
    NewStudy study{StudyState::pending, "default", "{}", "{}", std::move(description),
                   std::move(accession)};
    record(*registry_, {uid, uid + ".1", 10, at}, [&] { return study; },
           ArrivalDetails{"", "CT", std::nullopt, caller, "1.2.840.10008.5.1.4.1.1.2"});
  }
  std::vector<std::string> uids(const StudyQuery& query) {
    std::vector<std::string> out;
    for (const auto& study : registry_->page(query).studies) out.push_back(study.study_instance_uid);
    return out;
  }

  StoreUnderTest store_{GetParam()};
  std::unique_ptr<StudyRegistry> registry_ = store_.open();
};

INSTANTIATE_TEST_SUITE_P(Stores, RegistryQueries,
                         testing::Values(StoreKind::sqlite, StoreKind::postgres), store_name);

TEST_P(RegistryQueries, ThePageListsNewestFirstAndContinuesAfterItsLastRow) {
  for (int i = 0; i < 7; ++i) receive("1.3." + std::to_string(i), 1000 + i / 2, "", "");
  StudyQuery query;
  query.limit = 3;
  const auto first = registry_->page(query);
  ASSERT_EQ(first.studies.size(), 3u);
  EXPECT_TRUE(first.more);
  EXPECT_EQ(uids(query), (std::vector<std::string>{"1.3.6", "1.3.5", "1.3.4"}))
      << "first seen descending, then UID descending";
  query.after = std::make_pair(first.studies.back().first_seen, first.studies.back().study_instance_uid);
  EXPECT_EQ(uids(query), (std::vector<std::string>{"1.3.3", "1.3.2", "1.3.1"}));
  query.after = std::make_pair(gw::registry::TimestampMs{1000}, std::string("1.3.1"));
  const auto last = registry_->page(query);
  ASSERT_EQ(last.studies.size(), 1u);
  EXPECT_FALSE(last.more);
}

TEST_P(RegistryQueries, TheSearchFindsASubstringOfTheUidAccessionOrDescriptionLiterally) {
  receive("1.4.1", 100, "CT Abdomen 50% dose", "ACC_1");
  receive("1.4.2", 200, "MR Knee", "ACC-2");
  receive("1.4.3", 300, "Thorax", "X\\Y");
  auto search = [&](const std::string& text) {
    StudyQuery query;
    query.text = text;
    return uids(query);
  };
  EXPECT_EQ(search("abdomen"), std::vector<std::string>{"1.4.1"}) << "case does not matter";
  EXPECT_EQ(search("50%"), std::vector<std::string>{"1.4.1"});
  EXPECT_TRUE(search("5%d").empty()) << "% is a character, not a wildcard";
  EXPECT_EQ(search("ACC_"), std::vector<std::string>{"1.4.1"}) << "_ is a character too";
  EXPECT_EQ(search("x\\y"), std::vector<std::string>{"1.4.3"});
  EXPECT_EQ(search("1.4.2"), std::vector<std::string>{"1.4.2"});
  EXPECT_EQ(search("1.4").size(), 3u);
}

TEST_P(RegistryQueries, FiltersByStateTimeAndCallerCombine) {
  receive("1.5.1", 100, "", "", "CT_SCANNER");
  receive("1.5.2", 200, "", "", "MR_1");
  receive("1.5.3", 300, "", "", "CT_SCANNER");
  record(*registry_, {"1.5.2", "1.5.2.2", 10, 250}, [] { return NewStudy{}; },
         ArrivalDetails{"", "MR", std::nullopt, "CT_SCANNER"});
  registered(*registry_, "1.5.3", "stu_3", {400, "created", 201, "", 5});
  EXPECT_EQ(registry_->find("1.5.2")->callers, "MR_1\\CT_SCANNER");
  EXPECT_EQ(registry_->find("1.5.2")->modalities, "CT\\MR");

  StudyQuery query;
  query.calling_ae = "CT_SCANNER";
  EXPECT_EQ(uids(query), (std::vector<std::string>{"1.5.3", "1.5.2", "1.5.1"}));
  query.calling_ae = "CT";
  EXPECT_TRUE(uids(query).empty()) << "a caller matches whole, not as a prefix";
  query.calling_ae = "CT_SCANNER";
  query.state = StudyState::pending;
  EXPECT_EQ(uids(query), (std::vector<std::string>{"1.5.2", "1.5.1"}));
  query.since = 150;
  EXPECT_EQ(uids(query), std::vector<std::string>{"1.5.2"});
  query.state.reset();
  query.until = 300;
  EXPECT_EQ(uids(query), std::vector<std::string>{"1.5.2"});

  using Counts = std::vector<std::pair<StudyState, std::int64_t>>;
  EXPECT_EQ(registry_->count_by_state(),
            (Counts{{StudyState::pending, 2}, {StudyState::in_flight, 0}, {StudyState::registered, 1},
                    {StudyState::failed, 0}, {StudyState::ignored, 0}, {StudyState::receiving, 0}}));
}

TEST_P(RegistryQueries, ACommitmentIsRecordedResolvedAndReportedAndARepeatRearmsIt) {
  receive("1.6", 100, "", "");
  const std::string ct = "1.2.840.10008.5.1.4.1.1.2";
  domain::CommitmentRequest request{"2.25.1", "PACS", {{ct, "1.6.1"}, {ct, "9.9.9"}}};
  EXPECT_EQ(registry_->record_commitment(request, 1000), StudyRegistry::CommitmentRecorded::created);
  EXPECT_EQ(registry_->commitments_waiting(), 1);
  EXPECT_EQ(registry_->next_commitment_due(), 1000);

  const auto stored = registry_->stored_instances("1.6.1");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].sop_class_uid, ct);
  EXPECT_TRUE(stored[0].spooled);
  EXPECT_TRUE(registry_->stored_instances("9.9.9").empty());

  registry_->resolve_commitment(
      "2.25.1", {{ct, "1.6.1"}, {ct, "9.9.9", domain::CommitFailure::no_such_object_instance}}, 1100);
  auto found = registry_->find_commitment("2.25.1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, domain::CommitmentState::resolved);
  ASSERT_EQ(found->request.items.size(), 2u);
  EXPECT_EQ(found->request.items[0].failure, domain::CommitFailure::none);
  EXPECT_EQ(found->request.items[1].failure, domain::CommitFailure::no_such_object_instance);
  EXPECT_EQ(found->request.items[1].sop_instance_uid, "9.9.9");

  registry_->commitment_retry("2.25.1", 5000, "association refused", 1200);
  EXPECT_TRUE(registry_->commitments_due(4999, 10).empty());
  ASSERT_EQ(registry_->commitments_due(5000, 10).size(), 1u);
  EXPECT_EQ(registry_->find_commitment("2.25.1")->attempts, 1);
  EXPECT_EQ(registry_->find_commitment("2.25.1")->last_error, "association refused");

  registry_->commitment_reported("2.25.1", 5100);
  EXPECT_EQ(registry_->find_commitment("2.25.1")->state, domain::CommitmentState::reported);
  EXPECT_EQ(registry_->commitments_waiting(), 0);
  EXPECT_FALSE(registry_->next_commitment_due());

  // The requester asks again with the same Transaction UID: it never got the report.
  EXPECT_EQ(registry_->record_commitment({"2.25.1", "PACS", {{ct, "1.6.1"}}}, 6000),
            StudyRegistry::CommitmentRecorded::repeated);
  found = registry_->find_commitment("2.25.1");
  EXPECT_EQ(found->state, domain::CommitmentState::pending);
  EXPECT_EQ(found->attempts, 0);
  EXPECT_EQ(found->request.items.size(), 1u);

  EXPECT_EQ(registry_->record_commitment({"2.25.2", "PACS", {{ct, "7.7"}}}, 6500),
            StudyRegistry::CommitmentRecorded::created);
  registry_->commitment_abandoned("2.25.2", "no route", 7000);
  EXPECT_EQ(registry_->find_commitment("2.25.2")->state, domain::CommitmentState::abandoned);
  const auto naming = registry_->commitments_naming_study("1.6");
  ASSERT_EQ(naming.size(), 1u);
  EXPECT_EQ(naming[0].request.transaction_uid, "2.25.1");
}

}  // namespace
