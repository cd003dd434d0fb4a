#include "gateway/operations/study_desk.hpp"

#include "gateway/registry/study_registry.hpp"
#include "gateway/storage/spool.hpp"

namespace gw::operations {
namespace {

class DeskCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "study_desk"; }
  std::string message(int value) const override {
    switch (static_cast<desk_errc>(value)) {
      case desk_errc::spool_not_removed:
        return "a spooled file could not be removed; nothing was forgotten";
    }
    return "unknown study desk error";
  }
};

domain::StudySnapshot snapshot_of(const registry::StudyRecord& s) {
  return {s.state, s.attempts, s.lookup_first, s.first_seen, s.next_attempt};
}

}  // namespace

const boost::system::error_category& desk_category() noexcept {
  static const DeskCategory category;
  return category;
}

boost::system::error_code make_error_code(desk_errc e) noexcept {
  return {static_cast<int>(e), desk_category()};
}

std::vector<std::string> allowed_actions(const registry::StudyRecord& study) {
  // The lifecycle table decides, so a button is shown exactly when the action would be taken.
  std::vector<std::string> actions;
  const std::pair<domain::EventKind, const char*> candidates[] = {
      {domain::EventKind::operator_retry, "retry"},
      {domain::EventKind::operator_resend, "resend"},
      {domain::EventKind::operator_forget, "forget"}};
  for (const auto& [kind, name] : candidates) {
    if (domain::decide({kind}, snapshot_of(study), {}, study.updated)) actions.emplace_back(name);
  }
  return actions;
}

StudyDesk::StudyDesk(registry::StudyRegistry& registry, const storage::Spool& spool,
                     std::function<registry::TimestampMs()> clock)
    : registry_(registry), spool_(spool), clock_(std::move(clock)) {}

registry::StudyPage StudyDesk::find(const registry::StudyQuery& query) {
  return registry_.page(query);
}

std::optional<registry::StudyRecord> StudyDesk::study(const std::string& uid) {
  return registry_.find(uid);
}

std::vector<registry::Attempt> StudyDesk::attempts(const std::string& uid) {
  return registry_.attempts(uid);
}

std::vector<std::pair<std::string, std::int64_t>> StudyDesk::rule_hits(registry::TimestampMs* since) {
  return registry_.rule_hits(since);
}

ActionResult StudyDesk::apply(const std::string& uid, domain::EventKind kind, std::string message) {
  const auto applied = registry_.apply(uid, {kind}, {}, clock_());
  if (!applied) return applied.error();
  return ActionDone{uid, applied->to, std::move(message)};
}

ActionResult StudyDesk::retry(const std::string& uid) {
  return apply(uid, domain::EventKind::operator_retry,
               "queued again (same registration, same idempotency key)");
}

ActionResult StudyDesk::resend(const std::string& uid) {
  return apply(uid, domain::EventKind::operator_resend,
               "queued as a new registration (new idempotency key)");
}

ActionResult StudyDesk::forget(const std::string& uid) {
  const auto study = registry_.find(uid);
  if (!study) return domain::lifecycle_errc::no_such_study;
  // Asked first, so that nothing is deleted for a refused forget.
  if (auto allowed = domain::decide({domain::EventKind::operator_forget}, snapshot_of(*study), {},
                                    clock_());
      !allowed) {
    return allowed.error();
  }
  // Files first, rows second: rows deleted before the files would let the start-up check
  // adopt the files and register the study again.
  std::string detail;
  if (!spool_.remove_study(uid, detail)) return desk_errc::spool_not_removed;
  return apply(uid, domain::EventKind::operator_forget,
               "forgotten (rows and spooled files removed; instances that arrive later "
               "register it anew)");
}

int StudyDesk::retry_all_failed() { return registry_.retry_all_failed(clock_()); }

}  // namespace gw::operations
