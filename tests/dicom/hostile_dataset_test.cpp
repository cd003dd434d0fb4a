// A real association over loopback carrying a hostile dataset: 10,000 sequences nested inside
// each other. Before the scanner, DCMTK's recursive parser ran out of stack on the worker
// thread and the whole gateway died; the sender saw its association drop. Now the sender sees
// a C-STORE failure (0xC200, "sequences nested deeper than 32 …") and may go on sending.
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include "dicom_bytes.hpp"
#include "dicom_sender.hpp"
#include "gateway/dicom/dicom_listener.hpp"
#include "raw_store_sender.hpp"
#include "temp_dir.hpp"

namespace {

const std::string kFixtures = GW_FIXTURE_DIR;

/// Takes every instance it is handed, as the intake would, and remembers its UIDs.
class KeepingSink : public gw::dicom::InstanceSink {
 public:
  explicit KeepingSink(std::filesystem::path keep) : keep_(std::move(keep)) {}
  gw::dicom::StoreResult store(const gw::dicom::ReceivedInstance& instance) noexcept override {
    std::lock_guard lock(mutex_);
    studies.push_back(instance.study_instance_uid);
    std::error_code ec;
    std::filesystem::rename(instance.file, keep_ / (instance.sop_instance_uid + ".dcm"), ec);
    return {gw::dicom::StoreStatus::stored, {}};
  }
  std::mutex mutex_;
  std::vector<std::string> studies;

 private:
  std::filesystem::path keep_;
};

class HostileDatasetTest : public testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "kept");
    gw::dicom::ListenerSettings settings;
    settings.bind_address = "127.0.0.1";
    settings.port = 0;
    settings.max_associations = 2;
    settings.incoming_dir = dir_ / "incoming";
    settings.limits = limits();
    listener_ = std::make_unique<gw::dicom::DicomListener>(settings, sink_);
    listener_->start();
    options_.port = listener_->port();
  }

  virtual gw::dicom::ReceiveLimits limits() const { return {}; }

  gw::test::TempDir dir_;
  KeepingSink sink_{dir_ / "kept"};
  std::unique_ptr<gw::dicom::DicomListener> listener_;
  gw::test::SendOptions options_;
};

TEST_F(HostileDatasetTest, ANestingBombIsAnsweredWithAFailureAndTheGatewayGoesOn) {
  const std::string study = "1.2.826.0.1.3680043.10.543.999";
  const std::string sop = study + ".1";
  const auto bomb = gw::test::nested_sequences(10'000, sop, study);

  const auto answer = gw::test::send_raw_store(options_.port, std::string(gw::test::kCtImageStorage), sop,
                                               std::string(gw::test::kExplicitLittle), bomb);
  ASSERT_TRUE(answer.status.has_value()) << "the association broke: " << answer.error;
  // What the modality shows: a refused instance with an error comment, not a dropped link.
  EXPECT_EQ(*answer.status, 0xC200);
  EXPECT_NE(answer.error_comment.find("nested deeper than 32"), std::string::npos) << answer.error_comment;

  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "incoming")) << "the refused file is removed";
  EXPECT_TRUE(sink_.studies.empty()) << "nothing reached the intake: no study row";

  // The gateway is still there and stores the next, normal instance.
  const auto normal = gw::test::send_files(options_, {kFixtures + "/ct_chest_s1_i1.dcm"});
  ASSERT_TRUE(normal.associated) << normal.error;
  EXPECT_EQ(normal.statuses, (std::vector<std::uint16_t>{0x0000}));
  EXPECT_EQ(sink_.studies.size(), 1u);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "incoming"));
}

TEST_F(HostileDatasetTest, AValueLongerThanTheDatasetIsRefusedBeforeParsing) {
  gw::test::DicomBytes d;
  d.element(0x0008, 0x0016, "UI", gw::test::kCtImageStorage)
      .element(0x0008, 0x0018, "UI", "1.2.3.4")
      .tag(0x7FE0, 0x0010).raw("OW").u16(0).u32(0x7FFFFFF0).raw("only a few bytes");
  const auto answer = gw::test::send_raw_store(options_.port, std::string(gw::test::kCtImageStorage), "1.2.3.4",
                                               std::string(gw::test::kExplicitLittle), d.bytes());
  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  EXPECT_EQ(*answer.status, 0xC200);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "incoming"));
  EXPECT_TRUE(sink_.studies.empty());
}

TEST_F(HostileDatasetTest, AWellFormedDatasetSentRawIsStored) {
  const std::string study = "1.2.826.0.1.3680043.10.543.998";
  const auto ok = gw::test::nested_sequences(3, study + ".1", study);
  const auto answer = gw::test::send_raw_store(options_.port, std::string(gw::test::kCtImageStorage), study + ".1",
                                               std::string(gw::test::kExplicitLittle), ok);
  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  EXPECT_EQ(*answer.status, 0x0000) << answer.error_comment;
  EXPECT_EQ(sink_.studies, (std::vector<std::string>{study}));
}

class OversizedDatasetTest : public HostileDatasetTest {
 protected:
  gw::dicom::ReceiveLimits limits() const override {
    gw::dicom::ReceiveLimits l;
    l.max_dataset_bytes = 64 * 1024;
    return l;
  }
};

TEST_F(OversizedDatasetTest, ADatasetOverMaxDatasetBytesIsAnsweredOutOfResourcesAndRemoved) {
  // dicom.limits.max_dataset_bytes: 64 KiB here. A 128 KiB instance: the modality sees 0xA700
  // (out of resources: it keeps the instance), nothing is parsed or spooled, and the
  // association serves the next, smaller instance.
  const std::string study = "1.2.826.0.1.3680043.10.543.997";
  gw::test::DicomBytes d;
  d.element(0x0008, 0x0016, "UI", gw::test::kCtImageStorage)
      .element(0x0008, 0x0018, "UI", study + ".1")
      .element(0x0020, 0x000D, "UI", study)
      .element(0x7FE0, 0x0010, "OW", std::string(128 * 1024, '\x5a'));
  const auto answer = gw::test::send_raw_store(options_.port, std::string(gw::test::kCtImageStorage),
                                               study + ".1", std::string(gw::test::kExplicitLittle), d.bytes());
  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  EXPECT_EQ(*answer.status, 0xA700);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "incoming")) << "the received file is removed";
  EXPECT_TRUE(sink_.studies.empty());

  const auto normal = gw::test::send_files(options_, {kFixtures + "/ct_chest_s1_i1.dcm"});
  ASSERT_TRUE(normal.associated) << normal.error;
  EXPECT_EQ(normal.statuses, (std::vector<std::uint16_t>{0x0000}));
}

}  // namespace
