#pragma once
// The spool: every acknowledged instance as a file, at <spool>/<StudyUID>/<SOPUID>.dcm.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "gateway/storage/flush_group.hpp"

namespace gw::storage {

/// Why an instance could not be made durable.
enum class SpoolError { none, no_space, io_error };

/// Moves received files into their final place durably. Thread-safe: every method works
/// on distinct paths, the file system orders concurrent renames, and the flush is shared.
class Spool {
 public:
  explicit Spool(std::filesystem::path root);
  ~Spool();

  /// Creates the spool and its incoming folder. Throws std::runtime_error on failure.
  void prepare();

  const std::filesystem::path& root() const { return root_; }
  /// Where datasets stream to before they are committed (same file system, so rename is atomic).
  std::filesystem::path incoming_dir() const { return root_ / ".incoming"; }
  std::filesystem::path path_for(const std::string& study_uid, const std::string& sop_uid) const;

  /// Writes `temp` out to the disk, renames it to path_for(study, sop) (replacing an earlier
  /// copy) and waits for a flush of the spool's file system shared with every other instance
  /// waiting (FlushGroup), so the instance survives a power cut once this returns none. Both
  /// UIDs must already be valid (they become path components). On error `detail` says what
  /// failed; `temp`, or the renamed file if the flush failed, is left for the caller (a
  /// later copy replaces it; the start-up check judges it).
  SpoolError commit(const std::filesystem::path& temp, const std::string& study_uid,
                    const std::string& sop_uid, std::string& detail) const;

  /// Removes a study's folder and every file in it, then fsyncs the spool folder, so that no
  /// power cut brings the files back for the start-up check to adopt. Returns false (and
  /// `detail`) when something could not be removed. A missing folder is success.
  bool remove_study(const std::string& study_uid, std::string& detail) const;

  /// File-system flushes commit() has waited for so far; over the instances stored, the
  /// disk flushes each one cost (several associations share one).
  std::uint64_t flushes() const;

 private:
  std::filesystem::path root_;
  std::unique_ptr<FlushGroup> flushes_;  // shared by every receiving thread
};

}  // namespace gw::storage
