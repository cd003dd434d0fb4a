#include "gateway/metrics/gateway_metrics.hpp"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cstdio>

#include "gateway/build_info.hpp"
#include "process_start.hpp"

namespace gw::metrics {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// From 5 ms (a small instance on a LAN) to a minute (a large one, or a slow viewer API).
const prometheus::Histogram::BucketBoundaries kLatencySeconds{
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

// The words the listener and the SCP refuse or abort with (association_refusal.cpp,
// accept_gate.cpp, storage_scp.cpp), at zero from the start.
constexpr const char* kRejectionReasons[] = {
    "local_limit",        "receive_failed",        "called_ae_not_recognized",
    "calling_ae_not_recognized", "calling_host_not_allowed", "caller_limit",
    "acse_timeout",       "pending_limit",         "idle_timeout",
    "dimse_error",        "tls_handshake_failed"};

// registration_outcome.cpp's attempt_name(): the answer's kind, prefixed by `lookup_` when it
// answered a lookup after a restart.
constexpr const char* kAttemptOutcomes[] = {
    "created",          "already_registered", "transient",           "unauthorized",
    "permanent",        "adopted",            "lookup_transient",    "lookup_unauthorized",
    "lookup_permanent"};

constexpr const char* kAlertResults[] = {"delivered", "retried", "rejected", "dropped_expired",
                                         "dropped_queue_full"};

// The statuses store_status_table.cpp answers a failed C-STORE with.
constexpr std::uint16_t kStoreFailureStatuses[] = {0xA700, 0xC000, 0xC100, 0xC200, 0x0110};

std::string hex_status(std::uint16_t status) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(status));
  return hex;
}

}  // namespace

GatewayMetrics::GatewayMetrics(const std::vector<std::string>& known_callers)
    : registry_(std::make_shared<prometheus::Registry>()),
      associations_(BuildCounter()
                        .Name("dicom_gateway_associations_total")
                        .Help("DICOM associations accepted for service, by calling AE title "
                              "(callers not in dicom.allowed_callers count as other).")
                        .Register(*registry_)),
      associations_rejected_(BuildCounter()
                                 .Name("dicom_gateway_associations_rejected_total")
                                 .Help("DICOM associations refused or aborted by the gateway, by reason.")
                                 .Register(*registry_)),
      instances_received_(BuildCounter()
                              .Name("dicom_gateway_instances_received_total")
                              .Help("Instances stored durably and acknowledged with Success, by "
                                    "calling AE title.")
                              .Register(*registry_)),
      received_bytes_(BuildCounter()
                          .Name("dicom_gateway_received_bytes_total")
                          .Help("Bytes of acknowledged instances (as written to the spool).")
                          .Register(*registry_)
                          .Add({})),
      store_failures_(BuildCounter()
                          .Name("dicom_gateway_store_failures_total")
                          .Help("C-STORE requests answered with a failure, by DIMSE status (hex).")
                          .Register(*registry_)),
      cstore_duration_(BuildHistogram()
                           .Name("dicom_gateway_cstore_duration_seconds")
                           .Help("Time from a C-STORE request to its response (receiving, "
                                 "spooling, recording), whatever the answer.")
                           .Register(*registry_)
                           .Add({}, kLatencySeconds)),
      commitment_requests_(BuildCounter()
                               .Name("dicom_gateway_commitment_requests_total")
                               .Help("Storage Commitment requests (N-ACTION), by result: accepted "
                                     "or why refused.")
                               .Register(*registry_)),
      commitment_instances_(BuildCounter()
                                .Name("dicom_gateway_commitment_instances_total")
                                .Help("Instances named by resolved Storage Commitment requests, by "
                                      "result: committed or the Failure Reason (0112, 0119, 0110).")
                                .Register(*registry_)),
      commitment_reports_(BuildCounter()
                              .Name("dicom_gateway_commitment_reports_total")
                              .Help("Storage Commitment report deliveries (N-EVENT-REPORT), by "
                                    "path and outcome.")
                              .Register(*registry_)),
      studies_routed_(BuildCounter()
                          .Name("dicom_gateway_studies_routed_total")
                          .Help("New studies routed, by action (register or ignore).")
                          .Register(*registry_)),
      registration_attempts_(BuildCounter()
                                 .Name("dicom_gateway_registration_attempts_total")
                                 .Help("Registration requests to the Viewer API, by outcome.")
                                 .Register(*registry_)),
      registration_duration_(BuildHistogram()
                                 .Name("dicom_gateway_registration_duration_seconds")
                                 .Help("Time from sending a registration request to its outcome.")
                                 .Register(*registry_)
                                 .Add({}, kLatencySeconds)),
      last_registration_(BuildGauge()
                             .Name("dicom_gateway_last_registration_timestamp_seconds")
                             .Help("Unix time of the last successful registration (absent: none "
                                   "since start).")
                             .Register(*registry_)),
      config_reloads_(BuildCounter()
                          .Name("dicom_gateway_config_reloads_total")
                          .Help("SIGHUP configuration reloads, by result (applied or rejected).")
                          .Register(*registry_)),
      alerts_(BuildCounter()
                  .Name("dicom_gateway_alerts_total")
                  .Help("Webhook alert deliveries, by result.")
                  .Register(*registry_)) {
  BuildGauge()
      .Name("dicom_gateway_build_info")
      .Help("Always 1: the running gateway's version and commit as labels.")
      .Register(*registry_)
      .Add({{"version", std::string(build_info::version())},
            {"commit", std::string(build_info::commit())}})
      .Set(1);
  BuildGauge()
      .Name("process_start_time_seconds")
      .Help("Start time of the process since unix epoch in seconds.")
      .Register(*registry_)
      .Add({})
      .Set(process_start_time_seconds());

  for (const char* reason : kRejectionReasons) associations_rejected_.Add({{"reason", reason}});
  for (const std::uint16_t status : kStoreFailureStatuses) {
    store_failures_.Add({{"status", hex_status(status)}});
  }
  commitment_requests_.Add({{"result", "accepted"}});
  commitment_instances_.Add({{"result", "committed"}});
  // commitment_reporter.cpp: a report on the requester's association is delivered or falls
  // back to a new one, where it may also fail (and be retried) or be abandoned.
  commitment_reports_.Add({{"via", "same_association"}, {"outcome", "delivered"}});
  for (const char* outcome : {"delivered", "failed", "abandoned"}) {
    commitment_reports_.Add({{"via", "new_association"}, {"outcome", outcome}});
  }
  for (const char* action : {"register", "ignore"}) studies_routed_.Add({{"action", action}});
  for (const char* outcome : kAttemptOutcomes) registration_attempts_.Add({{"outcome", outcome}});
  for (const char* result : {"applied", "rejected"}) config_reloads_.Add({{"result", result}});
  for (const char* result : kAlertResults) alerts_.Add({{"result", result}});
  set_known_callers(known_callers);
}

