#pragma once
#include <filesystem>

namespace gw::test {

/// A fresh directory under $TMPDIR, removed with everything in it when this object dies.
/// Owned by one test; not thread-safe.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& p) const { return path_ / p; }

 private:
  std::filesystem::path path_;
};

}  // namespace gw::test
