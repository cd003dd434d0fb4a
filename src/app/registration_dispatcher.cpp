#include "wall_clock.hpp"
#include "registration_dispatcher.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "gateway/log/log.hpp"
#include "gateway/metrics/registry.hpp"

namespace gw::app {
namespace {

using Kind = viewer::CreateOutcome::Kind;

constexpr registry::TimestampMs kIdlePollMs = 1000;

std::string describe(const viewer::CreateOutcome& outcome) {
  std::string text = outcome.http_status ? "HTTP " + std::to_string(outcome.http_status) : "";
  if (!outcome.error.empty()) text += (text.empty() ? "" : ": ") + outcome.error;
  if (!outcome.response_body.empty()) text += (text.empty() ? "" : " ") + outcome.response_body;
  return text;
}

std::string_view outcome_name(Kind kind) {
  switch (kind) {
    case Kind::created: return "created";
    case Kind::already_registered: return "already_registered";
    case Kind::transient: return "transient";
    case Kind::unauthorized: return "unauthorized";
    case Kind::permanent: return "permanent";
  }
  return "transient";
}

}  // namespace

RegistrationDispatcher::RegistrationDispatcher(boost::asio::io_context& io,
                                               registry::StudyRegistry& registry,
                                               viewer::ViewerClient& client,
                                               DispatchSettings settings)
    : io_(io), registry_(registry), client_(client), settings_(settings), timer_(io) {}

void RegistrationDispatcher::start() {
  const int requeued = registry_.requeue_in_flight(now_ms());
  if (requeued > 0) log::info("studies_requeued").kv("count", requeued);
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
  if (paused_until_ == 0) return;
  paused_until_ = 0;
  registry_.reschedule_waiting(now_ms());
  pump();
}

void RegistrationDispatcher::stop() {
  stopped_ = true;
  timer_.cancel();
  // Ready studies were claimed but never sent: give them back, or the next start would look
  // each one up in the viewer's list as if its request might have gone out.
  if (ready_.empty()) return;
  std::vector<std::string> uids;
  for (const auto& study : ready_) uids.push_back(study.study_instance_uid);
  ready_.clear();
  try {
    registry_.release_unsent(uids, now_ms());
  } catch (const std::exception& e) {
    log::error("registry_update_failed").kv("reason", e.what());  // looked up on the next start
  }
}

bool RegistrationDispatcher::pump(const std::function<void()>& write_outcome,
                                  std::string_view study_uid) {
  registry::TimestampMs now = now_ms();
  const bool sending = !stopped_ && now >= paused_until_;
  if (sending && settings_.route_stable) route_stable_studies(now);
  // Studies claimed by an earlier commit (durably in_flight already) take any free slot before
  // new claims are made. After an answer, on_outcome() has sent them already, and runs this
  // commit only once their requests are written.
  if (sending) send(take_ready());
  // One transaction, one fsync: the outcome just learned, and the claims for the slots still
  // free and for the ready queue. The claims are durable (in_flight) before any of their
  // requests leaves, so a crash during the requests is followed by a lookup, never a blind
  // second create.
  std::vector<registry::StudyRecord> claimed;
  bool committed = true;
  try {
    registry_.batch([&] {
      if (write_outcome) write_outcome();
      now = now_ms();
      if (stopped_ || now < paused_until_) return;  // the outcome may have paused sending
      claimed = claim_due(now, free_slots() + ready_room());
      std::vector<std::string> uids;
      for (const auto& study : claimed) uids.push_back(study.study_instance_uid);
      registry_.mark_in_flight(uids, now);
    });
  } catch (const std::exception& e) {
    // An outcome not recorded leaves its row in_flight: it is looked up after a restart.
    log::error("registry_update_failed").kv("study_uid", std::string(study_uid)).kv("reason", e.what());
    claimed.clear();
    committed = false;
  }
  const std::size_t now_sent = std::min(claimed.size(), free_slots());
  ready_.insert(ready_.end(), claimed.begin() + static_cast<std::ptrdiff_t>(now_sent), claimed.end());
  claimed.resize(now_sent);
  send(claimed);
  schedule_next_due();
  return committed;
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

std::vector<registry::StudyRecord> RegistrationDispatcher::claim_due(registry::TimestampMs now,
                                                                   std::size_t free) {
  // Claims alternate between the oldest and the newest due study: a backlog left by an outage
  // drains oldest first, and a study that arrives meanwhile waits for one slot, not for the
  // whole backlog.
  std::vector<registry::StudyRecord> claimed;
  if (free == 0) return claimed;
  using Order = registry::StudyRegistry::DueOrder;
  const auto oldest = registry_.due(now, free, Order::oldest_first);
  const auto newest = registry_.due(now, free, Order::newest_first);
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

void RegistrationDispatcher::route_stable_studies(registry::TimestampMs now) {
  try {
    for (const auto& study : registry_.stable(now, 100)) {
      const registry::NewStudy routed = settings_.route_stable(study);
      if (!registry_.route_stable(study.study_instance_uid, routed, now)) continue;
      metrics::counter("dicom_gateway_studies_routed_total",
                       {{"action", routed.state == registry::StudyState::ignored ? "ignore"
                                                                                 : "register"}})
          .inc();
    }
  } catch (const std::exception& e) {
    log::error("registry_update_failed").kv("reason", e.what());
  }
}

std::size_t RegistrationDispatcher::slots() const {
  return consecutive_failures_ >= settings_.probe_after_failures ? 1 : settings_.max_in_flight;
}

void RegistrationDispatcher::note_api_health(bool answered) {
  const bool was_probing = consecutive_failures_ >= settings_.probe_after_failures;
  consecutive_failures_ = answered ? 0 : consecutive_failures_ + 1;
  const bool probing = consecutive_failures_ >= settings_.probe_after_failures;
  if (probing && !was_probing) {
    log::error("alarm_viewer_api_unavailable")
        .kv("failures_in_a_row", consecutive_failures_)
        .kv("mode", "one request at a time until one succeeds");
  } else if (was_probing && !probing) {
    log::info("viewer_api_recovered").kv("max_in_flight", settings_.max_in_flight);
  }
}

void RegistrationDispatcher::schedule_next_due() {
  if (stopped_) return;
  // With every slot and the ready queue full, a due study can wait for the next answer, which
  // pumps again: waking for it now would spin (once per registry read) for as long as the
  // backlog lasts, taking a core from the DICOM workers.
  const bool room = free_slots() > 0 || ready_room() > 0;
  std::optional<registry::TimestampMs> due = room ? registry_.next_due() : std::nullopt;
  if (paused_until_ > now_ms()) due = paused_until_;
  // Look at least once a second even when nothing is due: an operator's `studies retry`
  // from another process changes the registry without waking us.
  const registry::TimestampMs now = now_ms();
  const auto wait = std::chrono::milliseconds(
      std::clamp<registry::TimestampMs>(due ? *due - now : kIdlePollMs, 0, kIdlePollMs));
  timer_.expires_after(wait);
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
  // The viewer's createdAt is its own clock: search back an hour before our first request.
  const registry::TimestampMs sent = study.first_attempt ? study.first_attempt : study.first_seen;
  const auto bound = std::chrono::system_clock::time_point(std::chrono::milliseconds(sent)) -
                     std::chrono::hours(1);
  const auto started = std::chrono::steady_clock::now();
  client_.find_study(study.study_instance_uid, bound,
                     [self = shared_from_this(), study, started](viewer::FindStudyOutcome found) {
                       self->on_lookup(study, found, started);
                     });
}

void RegistrationDispatcher::on_lookup(const registry::StudyRecord& study,
                                       const viewer::FindStudyOutcome& found,
                                       std::chrono::steady_clock::time_point started) {
  using Find = viewer::FindStudyOutcome::Kind;
  if (stopped_) {  // shutting down: stays in_flight, looked up again on the next start
    in_flight_.erase(study.study_instance_uid);
    return;
  }
  viewer::CreateOutcome outcome;
  switch (found.kind) {
    case Find::found:
      // The request that was on the wire when the last process died did create the study.
      outcome.kind = Kind::already_registered;
      outcome.study_id = found.study.study_id;
      log::info("study_adopted")
          .kv("study_uid", study.study_instance_uid)
          .kv("study_id", found.study.study_id)
          .kv("cancelled", found.study.is_cancelled)
          .kv("pages", found.pages_read);
      on_outcome(study, outcome, started, "adopted");
      return;
    case Find::not_found:
      log::info("study_lookup_not_found")
          .kv("study_uid", study.study_instance_uid)
          .kv("pages", found.pages_read);
      try {
        registry_.clear_lookup(study.study_instance_uid);
      } catch (const std::exception& e) {
        log::error("registry_update_failed")
            .kv("study_uid", study.study_instance_uid)
            .kv("reason", e.what());
      }
      create(study);
      return;
    case Find::incomplete:
      // The study may exist further back than we may read: creating it again could make a
      // duplicate. Hold it for an operator (`studies resend` or `studies retry`).
      outcome.kind = Kind::permanent;
      outcome.error = "cannot tell whether the viewer already has this study: " +
                      found.failure.error + " (use `studies resend` to register it anyway)";
      break;
    case Find::failed:
      outcome.kind = found.failure.kind == viewer::FailureKind::unauthorized ? Kind::unauthorized
                                                                            : Kind::transient;
      outcome.http_status = found.failure.http_status;
      outcome.error = "looking the study up: " + found.failure.error;
      outcome.retry_after = found.failure.retry_after;
      break;
  }
  on_outcome(study, outcome, started, "lookup");
}

void RegistrationDispatcher::on_outcome(const registry::StudyRecord& study,
                                        const viewer::CreateOutcome& outcome,
                                        std::chrono::steady_clock::time_point started,
                                        std::string_view via) {
  in_flight_.erase(study.study_instance_uid);
  const registry::TimestampMs now = now_ms();
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  const int attempts = study.attempts + 1;
  const std::string name =
      via.empty() ? std::string(outcome_name(outcome.kind))
                  : std::string(via) + (via == "adopted" ? "" : "_" + std::string(outcome_name(outcome.kind)));
  registry::Attempt attempt{now, name, outcome.http_status,
                            outcome.kind == Kind::created || outcome.kind == Kind::already_registered
                                ? std::string{}
                                : describe(outcome),
                            static_cast<std::int64_t>(elapsed_ms)};
  metrics::counter("dicom_gateway_registration_attempts_total", {{"outcome", name}}).inc();
  metrics::histogram("dicom_gateway_registration_duration_seconds")
      .observe(static_cast<double>(elapsed_ms) / 1000.0);
  // The circuit breaker counts the API's health, not the study's: any HTTP answer other
  // than a transient one shows the API is up. Not when shutting down (shut down ≠ API down).
  if (!stopped_) note_api_health(outcome.kind != Kind::transient);
  // A wrong or revoked key fails every study alike: pause all sending, alarm once. Set
  // before pump(), which would otherwise send a ready study first.
  const bool first_refusal = outcome.kind == Kind::unauthorized && paused_until_ <= now;
  if (outcome.kind == Kind::unauthorized) paused_until_ = now + settings_.auth_pause.count();
  // The outcome's registry write joins the transaction of a pump() posted behind the request
  // that takes the freed slot (below); what is logged about it waits for that commit, so the
  // log never claims what the database does not hold. Both run later: they hold copies.
  const std::string uid = study.study_instance_uid;
  std::function<void()> write;
  std::function<void()> report;
  switch (outcome.kind) {
    case Kind::created:
    case Kind::already_registered:
      write = [this, uid, study_id = outcome.study_id, attempt] {
        registry_.mark_registered(uid, study_id, attempt);
      };
      report = [uid, study_id = outcome.study_id, rule = study.rule_name, attempts, now,
                already = outcome.kind == Kind::already_registered, adopted = via == "adopted",
                elapsed_ms] {
        metrics::gauge("dicom_gateway_last_registration_timestamp_seconds")
            .set(static_cast<double>(now) / 1000.0);
        log::info("study_registered")
            .kv("study_uid", uid)
            .kv("study_id", study_id)
            .kv("rule", rule)
            .kv("attempts", attempts)
            .kv("already_known", already)
            .kv("adopted", adopted)
            .kv("ms", static_cast<std::int64_t>(elapsed_ms));
      };
      break;
    case Kind::permanent:
      write = [this, uid, attempt] { registry_.mark_failed(uid, attempt); };
      report = [uid, status = outcome.http_status, reason = describe(outcome)] {
        log::error("study_failed").kv("study_uid", uid).kv("status", status).kv("reason", reason);
      };
      break;
    case Kind::unauthorized:
      write = [this, uid, until = paused_until_, attempt] {
        registry_.mark_retry(uid, until, attempt);
      };
      if (first_refusal) {
        report = [status = outcome.http_status,
                  pause_s = static_cast<std::int64_t>(settings_.auth_pause.count() / 1000)] {
          log::error("alarm_api_key_rejected").kv("status", status).kv("pause_s", pause_s);
        };
      }
      break;
    case Kind::transient: {
      if (settings_.give_up_after.count() > 0 &&
          now - study.first_seen >= settings_.give_up_after.count()) {
        write = [this, uid, attempt] { registry_.mark_failed(uid, attempt); };
        report = [uid, status = outcome.http_status,
                  reason = "gave up after viewer_api.retry.give_up_after: " + describe(outcome)] {
          log::error("study_failed").kv("study_uid", uid).kv("status", status).kv("reason", reason);
        };
        break;
      }
      const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
      const auto delay = settings_.retry.delay(attempts, outcome.retry_after, unit);
      write = [this, uid, next = now + delay.count(), attempt] {
        registry_.mark_retry(uid, next, attempt);
      };
      report = [uid, attempts, delay, reason = describe(outcome)] {
        log::warning("registration_retry")
            .kv("study_uid", uid)
            .kv("attempt", attempts)
            .kv("retry_in_ms", static_cast<std::int64_t>(delay.count()))
            .kv("reason", reason);
      };
      break;
    }
  }
  // The slot this answer freed goes to a ready study (claimed and synced by an earlier commit)
  // at once, and the commit below, which holds this thread for its fsync, waits until the
  // client has written that request: the disk stays off the viewer's critical path.
  std::vector<registry::StudyRecord> ready;
  if (!stopped_ && now >= paused_until_) ready = take_ready();
  auto commit = [self = shared_from_this(), write = std::move(write), report = std::move(report),
                 uid] {
    if (self->pump(write, uid) && report) report();
  };
  if (ready.empty()) {
    boost::asio::post(io_, std::move(commit));
    return;
  }
  send(ready);
  client_.after_started(std::move(commit));
}

}  // namespace gw::app
