#pragma once
// Start-up check of the spool against the registry: what a crash can leave behind.
#include <cstddef>

#include "gateway/registry/study_registry.hpp"
#include "gateway/storage/spool.hpp"

namespace gw::app {

class StudyIntake;

/// What reconcile_spool() found and did.
struct SpoolReconciliation {
  std::size_t incomplete_removed = 0;  // partial receives in .incoming (never acknowledged)
  std::size_t adopted = 0;             // spooled instances the registry did not know
  std::size_t unreadable = 0;          // spooled files that are not readable DICOM (left, logged)
};

/// Runs before the listener starts, on the main thread:
///  1. deletes every file in the incoming folder: a receive that was cut off by a crash;
///     its C-STORE was never answered with success, so its sender still owns it;
///  2. adopts every `<study>/<sop>.dcm` whose SOP Instance UID the registry does not know
///     (the process died between the rename and the commit, possibly after answering success
///     on a slow disk): it is recorded and routed as if it had just arrived.
/// Throws std::runtime_error when the registry cannot be written.
SpoolReconciliation reconcile_spool(const storage::Spool& spool, registry::StudyRegistry& registry,
                                    StudyIntake& intake);

}  // namespace gw::app
