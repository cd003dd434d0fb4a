#pragma once
// What an operator can ask of the gateway's studies and do to them: one interface for the
// command line (`dicom-gateway studies …`) and the console, so both obey the same rules.
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include "gateway/domain/study_lifecycle.hpp"
#include "gateway/registry/study_record.hpp"

namespace gw::registry {
class StudyRegistry;
}
namespace gw::storage {
class Spool;
}

namespace gw::operations {

/// Why an operator action was not done, beyond the lifecycle's own refusals
/// (domain::lifecycle_errc: no_such_study, illegal_transition, request_in_flight, …), which
/// the desk returns as they are.
enum class desk_errc {
  spool_not_removed = 1,  // forget: a spooled file could not be deleted (nothing forgotten)
};
const boost::system::error_category& desk_category() noexcept;
boost::system::error_code make_error_code(desk_errc e) noexcept;

/// What an action did. Value type.
struct ActionDone {
  std::string study_instance_uid;
  registry::StudyState state = registry::StudyState::pending;  // the state it left the study in
  std::string message;  // one sentence for an operator
};
using ActionResult = boost::system::result<ActionDone>;

/// The actions an operator may take on a study in its state (for buttons and `show`).
std::vector<std::string> allowed_actions(const registry::StudyRecord& study);

/// Borrows the registry and the spool, which must outlive it. Thread-safe as the registry is;
/// the console calls it on the io thread, the CLI on its only thread. Throws
/// std::runtime_error when the database fails (caught at the console's and the CLI's border).
class StudyDesk {
 public:
  StudyDesk(registry::StudyRegistry& registry, const storage::Spool& spool,
            std::function<registry::TimestampMs()> clock);

  registry::StudyPage find(const registry::StudyQuery& query);
  std::optional<registry::StudyRecord> study(const std::string& uid);
  std::vector<registry::Attempt> attempts(const std::string& uid);
  /// Studies routed by each rule since the count began (`since`).
  std::vector<std::pair<std::string, std::int64_t>> rule_hits(registry::TimestampMs* since);

  /// The same registration again (same idempotency key): a failed study, or a pending one now.
  ActionResult retry(const std::string& uid);
  /// A new registration (new key): a registered, failed or ignored study.
  ActionResult resend(const std::string& uid);
  /// Removes the study's spooled files, then its rows; instances that arrive later register
  /// it anew. Refused while a request for it is on the wire.
  ActionResult forget(const std::string& uid);
  /// retry() for every failed study; returns how many.
  int retry_all_failed();

 private:
  ActionResult apply(const std::string& uid, domain::EventKind kind, std::string message);

  registry::StudyRegistry& registry_;
  const storage::Spool& spool_;
  std::function<registry::TimestampMs()> clock_;
};

}  // namespace gw::operations

namespace boost::system {
template <>
struct is_error_code_enum<gw::operations::desk_errc> : std::true_type {};
}  // namespace boost::system
