// Which registry commits fsync the WAL. Arrivals do not (their files are durable in the spool,
// and reconcile_spool() records them again after a power cut: CrashRecovery tests that); a
// claim before its request goes out, and an outcome, do — and syncing the one sequential WAL
// makes every arrival before them durable too. Counted with a VFS that wraps SQLite's own and
// counts xSync calls on the WAL file, as SQLite's test_vfstrace does.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <string>

#include "gateway/registry/study_registry.hpp"
#include "temp_dir.hpp"
#include "registry_steps.hpp"

using gw::registry::Attempt;
using gw::registry::NewStudy;
using gw::registry::StudyRegistry;
using gw::registry::StudyState;

using namespace gw::registry::test;

namespace {

std::atomic<int> g_wal_syncs{0};
sqlite3_vfs* g_real = nullptr;

/// A file of the counting VFS: our methods, then the real VFS's file right behind.
struct CountingFile {
  sqlite3_file base;
  bool is_wal;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

CountingFile* counted(sqlite3_file* f) { return reinterpret_cast<CountingFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return counted(f)->real(); }

int x_close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
int x_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
  return real(f)->pMethods->xRead(real(f), b, n, o);
}
int x_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
  return real(f)->pMethods->xWrite(real(f), b, n, o);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 s) { return real(f)->pMethods->xTruncate(real(f), s); }
int x_sync(sqlite3_file* f, int flags) {
  if (counted(f)->is_wal) ++g_wal_syncs;
  return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* s) { return real(f)->pMethods->xFileSize(real(f), s); }
int x_lock(sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
int x_check_reserved(sqlite3_file* f, int* r) {
  return real(f)->pMethods->xCheckReservedLock(real(f), r);
}
int x_file_control(sqlite3_file* f, int op, void* a) {
  return real(f)->pMethods->xFileControl(real(f), op, a);
}
int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int i, int s, int e, void volatile** p) {
  return real(f)->pMethods->xShmMap(real(f), i, s, e, p);
}
int x_shm_lock(sqlite3_file* f, int o, int n, int fl) {
  return real(f)->pMethods->xShmLock(real(f), o, n, fl);
}
void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int d) { return real(f)->pMethods->xShmUnmap(real(f), d); }

// Version 2: no memory-mapped reads, which SQLite then does not attempt.
const sqlite3_io_methods kMethods = {
    2,      x_close,      x_read,        x_write,   x_truncate,     x_sync,
    x_file_size, x_lock,  x_unlock,      x_check_reserved, x_file_control, x_sector_size,
    x_device,    x_shm_map, x_shm_lock,  x_shm_barrier,    x_shm_unmap,    nullptr,
    nullptr};

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  CountingFile* file = counted(f);
  file->base.pMethods = nullptr;
  const int rc = g_real->xOpen(g_real, name, file->real(), flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  file->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  file->base.pMethods = &kMethods;
  return SQLITE_OK;
}

/// Registers the counting VFS as the default for the whole test program (once).
void install_counting_vfs() {
  static sqlite3_vfs vfs = [] {
    g_real = sqlite3_vfs_find(nullptr);
    sqlite3_vfs v = *g_real;
    v.szOsFile = static_cast<int>(sizeof(CountingFile)) + g_real->szOsFile;
    v.zName = "gw-counting";
    v.xOpen = x_open;
    return v;
  }();
  static const int registered = sqlite3_vfs_register(&vfs, 1);
  ASSERT_EQ(registered, SQLITE_OK);
}

NewStudy pending_study() {
  return NewStudy{StudyState::pending, "default", R"({"studyInstanceUid":"1.2"})", {}};
}

class RegistryDurability : public testing::Test {
 protected:
  void SetUp() override {
    install_counting_vfs();
    registry_ = StudyRegistry::open((dir_ / "state.db").string());
    g_wal_syncs = 0;
  }
  gw::test::TempDir dir_;
  std::unique_ptr<StudyRegistry> registry_;
};

}  // namespace

TEST_F(RegistryDurability, ArrivalsCommitWithoutSyncingTheWal) {
  for (int i = 1; i <= 5; ++i) {
    record(*registry_, {"1.2", "1.2." + std::to_string(i), 100, 1000 + i}, pending_study);
  }
  EXPECT_EQ(g_wal_syncs.load(), 0);
  // Committed all the same, only not yet synced.
  const auto study = registry_->find("1.2");
  ASSERT_TRUE(study);
  EXPECT_EQ(study->instances, 5);
}

TEST_F(RegistryDurability, AClaimAndAnOutcomeEachSyncTheWalAndSoEveryArrivalBeforeThem) {
  record(*registry_, {"1.2", "1.2.1", 100, 1000}, pending_study);
  ASSERT_EQ(g_wal_syncs.load(), 0);
  claim(*registry_, "1.2", 2000);  // committed before its request is written
  EXPECT_EQ(g_wal_syncs.load(), 1);
  registered(*registry_, "1.2", "stu_1", Attempt{2050, "created", 201, "", 50});
  EXPECT_EQ(g_wal_syncs.load(), 2);
  // The switch back to FULL held: an arrival after them changes nothing, the next claim syncs.
  record(*registry_, {"1.3", "1.3.1", 100, 3000}, pending_study);
  EXPECT_EQ(g_wal_syncs.load(), 2);
  claim(*registry_, "1.3", 3100);
  EXPECT_EQ(g_wal_syncs.load(), 3);
}
