// EarlyWriteback queues a growing file's pages for writeback once per step of received bytes.
// What it saves (fsync time before the C-STORE answer) is measured by bench/run, not here.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "gateway/storage/early_writeback.hpp"
#include "temp_dir.hpp"

namespace {

using gw::storage::EarlyWriteback;

/// Appends `chunk` to `file` `count` times, reporting each to `writeback` as a receiver does.
void receive(const std::filesystem::path& file, EarlyWriteback& writeback, std::size_t chunk,
             int count) {
  std::ofstream out(file, std::ios::binary);
  std::uint64_t received = 0;
  for (int i = 0; i < count; ++i) {
    out << std::string(chunk, static_cast<char>('a' + i));
    out.flush();
    received += chunk;
    writeback.progress(received);
  }
}

}  // namespace

TEST(EarlyWriteback, QueuesOneWritebackPerStepAndLeavesTheContentIntact) {
  gw::test::TempDir dir;
  const auto file = dir / "rx.part";
  EarlyWriteback writeback(file, 128 * 1024);
  receive(file, writeback, 32 * 1024, 16);  // 512 KiB in 32 KiB PDVs
  EXPECT_EQ(writeback.requests(), 4u);      // at 128, 256, 384 and 512 KiB
  EXPECT_EQ(std::filesystem::file_size(file), 512u * 1024u);
  std::ifstream in(file, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content.substr(0, 3), "aaa");
  EXPECT_EQ(content.substr(content.size() - 3), "ppp");
}

TEST(EarlyWriteback, ASmallInstanceIsLeftToTheFsyncAlone) {
  gw::test::TempDir dir;
  const auto file = dir / "rx.part";
  EarlyWriteback writeback(file, 128 * 1024);
  receive(file, writeback, 4 * 1024, 5);  // 20 KiB: corpus B's largest
  EXPECT_EQ(writeback.requests(), 0u);
}

TEST(EarlyWriteback, AFileThatCannotBeOpenedIsIgnoredNotAnError) {
  gw::test::TempDir dir;
  EarlyWriteback writeback(dir / "never-created.part", 1024);
  EXPECT_NO_THROW(writeback.progress(4096));
  EXPECT_NO_THROW(writeback.progress(8192));
  EXPECT_EQ(writeback.requests(), 0u);
}
