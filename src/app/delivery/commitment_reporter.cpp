#include "commitment_reporter.hpp"

#include <cstdio>
#include <random>

#include "gateway/fault/crash_point.hpp"
#include "gateway/log/log.hpp"

namespace gw::app {
namespace {

// The thread looks again at least this often (a clock jump, a row written by another process).
constexpr std::chrono::seconds kLongestSleep{30};
constexpr std::size_t kBatch = 16;

std::string hex(domain::CommitFailure failure) {
  char text[8];
  std::snprintf(text, sizeof text, "%04X", static_cast<unsigned>(failure));
  return text;
}

std::pair<std::size_t, std::size_t> tally(const std::vector<domain::CommitmentItem>& items) {
  std::size_t failed = 0;
  for (const auto& item : items) failed += item.failure != domain::CommitFailure::none;
  return {items.size() - failed, failed};
}

}  // namespace

CommitmentReporter::CommitmentReporter(registry::StudyRegistry& registry,
                                       std::vector<domain::DicomPeer> peers,
                                       dicom::CommitmentReportSender& sender, Options options)
    : registry_(registry), peers_(std::move(peers)), sender_(sender), options_(std::move(options)), metrics_(options_.metrics) {
  if (!options_.random) {
    options_.random = [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
}

CommitmentReporter::~CommitmentReporter() { stop(); }

void CommitmentReporter::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  woken_ = true;  // what an earlier run left is due now
  thread_ = std::thread([this] { run(); });
}

void CommitmentReporter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CommitmentReporter::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

domain::CommitmentRefusal CommitmentReporter::accept(const domain::CommitmentRequest& request) noexcept {
  try {
    // Nowhere to send a report that cannot go back on the requester's association: refused
    // at once rather than accepted and never answered.
    if (domain::find_peer(peers_, request.requester_ae) == nullptr) {
      return domain::CommitmentRefusal::unknown_requester;
    }
    const auto recorded = registry_.record_commitment(request, options_.clock());
    fault::crash_point("commitment_recorded");
    log::info("commitment_requested")
        .kv("transaction_uid", request.transaction_uid)
        .kv("calling_ae", request.requester_ae)
        .kv("instances", static_cast<std::uint64_t>(request.items.size()))
        .kv("repeated", recorded == registry::StudyRegistry::CommitmentRecorded::repeated);
    metrics_->commitment_request("accepted");
    return domain::CommitmentRefusal::none;
  } catch (const std::exception& e) {
    log::error("commitment_not_recorded")
        .kv("transaction_uid", request.transaction_uid)
        .kv("reason", e.what());
    return domain::CommitmentRefusal::processing_failure;
  } catch (...) {
    return domain::CommitmentRefusal::processing_failure;
  }
}

std::optional<domain::CommitmentRequest> CommitmentReporter::claim_for_association(
    const std::string& transaction_uid) noexcept {
  if (!claim(transaction_uid)) return std::nullopt;
  try {
    const auto record = registry_.find_commitment(transaction_uid);
    if (record && (record->state == domain::CommitmentState::pending ||
                   record->state == domain::CommitmentState::resolved)) {
      return resolve(*record);
    }
  } catch (const std::exception& e) {
    log::error("commitment_not_resolved")
        .kv("transaction_uid", transaction_uid)
        .kv("reason", e.what());
  } catch (...) {
  }
  release(transaction_uid);
  wake();
  return std::nullopt;
}

void CommitmentReporter::reported_on_association(const std::string& transaction_uid,
                                                 bool delivered_here,
                                                 const std::string& detail) noexcept {
  try {
    if (delivered_here) {
      if (auto record = registry_.find_commitment(transaction_uid)) {
        delivered(record->request, "same_association");
      }
    } else {
      log::info("commitment_report_deferred")
          .kv("transaction_uid", transaction_uid)
          .kv("reason", detail);
    }
  } catch (const std::exception& e) {
    log::error("commitment_report_not_recorded")
        .kv("transaction_uid", transaction_uid)
        .kv("reason", e.what());
  } catch (...) {
  }
  release(transaction_uid);
  if (!delivered_here) wake();  // a new association, now
}

bool CommitmentReporter::claim(const std::string& transaction_uid) {
  std::lock_guard lock(mutex_);
  return claimed_.insert(transaction_uid).second;
}

void CommitmentReporter::release(const std::string& transaction_uid) {
  std::lock_guard lock(mutex_);
  claimed_.erase(transaction_uid);
}

void CommitmentReporter::run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    try {
      deliver_due();
    } catch (const std::exception& e) {  // the border of the thread: logged, tried again later
      log::error("commitment_reporter_failed").kv("reason", e.what());
    } catch (...) {
      log::error("commitment_reporter_failed").kv("reason", "unknown exception");
    }
    std::chrono::milliseconds sleep = kLongestSleep;
    try {
      if (const auto next = registry_.next_commitment_due()) {
        sleep = std::clamp(std::chrono::milliseconds(*next - options_.clock()),
                           std::chrono::milliseconds(0), std::chrono::milliseconds(kLongestSleep));
      }
    } catch (...) {
    }
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, sleep, [this] { return stopping_ || woken_; });
  }
}

