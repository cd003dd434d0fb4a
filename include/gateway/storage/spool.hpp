#pragma once
// The spool: every acknowledged instance as a file, at <spool>/<StudyUID>/<SOPUID>.dcm.
#include <cstdint>
#include <filesystem>
#include <string>

namespace gw::storage {

/// Why an instance could not be made durable.
enum class SpoolError { none, no_space, io_error };

/// Moves received files into their final place durably. Thread-safe: every method works
/// on distinct paths, and the file system orders concurrent renames.
class Spool {
 public:
  explicit Spool(std::filesystem::path root);

  /// Creates the spool and its incoming folder. Throws std::runtime_error on failure.
  void prepare();

  const std::filesystem::path& root() const { return root_; }
  /// Where datasets stream to before they are committed (same file system, so rename is atomic).
  std::filesystem::path incoming_dir() const { return root_ / ".incoming"; }
  std::filesystem::path path_for(const std::string& study_uid, const std::string& sop_uid) const;

  /// fsyncs `temp`, renames it to path_for(study, sop) (replacing an earlier copy), and
  /// fsyncs the study folder, so the instance survives a power cut once this returns none.
  /// Both UIDs must already be valid (they become path components). On error `temp` is
  /// left in place for the caller to remove, and `detail` says what failed.
  SpoolError commit(const std::filesystem::path& temp, const std::string& study_uid,
                    const std::string& sop_uid, std::string& detail) const;

  /// Removes a study's folder and every file in it, then fsyncs the spool folder, so that no
  /// power cut brings the files back for the start-up check to adopt. Returns false (and
  /// `detail`) when something could not be removed. A missing folder is success.
  bool remove_study(const std::string& study_uid, std::string& detail) const;

 private:
  std::filesystem::path root_;
};

}  // namespace gw::storage
