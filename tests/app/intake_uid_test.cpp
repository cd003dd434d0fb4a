// UIDs become spool paths (spool/<study>/<sop>.dcm): the intake refuses, before touching the
// file system, any that is not a UID. The modality sees 0xC000 "invalid StudyInstanceUID".
#include <gtest/gtest.h>

#include <fstream>

#include "gateway/registry/study_registry.hpp"
#include "gateway/storage/spool.hpp"
#include "study_intake.hpp"
#include "temp_dir.hpp"

namespace gw::test {
namespace {

class IntakeUids : public testing::TestWithParam<std::pair<std::string, std::string>> {
 protected:
  IntakeUids() { spool_.prepare(); }

  TempDir dir_;
  storage::Spool spool_{dir_ / "spool"};
  std::unique_ptr<registry::StudyRegistry> registry_ =
      registry::StudyRegistry::open((dir_ / "state.db").string());
  app::StudyIntake intake_{spool_, *registry_, [] { return nullptr; }, [] {}, {}};
};

TEST_P(IntakeUids, AreRefusedBeforeTheyReachTheFileSystem) {
  const auto& [study, sop] = GetParam();
  dicom::ReceivedInstance instance;
  instance.file = spool_.incoming_dir() / "rx-1.part";
  std::ofstream(instance.file) << "DICM";
  instance.study_instance_uid = study;
  instance.sop_instance_uid = sop;
  const dicom::StoreResult result = intake_.store(instance);
  EXPECT_EQ(result.status, dicom::StoreStatus::invalid_attribute);
  EXPECT_NE(result.comment.find("invalid"), std::string::npos) << result.comment;
  EXPECT_TRUE(registry_->list().empty()) << "no study row";
  // Nothing was created outside the spool nor inside it but the incoming folder.
  std::vector<std::string> entries;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "spool")) {
    entries.push_back(e.path().filename().string());
  }
  EXPECT_EQ(entries, std::vector<std::string>{".incoming"});
  EXPECT_FALSE(std::filesystem::exists(dir_ / "1.2.3.dcm"));
}

INSTANTIATE_TEST_SUITE_P(
    PathLike, IntakeUids,
    testing::Values(std::pair<std::string, std::string>{"..", "1.2.3"},
                    std::pair<std::string, std::string>{"1.2/../..", "1.2.3"},
                    std::pair<std::string, std::string>{"1.2", "../../1.2.3"},
                    std::pair<std::string, std::string>{"1.2", "1.2/3"}));

}  // namespace
}  // namespace gw::test
