#include "registration_dispatcher.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "gateway/fault/crash_point.hpp"
#include "gateway/log/log.hpp"

namespace gw::app {
namespace {

using Kind = viewer::CreateOutcome::Kind;
using domain::EventKind;

constexpr registry::TimestampMs kIdlePollMs = 1000;
constexpr registry::TimestampMs kMaxWriteBackoffMs = 30'000;

}  // namespace

RegistrationDispatcher::RegistrationDispatcher(boost::asio::io_context& io,
                                               registry::StudyRegistry& registry,
                                               viewer::ViewerClient& client,
                                               DispatchSettings settings)
    : io_(io),
      registry_(registry),
      client_(client),
      settings_(std::move(settings)),
      metrics_(settings_.metrics),
      timer_(io),
      rng_(settings_.seed ? settings_.seed : std::random_device{}()) {}

void RegistrationDispatcher::start() {
  // A stop and a crash leave in-flight studies alike: each is looked up before it is sent.
  const int requeued = registry_.requeue_in_flight(now());
  if (requeued > 0) log::info("studies_requeued").kv("count", requeued).kv("lookup_first", true);
  pump();
}

void RegistrationDispatcher::wake() {
  // Many instances may arrive at once; one pending post is enough to drain them all.
  if (wake_posted_.exchange(true)) return;
  boost::asio::post(io_, [self = shared_from_this()] {
    self->wake_posted_ = false;
    self->pump();
  });
}

void RegistrationDispatcher::resume() {
  const registry::TimestampMs t = now();
  // Only a pause in force ends: after one has passed, its studies are due already, and the
  // others wait for their own backoff (Retry-After included).
  if (paused_until_ <= t) {
    paused_until_ = 0;
    return;
  }
  const registry::TimestampMs until = paused_until_;
  paused_until_ = 0;
  try {
    registry_.reschedule_waiting(until, t);
  } catch (const std::exception& e) {
    log::error("registry_update_failed").kv("reason", e.what());
  }
  pump();
}

void RegistrationDispatcher::stop() {
  stopped_ = true;
  timer_.cancel();
  // Ready studies were claimed but never sent: give them back, or the next start would look
  // each one up as if its request might have gone out.
  if (ready_.empty()) return;
  std::vector<std::string> uids;
  for (const auto& study : ready_) uids.push_back(study.study_instance_uid);
  ready_.clear();
  try {
    registry_.release_unsent(uids, now());
  } catch (const std::exception& e) {
    log::error("registry_update_failed").kv("reason", e.what());  // looked up on the next start
  }
}

std::vector<std::pair<StudyOutcome, domain::Transition>> RegistrationDispatcher::commit_step(
    std::vector<registry::StudyRecord>& claimed) {
  std::vector<std::pair<StudyOutcome, domain::Transition>> written;
  registry_.batch([&] {
    for (const StudyOutcome& o : unwritten_) {
      const auto applied = registry_.apply(o.uid, o.event, policy(), o.attempt.at, &o.attempt);
      if (applied) {
        written.emplace_back(o, *applied);
      } else {  // e.g. forgotten meanwhile: nothing to write, and nothing to retry
        log::warning("study_outcome_dropped")
            .kv("study_uid", o.uid)
            .kv("outcome", to_string(o.event.kind))
            .kv("reason", applied.error().message());
      }
    }
    const registry::TimestampMs t = now();
    if (stopped_ || t < paused_until_) return;  // an outcome may have paused sending
    claimed = claim_due(t, free_slots() + ready_room());
    std::vector<std::string> uids;
    for (const auto& study : claimed) uids.push_back(study.study_instance_uid);
    const auto taken = registry_.mark_in_flight(uids, t);
    std::erase_if(claimed, [&taken](const registry::StudyRecord& s) {
      return std::find(taken.begin(), taken.end(), s.study_instance_uid) == taken.end();
    });
  });
  return written;
}

void RegistrationDispatcher::pump() {
  const registry::TimestampMs t = now();
  const bool sending = !stopped_ && t >= paused_until_;
  if (!stopped_ && t >= next_claim_check_) keep_claims(t);
  if (sending && settings_.route_stable) route_stable_studies(t);
  // Studies claimed by an earlier commit (durably in_flight already) take any free slot before
  // new claims are made.
  if (sending) send(take_ready());
  // One transaction, one fsync: the outcomes learned, and the claims for the slots still free
  // and for the ready queue. The claims are durable (in_flight) before any of their requests
  // leaves, so a crash during the requests is followed by a lookup, never a blind create.
  std::vector<registry::StudyRecord> claimed;
  if (!unwritten_.empty()) fault::crash_point("outcome_pending");
  try {
    const auto written = commit_step(claimed);
    if (!claimed.empty()) fault::crash_point("claim_committed");
    unwritten_.clear();
    if (write_backoff_ms_ > 0) log::info("registry_update_recovered");
    write_backoff_ms_ = 0;
    for (const auto& [outcome, transition] : written) report(outcome, transition, *metrics_);
  } catch (const std::exception& e) {
    // Kept, not dropped: the outcomes are tried again after a growing pause, and logged once.
    if (write_backoff_ms_ == 0) {
      log::error("registry_update_failed")
          .kv("reason", e.what())
          .kv("outcomes_kept", static_cast<std::uint64_t>(unwritten_.size()));
    }
    write_backoff_ms_ = std::min(std::max<registry::TimestampMs>(write_backoff_ms_ * 2, 250),
                                 kMaxWriteBackoffMs);
    claimed.clear();
  }
  const std::size_t now_sent = std::min(claimed.size(), free_slots());
  ready_.insert(ready_.end(), claimed.begin() + static_cast<std::ptrdiff_t>(now_sent), claimed.end());
  claimed.resize(now_sent);
  send(claimed);
  schedule_next_due();
}

std::vector<registry::StudyRecord> RegistrationDispatcher::take_ready() {
  std::vector<registry::StudyRecord> taken;
  while (!ready_.empty() && taken.size() < free_slots()) {
    taken.push_back(std::move(ready_.front()));
    ready_.pop_front();
  }
  return taken;
}

std::size_t RegistrationDispatcher::free_slots() const {
  return in_flight_.size() >= slots() ? 0 : slots() - in_flight_.size();
}

std::size_t RegistrationDispatcher::ready_room() const {
  return ready_.size() >= slots() ? 0 : slots() - ready_.size();
}

std::vector<registry::StudyRecord> RegistrationDispatcher::claim_due(registry::TimestampMs t,
                                                                   std::size_t free) {
  // Claims alternate between the oldest and the newest due study: a backlog left by an outage
  // drains oldest first, and a study that arrives meanwhile waits for one slot, not for the
  // whole backlog.
  std::vector<registry::StudyRecord> claimed;
  if (free == 0) return claimed;
  using Order = registry::StudyRegistry::DueOrder;
  const auto oldest = registry_.due(t, free, Order::oldest_first);
  const auto newest = registry_.due(t, free, Order::newest_first);
  std::size_t o = 0, n = 0;
  std::set<std::string> taken;
  while (claimed.size() < free && (o < oldest.size() || n < newest.size())) {
    const auto& from = newest_turn_ ? newest : oldest;
    std::size_t& at = newest_turn_ ? n : o;
    newest_turn_ = !newest_turn_;
    while (at < from.size() && taken.count(from[at].study_instance_uid) != 0) ++at;
    if (at == from.size()) continue;
    taken.insert(from[at].study_instance_uid);
    claimed.push_back(from[at++]);
  }
  return claimed;
}

void RegistrationDispatcher::keep_claims(registry::TimestampMs t) {
  next_claim_check_ = t + std::max<registry::TimestampMs>(settings_.claim_lease.count() / 3, 1);
  try {
    registry_.renew_claims(t);
    // Another node died or lost the database with requests on the wire: its studies are
    // looked up before anything is sent again, as after a crash of this node.
    const int adopted = registry_.adopt_expired_claims(t);
    if (adopted > 0) log::warning("claims_adopted").kv("count", adopted).kv("lookup_first", true);
    if (claims_failing_) log::info("claims_renewed");
    claims_failing_ = false;
  } catch (const std::exception& e) {
    // The database is away: the claims may expire and be taken over elsewhere, by lookup.
    if (!claims_failing_) log::error("claims_not_renewed").kv("reason", e.what());
    claims_failing_ = true;
  }
}

void RegistrationDispatcher::route_stable_studies(registry::TimestampMs t) {
  try {
    for (const auto& study : registry_.stable(t, 100)) {
      const registry::NewStudy routed = settings_.route_stable(study);
      if (!registry_.route_stable(study.study_instance_uid, routed, t)) continue;
      metrics_->study_routed(routed.state == registry::StudyState::ignored);
    }
  } catch (const std::exception& e) {
    log::error("registry_update_failed").kv("reason", e.what());
  }
}

std::size_t RegistrationDispatcher::slots() const {
  return consecutive_failures_ >= settings_.retry.probe_after_failures ? 1 : settings_.max_in_flight;
}

void RegistrationDispatcher::note_api_health(bool answered) {
  const bool was_probing = consecutive_failures_ >= settings_.retry.probe_after_failures;
  consecutive_failures_ = answered ? 0 : consecutive_failures_ + 1;
  const bool probing = consecutive_failures_ >= settings_.retry.probe_after_failures;
  if (probing && !was_probing) {
    log::error("alarm_viewer_api_unavailable")
        .kv("failures_in_a_row", consecutive_failures_)
        .kv("mode", "one request at a time until one succeeds");
  } else if (was_probing && !probing) {
    log::info("viewer_api_recovered").kv("max_in_flight", settings_.max_in_flight);
  }
}

void RegistrationDispatcher::schedule_next_due() {
  if (stopped_ || !settings_.self_schedule) return;
  const registry::TimestampMs t = now();
  registry::TimestampMs wait = kIdlePollMs;
  if (!unwritten_.empty()) {
    wait = write_backoff_ms_;  // the database failed: try again later, not at once
  } else {
    // With every slot and the ready queue full, a due study can wait for the next answer,
    // which pumps again: waking for it now would spin for as long as the backlog lasts.
    const bool room = free_slots() > 0 || ready_room() > 0;
    std::optional<registry::TimestampMs> due;
    try {
      if (room) due = registry_.next_due();
    } catch (const std::exception&) {
      due = t + kIdlePollMs;
    }
    if (paused_until_ > t) due = paused_until_;
    // Look at least once a second even when nothing is due: an operator's `studies retry`
    // from another process changes the registry without waking us.
    wait = std::clamp<registry::TimestampMs>(due ? *due - t : kIdlePollMs, 0, kIdlePollMs);
  }
  timer_.expires_after(std::chrono::milliseconds(wait));
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->pump();
  });
}

