#include <gtest/gtest.h>

#include <fstream>

#include "gateway/storage/spool.hpp"
#include "temp_dir.hpp"

TEST(Spool, CommitMovesTheFileToStudyAndSopPath) {
  gw::test::TempDir dir;
  gw::storage::Spool spool(dir / "spool");
  spool.prepare();
  const auto temp = spool.incoming_dir() / "rx-1.part";
  std::ofstream(temp) << "DICM";
  std::string detail;
  EXPECT_EQ(spool.commit(temp, "1.2.3", "1.2.3.4", detail), gw::storage::SpoolError::none)
      << detail;
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_TRUE(std::filesystem::exists(dir / "spool/1.2.3/1.2.3.4.dcm"));
}

TEST(Spool, ADuplicateSopInstanceReplacesTheEarlierCopy) {
  gw::test::TempDir dir;
  gw::storage::Spool spool(dir / "spool");
  spool.prepare();
  std::string detail;
  for (const char* content : {"first", "second"}) {
    const auto temp = spool.incoming_dir() / "rx.part";
    std::ofstream(temp) << content;
    ASSERT_EQ(spool.commit(temp, "1.2", "1.2.1", detail), gw::storage::SpoolError::none);
  }
  std::ifstream in(spool.path_for("1.2", "1.2.1"));
  std::string stored;
  in >> stored;
  EXPECT_EQ(stored, "second");
}

TEST(Spool, AMissingTemporaryFileIsAnIoErrorThatSaysWhy) {
  gw::test::TempDir dir;
  gw::storage::Spool spool(dir / "spool");
  spool.prepare();
  std::string detail;
  EXPECT_EQ(spool.commit(spool.incoming_dir() / "absent.part", "1.2", "1.2.1", detail),
            gw::storage::SpoolError::io_error);
  EXPECT_NE(detail.find("cannot write received file to disk"), std::string::npos) << detail;
}

TEST(Spool, InstancesCommittedOneAfterAnotherEachGetAFlush) {
  gw::test::TempDir dir;
  gw::storage::Spool spool(dir / "spool");
  spool.prepare();
  std::string detail;
  for (int i = 1; i <= 3; ++i) {
    const auto temp = spool.incoming_dir() / "rx.part";
    std::ofstream(temp) << "DICM" << i;
    ASSERT_EQ(spool.commit(temp, "1.2", "1.2." + std::to_string(i), detail),
              gw::storage::SpoolError::none)
        << detail;
    EXPECT_EQ(spool.flushes(), static_cast<std::uint64_t>(i))
        << "an instance is acknowledged only after a flush that started after its rename";
  }
}
