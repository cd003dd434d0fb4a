// What the receiver hands the intake, over a real association on loopback: an instance whose
// UIDs hold several values is refused before the intake sees it (#17), and the study facts
// are read while the file is still where DCMTK parsed it, so a long text value under
// ISO_IR 100 no longer turns every non-ASCII character of the facts into U+FFFD (#17).
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include "dicom_bytes.hpp"
#include "dicom_sender.hpp"
#include "gateway/dicom/dicom_listener.hpp"
#include "raw_store_sender.hpp"
#include "temp_dir.hpp"

namespace gw::test {
namespace {

using Bytes = std::vector<std::uint8_t>;

const std::string kInstance = std::string(GW_FIXTURE_DIR) + "/ct_chest_s1_i1.dcm";
const std::string kStudy = "1.2.826.0.1.3680043.10.543.810";
const std::string kSeries = "1.2.826.0.1.3680043.10.543.810.1";
const std::string kSop = "1.2.826.0.1.3680043.10.543.810.1.1";

/// Reads the facts, then moves the instance away, as the intake does (facts before the spool's
/// rename, as the contract of ReceivedInstance::read_facts says).
class RenamingSink : public dicom::InstanceSink {
 public:
  explicit RenamingSink(std::filesystem::path keep) : keep_(std::move(keep)) {}
  dicom::StoreResult store(const dicom::ReceivedInstance& instance) noexcept override {
    std::lock_guard lock(mutex_);
    std::error_code ec;
    const auto kept = keep_ / (std::to_string(facts_.size() + 1) + ".dcm");
    // The contract: facts are read before the file moves (the intake does so), except in the
    // race where an operator forgets the study meanwhile (StudyIntake::record).
    if (!read_after_move_) facts_.push_back(instance.read_facts());
    std::filesystem::rename(instance.file, kept, ec);
    if (read_after_move_) facts_.push_back(instance.read_facts());
    return {dicom::StoreStatus::stored, {}};
  }
  void read_facts_after_the_move() { read_after_move_ = true; }
  std::vector<StudyFacts> facts() {
    std::lock_guard lock(mutex_);
    return facts_;
  }

 private:
  std::mutex mutex_;
  std::filesystem::path keep_;
  bool read_after_move_ = false;
  std::vector<StudyFacts> facts_;
};

class ReceivedInstanceTest : public testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "kept");
    dicom::ListenerSettings settings;
    settings.bind_address = "127.0.0.1";
    settings.port = 0;
    settings.max_associations = 2;
    settings.incoming_dir = dir_ / "incoming";
    listener_ = std::make_unique<dicom::DicomListener>(settings, sink_);
    listener_->start();
    options_.port = listener_->port();
  }

  RawStoreResult store(const std::string& command_sop, const Bytes& dataset) {
    return send_raw_store(options_.port, std::string(kCtImageStorage), command_sop,
                          std::string(kExplicitLittle), dataset);
  }
  bool incoming_empty() const { return std::filesystem::is_empty(dir_ / "incoming"); }
  bool nothing_kept() const { return std::filesystem::is_empty(dir_ / "kept"); }

  TempDir dir_;
  RenamingSink sink_{dir_ / "kept"};
  std::unique_ptr<dicom::DicomListener> listener_;
  SendOptions options_;
};

/// A CT instance with the given UIDs (each may hold backslash-separated values).
Bytes ct_instance(const std::string& study, const std::string& series, const std::string& sop) {
  DicomBytes d;
  d.element(0x0008, 0x0016, "UI", kCtImageStorage)
      .element(0x0008, 0x0018, "UI", sop)
      .element(0x0008, 0x0060, "CS", "CT")
      .element(0x0020, 0x000D, "UI", study)
      .element(0x0020, 0x000E, "UI", series)
      .element(0x7FE0, 0x0010, "OW", std::string(512, '\x5a'));
  return d.bytes();
}

struct AmbiguousUid {
  std::string name;  // the attribute that holds two values
  std::string study, series, sop;
};
void PrintTo(const AmbiguousUid& uid, std::ostream* out) { *out << uid.name; }

class MultiValuedUid : public ReceivedInstanceTest,
                       public testing::WithParamInterface<AmbiguousUid> {};