void GatewayMetrics::association_accepted(std::string_view calling_ae) {
  associations_.Add({{"calling_ae", caller_label(calling_ae)}}).Increment();
}

void GatewayMetrics::association_rejected(std::string_view reason) {
  associations_rejected_.Add({{"reason", std::string(reason)}}).Increment();
}

void GatewayMetrics::instance_received(std::string_view calling_ae, std::uint64_t bytes) {
  instances_received_.Add({{"calling_ae", caller_label(calling_ae)}}).Increment();
  received_bytes_.Increment(static_cast<double>(bytes));
}

void GatewayMetrics::store_failed(std::uint16_t dimse_status) {
  store_failures_.Add({{"status", hex_status(dimse_status)}}).Increment();
}

void GatewayMetrics::cstore_finished(double seconds) { cstore_duration_.Observe(seconds); }

void GatewayMetrics::commitment_request(std::string_view result) {
  commitment_requests_.Add({{"result", std::string(result)}}).Increment();
}

void GatewayMetrics::commitment_instances(std::string_view result, std::uint64_t n) {
  commitment_instances_.Add({{"result", std::string(result)}}).Increment(static_cast<double>(n));
}

void GatewayMetrics::commitment_report(std::string_view via, std::string_view outcome) {
  commitment_reports_.Add({{"via", std::string(via)}, {"outcome", std::string(outcome)}}).Increment();
}

void GatewayMetrics::study_routed(bool ignored) {
  studies_routed_.Add({{"action", ignored ? "ignore" : "register"}}).Increment();
}

void GatewayMetrics::registration_attempt(std::string_view outcome, double seconds) {
  registration_attempts_.Add({{"outcome", std::string(outcome)}}).Increment();
  registration_duration_.Observe(seconds);
}

void GatewayMetrics::study_registered(double unix_seconds) {
  std::lock_guard lock(mutex_);
  if (last_registration_gauge_ == nullptr) last_registration_gauge_ = &last_registration_.Add({});
  last_registration_gauge_->Set(unix_seconds);
}

std::optional<double> GatewayMetrics::last_registration() const {
  std::lock_guard lock(mutex_);
  if (last_registration_gauge_ == nullptr) return std::nullopt;
  return last_registration_gauge_->Value();
}

void GatewayMetrics::config_reload(bool applied) {
  config_reloads_.Add({{"result", applied ? "applied" : "rejected"}}).Increment();
}

void GatewayMetrics::alert_result(std::string_view result, std::uint64_t n) {
  alerts_.Add({{"result", std::string(result)}}).Increment(static_cast<double>(n));
}

void GatewayMetrics::set_known_callers(const std::vector<std::string>& callers) {
  {
    std::lock_guard lock(mutex_);
    known_callers_.clear();
    known_callers_.insert(callers.begin(), callers.end());
  }
  for (const std::string& ae : callers) {
    associations_.Add({{"calling_ae", ae}});
    instances_received_.Add({{"calling_ae", ae}});
  }
  associations_.Add({{"calling_ae", std::string(kOtherCaller)}});
  instances_received_.Add({{"calling_ae", std::string(kOtherCaller)}});
}

std::string GatewayMetrics::caller_label(std::string_view calling_ae) const {
  std::lock_guard lock(mutex_);
  if (known_callers_.find(calling_ae) != known_callers_.end()) return std::string(calling_ae);
  return std::string(kOtherCaller);
}

void GatewayMetrics::add_collectable(std::weak_ptr<prometheus::Collectable> collectable) {
  std::lock_guard lock(mutex_);
  collectables_.push_back(std::move(collectable));
}

std::string GatewayMetrics::render() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  std::vector<std::shared_ptr<prometheus::Collectable>> extra;
  {
    std::lock_guard lock(mutex_);
    for (const auto& weak : collectables_) {
      if (auto c = weak.lock()) extra.push_back(std::move(c));
    }
  }
  // Collected outside the lock: a collectable may read the registry or the listener.
  for (const auto& c : extra) {
    for (auto& family : c->Collect()) families.push_back(std::move(family));
  }
  std::sort(families.begin(), families.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  if (!node_.empty()) {
    for (auto& family : families) {
      for (auto& metric : family.metric) metric.label.push_back({"node", node_});
    }
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace gw::metrics