void CommitmentReporter::deliver_due() {
  for (;;) {
    const auto due = registry_.commitments_due(options_.clock(), kBatch);
    std::size_t delivered_now = 0;
    for (const auto& record : due) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      if (!claim(record.request.transaction_uid)) continue;  // a worker reports it now
      try {
        deliver(record);
      } catch (...) {
        release(record.request.transaction_uid);
        throw;
      }
      release(record.request.transaction_uid);
      ++delivered_now;
    }
    if (due.size() < kBatch || delivered_now == 0) return;
  }
}

void CommitmentReporter::deliver(const domain::CommitmentRecord& record) {
  const std::string& uid = record.request.transaction_uid;
  const registry::TimestampMs now = options_.clock();
  if (options_.give_up_after.count() > 0 && now - record.received > options_.give_up_after.count()) {
    registry_.commitment_abandoned(uid, record.last_error, now);
    log::error("commitment_abandoned")
        .kv("transaction_uid", uid)
        .kv("requester_ae", record.request.requester_ae)
        .kv("attempts", record.attempts)
        .kv("last_error", record.last_error);
    metrics_->commitment_report("new_association", "abandoned");
    return;
  }
  domain::CommitmentRequest resolved;
  try {
    resolved = resolve(record);
  } catch (const std::exception& e) {
    schedule_retry(record, std::string("resolve: ") + e.what());
    return;
  }
  const domain::DicomPeer* peer = domain::find_peer(peers_, record.request.requester_ae);
  if (peer == nullptr) {
    schedule_retry(record, "no dicom.peers entry for " + record.request.requester_ae);
    return;
  }
  const dicom::ReportDelivery delivery = sender_.send(*peer, resolved);
  if (delivery.delivered) {
    delivered(resolved, "new_association");
  } else {
    schedule_retry(record, delivery.error);
  }
}

domain::CommitmentRequest CommitmentReporter::resolve(const domain::CommitmentRecord& record) {
  domain::CommitmentRequest resolved = record.request;
  if (record.state == domain::CommitmentState::resolved) return resolved;
  for (auto& item : resolved.items) {
    item.failure = domain::judge_item(item, registry_.stored_instances(item.sop_instance_uid));
  }
  // A synced commit: every arrival committed before it (the instances judged) is durable too.
  registry_.resolve_commitment(resolved.transaction_uid, resolved.items, options_.clock());
  fault::crash_point("commitment_resolved");
  const auto [committed, failed] = tally(resolved.items);
  for (const auto& item : resolved.items) {
    metrics_->commitment_instances(
        item.failure == domain::CommitFailure::none ? "committed" : hex(item.failure), 1);
  }
  log::info("commitment_resolved")
      .kv("transaction_uid", resolved.transaction_uid)
      .kv("committed", static_cast<std::uint64_t>(committed))
      .kv("failed", static_cast<std::uint64_t>(failed));
  return resolved;
}

void CommitmentReporter::delivered(const domain::CommitmentRequest& resolved, std::string_view via) {
  registry_.commitment_reported(resolved.transaction_uid, options_.clock());
  const auto [committed, failed] = tally(resolved.items);
  log::info("commitment_reported")
      .kv("transaction_uid", resolved.transaction_uid)
      .kv("requester_ae", resolved.requester_ae)
      .kv("event_type", static_cast<int>(domain::commitment_event_type(resolved.items)))
      .kv("committed", static_cast<std::uint64_t>(committed))
      .kv("failed", static_cast<std::uint64_t>(failed))
      .kv("via", via);
  metrics_->commitment_report(via, "delivered");
}

void CommitmentReporter::schedule_retry(const domain::CommitmentRecord& record,
                                        const std::string& error) {
  const registry::TimestampMs now = options_.clock();
  const auto delay = options_.retry.delay(record.attempts, std::nullopt, options_.random());
  registry_.commitment_retry(record.request.transaction_uid, now + delay.count(), error, now);
  log::warning("commitment_report_failed")
      .kv("transaction_uid", record.request.transaction_uid)
      .kv("requester_ae", record.request.requester_ae)
      .kv("attempt", record.attempts + 1)
      .kv("reason", error)
      .kv("retry_in_ms", static_cast<std::int64_t>(delay.count()));
  metrics_->commitment_report("new_association", "failed");
}

}  // namespace gw::app
