// Storage Commitment's pure rules: which instance is committed, the event type, the N-ACTION
// statuses (one table), and which requests are well formed.
#include <gtest/gtest.h>

#include "gateway/domain/storage_commitment.hpp"

namespace gw::domain {
namespace {

const std::string kCt = "1.2.840.10008.5.1.4.1.1.2";
const std::string kMr = "1.2.840.10008.5.1.4.1.1.4";
const CommitmentItem kItem{kCt, "1.2.3.4", CommitFailure::none};

TEST(JudgeItem, ASpooledCopyOfTheSameClassIsCommitted) {
  EXPECT_EQ(judge_item(kItem, {{kCt, true}}), CommitFailure::none);
}

TEST(JudgeItem, AnInstanceNeverStoredIsNoSuchObjectInstance) {
  EXPECT_EQ(judge_item(kItem, {}), CommitFailure::no_such_object_instance);
}

TEST(JudgeItem, AnInstanceWhoseFilesLeftTheSpoolIsNoSuchObjectInstance) {
  EXPECT_EQ(judge_item(kItem, {{kCt, false}}), CommitFailure::no_such_object_instance);
}

TEST(JudgeItem, AnInstanceStoredUnderAnotherClassIsAConflict) {
  EXPECT_EQ(judge_item(kItem, {{kMr, true}}), CommitFailure::class_instance_conflict);
}

TEST(JudgeItem, OneMatchingCopyAmongStudiesIsEnough) {
  EXPECT_EQ(judge_item(kItem, {{kMr, true}, {kCt, true}}), CommitFailure::none);
}

TEST(JudgeItem, ACopyRecordedWithoutItsClassByAnOlderGatewayIsCommitted) {
  EXPECT_EQ(judge_item(kItem, {{"", true}}), CommitFailure::none);
}

TEST(EventType, IsOneWhenEveryItemIsCommittedAndTwoOtherwise) {
  EXPECT_EQ(commitment_event_type({kItem, kItem}), 1);
  CommitmentItem failed = kItem;
  failed.failure = CommitFailure::no_such_object_instance;
  EXPECT_EQ(commitment_event_type({kItem, failed}), 2);
}

TEST(ActionStatus, EachRefusalHasItsPs37Status) {
  EXPECT_EQ(commitment_action_status(CommitmentRefusal::none), 0x0000);
  EXPECT_EQ(commitment_action_status(CommitmentRefusal::unknown_requester), 0x0124);
  EXPECT_EQ(commitment_action_status(CommitmentRefusal::no_such_action), 0x0123);
  EXPECT_EQ(commitment_action_status(CommitmentRefusal::invalid_instance), 0x0117);
  EXPECT_EQ(commitment_action_status(CommitmentRefusal::missing_attribute), 0x0120);
  EXPECT_EQ(commitment_action_status(CommitmentRefusal::invalid_argument), 0x0115);
  EXPECT_EQ(commitment_action_status(CommitmentRefusal::processing_failure), 0x0110);
}

TEST(CheckRequest, AcceptsActionTypeOneOnTheWellKnownInstanceWithValidUids) {
  const CommitmentRequest request{"2.25.7", "SCU", {kItem}};
  EXPECT_EQ(check_commitment_request(1, kStorageCommitmentSopInstance, request), CommitmentRefusal::none);
  EXPECT_EQ(check_commitment_request(2, kStorageCommitmentSopInstance, request),
            CommitmentRefusal::no_such_action);
  EXPECT_EQ(check_commitment_request(1, "1.2.3", request), CommitmentRefusal::invalid_instance);
  EXPECT_EQ(check_commitment_request(1, kStorageCommitmentSopInstance, {"", "SCU", {kItem}}),
            CommitmentRefusal::missing_attribute);
  EXPECT_EQ(check_commitment_request(1, kStorageCommitmentSopInstance, {"2.25.7", "SCU", {}}),
            CommitmentRefusal::missing_attribute);
  EXPECT_EQ(check_commitment_request(1, kStorageCommitmentSopInstance,
                                     {"2.25.7", "SCU", {{kCt, "not a uid"}}}),
            CommitmentRefusal::invalid_argument);
}

TEST(CommitmentState, NamesRoundTripAndUnknownReadsAsPending) {
  for (auto state : {CommitmentState::pending, CommitmentState::resolved, CommitmentState::reported,
                     CommitmentState::abandoned}) {
    EXPECT_EQ(commitment_state_from(to_string(state)), state);
  }
  EXPECT_EQ(commitment_state_from("bogus"), CommitmentState::pending);
}

TEST(FindPeer, FindsByAeTitleOnly) {
  const std::vector<DicomPeer> peers{{"ORTHANC", "127.0.0.1", 4242, false}};
  ASSERT_NE(find_peer(peers, "ORTHANC"), nullptr);
  EXPECT_EQ(find_peer(peers, "orthanc"), nullptr);
}

}  // namespace
}  // namespace gw::domain
