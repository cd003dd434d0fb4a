#include "spool_reconciler.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "gateway/dicom/study_file_reader.hpp"
#include "gateway/domain/uid.hpp"
#include "gateway/log/log.hpp"
#include "study_intake.hpp"

namespace gw::app {
namespace fs = std::filesystem;

namespace {

std::size_t remove_incomplete(const fs::path& incoming) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(incoming, ec)) {
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace

SpoolReconciliation reconcile_spool(const storage::Spool& spool, registry::StudyRegistry& registry,
                                    StudyIntake& intake) {
  SpoolReconciliation result;
  result.incomplete_removed = remove_incomplete(spool.incoming_dir());

  std::error_code ec;
  for (const auto& study_dir : fs::directory_iterator(spool.root(), ec)) {
    const std::string study_uid = study_dir.path().filename().string();
    // Only folders the spool itself made: named by a valid UID (".incoming" is not one).
    if (!study_dir.is_directory() || !is_valid_uid(study_uid)) continue;
    // Matched by study and SOP: a SOP UID seen before under another study is still this
    // study's instance. One query per study folder, holding that study's UIDs only, not
    // every UID ever received.
    const auto recorded = registry.instances_of(study_uid);
    const std::set<std::string> known(recorded.begin(), recorded.end());
    for (const auto& file : fs::directory_iterator(study_dir.path(), ec)) {
      const fs::path& path = file.path();
      if (path.extension() != ".dcm") continue;
      const std::string sop_uid = path.stem().string();
      if (!is_valid_uid(sop_uid) || known.count(sop_uid) != 0) continue;

      std::string error;
      const auto facts = dicom::read_study_facts(path, AssociationInfo{}, error);
      if (!facts || facts->study_instance_uid != study_uid) {
        ++result.unreadable;
        log::error("spool_file_unreadable")
            .kv("file", path.string())
            .kv("reason", facts ? "StudyInstanceUID differs from its folder" : error);
        continue;
      }
      dicom::ReceivedInstance instance;
      instance.file = path;
      instance.study_instance_uid = study_uid;
      instance.sop_instance_uid = sop_uid;
      instance.sop_class_uid = facts->first("SOPClassUID");
      instance.series_instance_uid = facts->first("SeriesInstanceUID");
      instance.modality = facts->first("Modality");
      instance.bytes = static_cast<std::int64_t>(fs::file_size(path, ec));
      instance.read_facts = [&facts] { return *facts; };
      intake.adopt(instance);
      ++result.adopted;
      log::warning("spool_instance_adopted").kv("study_uid", study_uid).kv("sop_uid", sop_uid);
    }
  }
  if (result.incomplete_removed || result.adopted || result.unreadable) {
    log::info("spool_reconciled")
        .kv("incomplete_removed", static_cast<std::uint64_t>(result.incomplete_removed))
        .kv("adopted", static_cast<std::uint64_t>(result.adopted))
        .kv("unreadable", static_cast<std::uint64_t>(result.unreadable));
  }
  return result;
}

}  // namespace gw::app