void RegistrationDispatcher::send(const std::vector<registry::StudyRecord>& studies) {
  // All slots are taken before the first request: an answer that comes back at once (and
  // pumps again) must see them.
  for (const auto& study : studies) in_flight_.insert(study.study_instance_uid);
  for (const auto& study : studies) {
    if (study.lookup_first) {
      look_up(study);
    } else {
      create(study);
    }
  }
}

void RegistrationDispatcher::create(const registry::StudyRecord& study) {
  const auto started = std::chrono::steady_clock::now();
  client_.create_study(study.request_body, study.idempotency_key,
                       [self = shared_from_this(), study, started](viewer::CreateOutcome outcome) {
                         self->on_outcome(study, outcome, started);
                       });
}

void RegistrationDispatcher::look_up(const registry::StudyRecord& study) {
  const auto started = std::chrono::steady_clock::now();
  client_.find_study(study.study_instance_uid,
                     [self = shared_from_this(), study, started](viewer::FindStudyOutcome found) {
                       self->on_lookup(study, found, started);
                     });
}

void RegistrationDispatcher::on_lookup(const registry::StudyRecord& study,
                                       const viewer::FindStudyOutcome& found,
                                       std::chrono::steady_clock::time_point started) {
  using Find = viewer::FindStudyOutcome::Kind;
  viewer::CreateOutcome outcome;
  if (found.kind == Find::found) {
    // The request that was on the wire earlier did create the study: adopt its studyId.
    outcome.kind = Kind::already_registered;
    outcome.study_id = found.study.study_id;
    log::info("study_adopted")
        .kv("study_uid", study.study_instance_uid)
        .kv("study_id", found.study.study_id)
        .kv("cancelled", found.study.is_cancelled);
    on_outcome(study, outcome, started, "adopted");
    return;
  }
  if (found.kind == Find::not_found && !stopped_) {
    log::info("study_lookup_not_found").kv("study_uid", study.study_instance_uid);
    try {
      const auto cleared = registry_.apply(study.study_instance_uid, {EventKind::lookup_not_found},
                                           policy(), now());
      if (cleared) {
        create(study);  // the same slot, the same idempotency key
        return;
      }
      outcome.error = "looking the study up: " + cleared.error().message();
    } catch (const std::exception& e) {
      outcome.error = std::string("recording the lookup: ") + e.what();
    }
    outcome.kind = Kind::transient;  // not created: the lookup is asked again next time
    on_outcome(study, outcome, started, "lookup");
    return;
  }
  outcome.kind = found.failure.kind == viewer::FailureKind::unauthorized ? Kind::unauthorized
                 : found.failure.kind == viewer::FailureKind::permanent  ? Kind::permanent
                                                                          : Kind::transient;
  outcome.http_status = found.failure.http_status;
  outcome.error = "looking the study up: " + found.failure.error;
  outcome.retry_after = found.failure.retry_after;
  on_outcome(study, outcome, started, "lookup");
}

