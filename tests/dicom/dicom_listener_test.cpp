// The receiver in-process on port 0, spoken to by DCMTK's own SCU (as dcmnet's tscuscp does).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "dicom_sender.hpp"
#include "gateway/dicom/dicom_listener.hpp"
#include "temp_dir.hpp"

namespace {

const std::string kFixtures = GW_FIXTURE_DIR;

/// Records what arrives and keeps a copy of each file, as the real intake would.
class RecordingSink : public gw::dicom::InstanceSink {
 public:
  explicit RecordingSink(std::filesystem::path keep) : keep_(std::move(keep)) {}
  gw::dicom::StoreResult store(const gw::dicom::ReceivedInstance& instance) noexcept override {
    std::lock_guard lock(mutex_);
    received.push_back(instance);
    facts.push_back(instance.read_facts());
    if (instance.study_instance_uid.empty()) {
      return {gw::dicom::StoreStatus::invalid_attribute, "missing StudyInstanceUID"};
    }
    std::filesystem::rename(instance.file, keep_ / (instance.sop_instance_uid + ".dcm"));
    return {gw::dicom::StoreStatus::stored, {}};
  }
  std::mutex mutex_;
  std::vector<gw::dicom::ReceivedInstance> received;
  std::vector<gw::StudyFacts> facts;

 private:
  std::filesystem::path keep_;
};

class DicomListenerTest : public testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "kept");
    gw::dicom::ListenerSettings settings;
    settings.bind_address = "127.0.0.1";
    settings.port = 0;
    settings.max_associations = 4;
    settings.incoming_dir = dir_ / "incoming";
    listener_ = std::make_unique<gw::dicom::DicomListener>(settings, sink_);
    listener_->start();
    options_.port = listener_->port();
  }

  gw::test::TempDir dir_;
  RecordingSink sink_{dir_ / "kept"};
  std::unique_ptr<gw::dicom::DicomListener> listener_;
  gw::test::SendOptions options_;
};

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST_F(DicomListenerTest, AnswersCEcho) {
  EXPECT_NE(options_.port, 0);
  EXPECT_TRUE(gw::test::echo(options_));
}

TEST_F(DicomListenerTest, ServesMoreAssociationsOverTimeThanItHasWorkers) {
  // Four workers, ten associations one after another: each worker serves several.
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(gw::test::echo(options_)) << "association " << i + 1;
  }
}

TEST_F(DicomListenerTest, StoresEachInstanceAndReportsItsAssociation) {
  const auto result = gw::test::send_files(
      options_, {kFixtures + "/ct_chest_s1_i1.dcm", kFixtures + "/ct_chest_s1_i2.dcm"});
  ASSERT_TRUE(result.associated) << result.error;
  EXPECT_EQ(result.statuses, (std::vector<std::uint16_t>{0x0000, 0x0000}));
  ASSERT_EQ(sink_.received.size(), 2u);
  EXPECT_EQ(sink_.received[0].study_instance_uid, "1.2.826.0.1.3680043.10.543.1");
  EXPECT_EQ(sink_.received[0].sop_instance_uid, "1.2.826.0.1.3680043.10.543.1.1.1");
  EXPECT_EQ(sink_.received[0].association.calling_ae, "TEST_SCU");
  EXPECT_EQ(sink_.received[0].association.called_ae, "AVARA_GW");
  EXPECT_EQ(sink_.received[0].association.peer_address, "127.0.0.1");
  EXPECT_EQ(sink_.facts[0].first("Modality"), "CT");
  EXPECT_EQ(sink_.facts[0].first("calling_ae"), "TEST_SCU");
}

TEST_F(DicomListenerTest, StoresTheDatasetBitForBitAsSent) {
  const std::string source = kFixtures + "/ct_chest_s1_i1.dcm";
  ASSERT_TRUE(gw::test::send_files(options_, {source}).associated);
  const std::string stored = read_all(dir_ / "kept/1.2.826.0.1.3680043.10.543.1.1.1.dcm");
  const std::string sent = read_all(source);
  // Both are Part 10 files; the dataset after the meta header must be identical.
  ASSERT_GT(stored.size(), 132u);
  EXPECT_EQ(stored.substr(stored.size() - 200), sent.substr(sent.size() - 200));
}

TEST_F(DicomListenerTest, AFailureStatusForOneInstanceLeavesTheAssociationUsable) {
  const auto result = gw::test::send_files(
      options_, {kFixtures + "/no_study_uid.dcm", kFixtures + "/ct_chest_s1_i1.dcm"});
  ASSERT_TRUE(result.associated) << result.error;
  ASSERT_EQ(result.statuses.size(), 2u) << result.error;
  EXPECT_EQ(result.statuses[0], 0xC000) << "the sender sees 'cannot understand'";
  EXPECT_EQ(result.statuses[1], 0x0000) << "and the next instance is stored";
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "incoming")) << "the refused file is removed";
}

TEST_F(DicomListenerTest, ServesSeveralAssociationsAtOnce) {
  std::vector<std::thread> senders;
  std::vector<gw::test::SendResult> results(3);
  const std::vector<std::string> files = {kFixtures + "/ct_chest_s1_i1.dcm",
                                          kFixtures + "/ct_chest_s2_i1.dcm",
                                          kFixtures + "/mr_brain_latin1_i1.dcm"};
  for (int i = 0; i < 3; ++i) {
    senders.emplace_back([&, i] { results[i] = gw::test::send_files(options_, {files[i]}); });
  }
  for (auto& t : senders) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r.associated) << r.error;
    EXPECT_EQ(r.statuses, (std::vector<std::uint16_t>{0x0000}));
  }
  EXPECT_EQ(sink_.received.size(), 3u);
}

}  // namespace