TEST_P(MultiValuedUid, IsRefusedWithAFailureStatusAndNothingIsSpooledOrRecorded) {
  const AmbiguousUid& uid = GetParam();
  testing::internal::CaptureStderr();
  const auto answer = store(kSop, ct_instance(uid.study, uid.series, uid.sop));
  const std::string log = testing::internal::GetCapturedStderr();

  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  EXPECT_EQ(*answer.status, 0xC000) << "invalid attribute value: 'cannot understand'";
  EXPECT_EQ(answer.error_comment, uid.name + " has 2 values");
  EXPECT_TRUE(sink_.facts().empty()) << "the intake never saw it";
  EXPECT_TRUE(incoming_empty()) << "the received file is removed";
  EXPECT_TRUE(nothing_kept());
  EXPECT_NE(log.find("event=instance_refused"), std::string::npos) << log;
  EXPECT_NE(log.find("reason=\"" + uid.name + " has 2 values\""), std::string::npos) << log;

  const auto next = send_files(options_, {kInstance});
  ASSERT_TRUE(next.associated) << next.error;
  EXPECT_EQ(next.statuses, (std::vector<std::uint16_t>{0x0000})) << "the next sender is served";
}

INSTANTIATE_TEST_SUITE_P(
    ReceivedInstance, MultiValuedUid,
    testing::Values(AmbiguousUid{"StudyInstanceUID", kStudy + "\\1.2.3.4", kSeries, kSop},
                    AmbiguousUid{"SeriesInstanceUID", kStudy, kSeries + "\\5.6.7", kSop},
                    AmbiguousUid{"SOPInstanceUID", kStudy, kSeries, kSop + "\\8.9"}),
    [](const testing::TestParamInfo<AmbiguousUid>& info) { return info.param.name; });

TEST_F(ReceivedInstanceTest, FactsOfALongTextValueUnderIsoIr100AreReadBeforeTheRename) {
  // DCMTK leaves values over 4 KiB on disk and reloads them by the path it parsed; the sink
  // renames the file first. A 6 KiB ImageComments and a Latin-1 StudyDescription: the
  // facts must carry the description as UTF-8, not U+FFFD.
  DicomBytes d;
  d.element(0x0008, 0x0005, "CS", "ISO_IR 100")
      .element(0x0008, 0x0016, "UI", kCtImageStorage)
      .element(0x0008, 0x0018, "UI", kSop)
      .element(0x0008, 0x0060, "CS", "CT")
      .element(0x0008, 0x1030, "LO", "Cr\xE2ne et c\xF4tes")  // "Crâne et côtes" in Latin-1
      .element(0x0020, 0x000D, "UI", kStudy)
      .element(0x0020, 0x000E, "UI", kSeries)
      .element(0x0020, 0x4000, "LT", std::string(6 * 1024, 'x') + " \xE9t\xE9")
      .element(0x7FE0, 0x0010, "OW", std::string(512, '\x5a'));
  const auto answer = store(kSop, d.bytes());
  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  ASSERT_EQ(*answer.status, 0x0000) << answer.error_comment;

  const auto facts = sink_.facts();
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].first("StudyDescription"), "Cr\xC3\xA2ne et c\xC3\xB4tes");
  EXPECT_EQ(facts[0].first("00081030"), "Cr\xC3\xA2ne et c\xC3\xB4tes");
  EXPECT_EQ(facts[0].study_instance_uid, kStudy);
  EXPECT_EQ(facts[0].first("Modality"), "CT");
  EXPECT_EQ(facts[0].first("calling_ae"), "TEST_SCU");
  for (const auto& [key, values] : facts[0].attributes) {
    for (const auto& value : values) {
      EXPECT_EQ(value.find("\xEF\xBF\xBD"), std::string::npos) << key << " holds U+FFFD";
    }
  }
}

TEST_F(ReceivedInstanceTest, FactsReadAfterTheFileMovedAreTheUidsModalityAndAssociation) {
  // Every instance's UIDs come from the scanner's walk; DCMTK parses the file only for the
  // facts. Once the file is gone it cannot: the study is still routed on what the walk read,
  // and the log says why, without any value but the study's UID.
  sink_.read_facts_after_the_move();
  testing::internal::CaptureStderr();
  const auto answer = store(kSop, ct_instance(kStudy, kSeries, kSop));
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  ASSERT_EQ(*answer.status, 0x0000) << answer.error_comment;

  const auto facts = sink_.facts();
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].study_instance_uid, kStudy);
  EXPECT_EQ(facts[0].first("SeriesInstanceUID"), kSeries);
  EXPECT_EQ(facts[0].first("SOPInstanceUID"), kSop);
  EXPECT_EQ(facts[0].first("Modality"), "CT");
  EXPECT_EQ(facts[0].first("calling_ae"), "TEST_SCU");
  EXPECT_EQ(facts[0].find("SOPClassUID"), nullptr) << "only what the walk kept";
  EXPECT_NE(log.find("event=facts_unreadable"), std::string::npos) << log;
  EXPECT_NE(log.find("study_uid=" + kStudy), std::string::npos) << log;
}

}  // namespace
}  // namespace gw::test