void RegistrationDispatcher::on_outcome(const registry::StudyRecord& study,
                                        const viewer::CreateOutcome& outcome,
                                        std::chrono::steady_clock::time_point started,
                                        std::string_view via) {
  in_flight_.erase(study.study_instance_uid);
  const registry::TimestampMs t = now();
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  const std::string name = attempt_name(outcome, via);
  metrics_->registration_attempt(name, static_cast<double>(elapsed_ms) / 1000.0);
  if (stopped_ && outcome.kind == Kind::transient) {
    // Cancelled by the stop (or failed during it): the row stays in_flight, exactly as a
    // crash would leave it, and the next start looks the study up before sending again.
    log::info("registration_parked").kv("study_uid", study.study_instance_uid);
    return;
  }
  // The circuit breaker counts the API's health, not the study's.
  if (!stopped_) note_api_health(outcome.kind != Kind::transient);
  // A wrong or revoked key fails every study alike: pause all sending, alarm once. Every
  // refusal during one pause waits for the same end, so that a new key resumes exactly them.
  const bool first_refusal = outcome.kind == Kind::unauthorized && paused_until_ <= t;
  if (first_refusal) paused_until_ = t + settings_.auth_pause.count();
  StudyOutcome o;
  o.uid = study.study_instance_uid;
  o.rule = study.rule_name;
  o.event = event_for(outcome, std::uniform_real_distribution<double>(0.0, 1.0)(rng_), paused_until_);
  if (via == "adopted") o.event.kind = EventKind::adopted;
  const bool success = outcome.kind == Kind::created || outcome.kind == Kind::already_registered;
  o.attempt = {t, name, outcome.http_status, success ? std::string{} : describe(outcome),
               static_cast<std::int64_t>(elapsed_ms)};
  o.http_status = outcome.http_status;
  o.reason = describe(outcome);
  o.first_refusal = first_refusal;
  o.pause_s = static_cast<std::int64_t>(settings_.auth_pause.count() / 1000);
  record(std::move(o));
}

void RegistrationDispatcher::record(StudyOutcome outcome) {
  unwritten_.push_back(std::move(outcome));
  // The slot this answer freed goes to a ready study (claimed and synced by an earlier commit)
  // at once, and the commit, which holds this thread for its fsync, waits until the client
  // has written that request: the disk stays off the viewer's critical path.
  std::vector<registry::StudyRecord> ready;
  if (!stopped_ && now() >= paused_until_) ready = take_ready();
  auto commit = [self = shared_from_this()] { self->pump(); };
  if (ready.empty()) {
    boost::asio::post(io_, std::move(commit));
    return;
  }
  send(ready);
  client_.after_started(std::move(commit));
}

}  // namespace gw::app
