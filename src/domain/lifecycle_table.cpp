// The transition table, derived from decide() itself so that the documentation and the
// tests can never describe a lifecycle the code does not have.
#include "gateway/domain/study_lifecycle.hpp"

namespace gw::domain {
namespace {

constexpr TimestampMs kNow = 1'000'000;

std::string describe(const LifecycleEvent& event, const Transition& t) {
  std::string note;
  auto add = [&note](std::string_view part) {
    note += note.empty() ? "" : "; ";
    note += part;
  };
  if (!t.write) add("nothing written");
  if (t.remove) add("its rows and spooled files are removed");
  if (t.attempts_delta > 0) add("an attempt starts");
  if (t.attempts_delta < 0) add("the attempt is not counted");
  if (t.new_registration) add("a new registration: new idempotency key");
  if (t.lookup_first == true) add("look up by-uid before sending again");
  if (event.kind == EventKind::created) add("the studyId (the receipt) is kept");
  if (event.kind == EventKind::adopted) add("the studyId the by-uid lookup found is kept; no POST");
  if (event.kind == EventKind::lookup_not_found) add("created now, in the same slot, same key");
  if (event.kind == EventKind::failed_transient) {
    add("look up by-uid first when the request may have reached the viewer (timeout, reset, 500)");
  }
  if (t.to == StudyState::failed && !t.gave_up) add("waits for an operator");
  if (event.kind == EventKind::failed_transient) add("`failed` instead once past give_up_after");
  if (t.next_attempt) {
    if (event.kind == EventKind::failed_auth) add("due when the key pause ends");
    else if (*t.next_attempt == kNow) add("due now");
    else add("due after a backoff (Retry-After honoured)");
  }
  return note;
}

}  // namespace

std::vector<TableRow> transition_table() {
  std::vector<TableRow> rows;
  const LifecyclePolicy policy;
  for (std::size_t s = 0; s < kStudyStateCount; ++s) {
    for (std::size_t e = 0; e < kEventKindCount; ++e) {
      LifecycleEvent event;
      event.kind = static_cast<EventKind>(e);
      event.resume_at = kNow + 60'000;
      StudySnapshot study;
      study.state = static_cast<StudyState>(s);
      study.attempts = 1;
      study.first_seen = kNow - 1000;
      // lookup_not_found answers a lookup: only a study marked for one can receive it.
      study.lookup_first = event.kind == EventKind::lookup_not_found;
      const auto decided = decide(event, study, policy, kNow);
      TableRow row{study.state, event.kind, std::nullopt, {}, std::nullopt};
      if (decided) {
        row.to = decided->to;
        row.note = describe(event, *decided);
      } else {
        row.refusal = static_cast<lifecycle_errc>(decided.error().value());
        row.note = decided.error().message();
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::string transition_table_markdown() {
  std::string out = "| from | event | to | what else happens |\n|---|---|---|---|\n";
  for (const TableRow& row : transition_table()) {
    if (!row.to) continue;
    out += "| `" + std::string(to_string(row.from)) + "` | `" + std::string(to_string(row.event)) +
           "` | `" + std::string(to_string(*row.to)) + "` | " + row.note + " |\n";
  }
  out += "\nEvery other pair is refused. Operator actions are refused with a message of their own:\n\n";
  for (const TableRow& row : transition_table()) {
    if (!row.refusal || *row.refusal == lifecycle_errc::illegal_transition) continue;
    out += "- `" + std::string(to_string(row.event)) + "` on `" + std::string(to_string(row.from)) +
           "`: " + row.note + "\n";
  }
  return out;
}

}  // namespace gw::domain
