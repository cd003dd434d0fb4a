#include "gateway_metrics.hpp"

#include <sys/statvfs.h>

#include <chrono>

#include "gateway/metrics/registry.hpp"
#include "gateway/registry/study_registry.hpp"

namespace gw::app {
namespace {

using metrics::Type;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void describe_gateway_metrics() {
  auto& r = metrics::registry();
  r.describe("dicom_gateway_associations_open", Type::gauge, "DICOM associations being served now.");
  r.describe("dicom_gateway_rule_studies", Type::gauge,
             "Studies routed by each rule since the gateway started (dead rules stay at 0).");
  r.describe("dicom_gateway_associations_total", Type::counter,
             "DICOM associations accepted for service since start.");
  r.describe("dicom_gateway_associations_rejected_total", Type::counter,
             "DICOM associations refused or aborted by the gateway, by reason.");
  r.describe("dicom_gateway_instances_received_total", Type::counter,
             "Instances stored durably and acknowledged with Success.");
  r.describe("dicom_gateway_received_bytes_total", Type::counter,
             "Bytes of acknowledged instances (as written to the spool).");
  r.describe("dicom_gateway_store_failures_total", Type::counter,
             "C-STORE requests answered with a failure, by DIMSE status (hex).");
  r.describe("dicom_gateway_studies_routed_total", Type::counter,
             "New studies routed since start, by action (register or ignore).");
  r.describe("dicom_gateway_studies", Type::gauge, "Studies in the state database, by state.");
  r.describe("dicom_gateway_registration_attempts_total", Type::counter,
             "Registration requests to the Viewer API, by outcome.");
  r.describe("dicom_gateway_registration_duration_seconds", Type::histogram,
             "Time from sending a registration request to its outcome.");
  r.describe("dicom_gateway_last_registration_timestamp_seconds", Type::gauge,
             "Unix time of the last successful registration (0: none since start).");
  r.describe("dicom_gateway_oldest_pending_age_seconds", Type::gauge,
             "Age of the oldest study waiting to be registered (0: none waits).");
  r.describe("dicom_gateway_spool_free_bytes", Type::gauge,
             "Bytes available on the spool's file system.");
  r.describe("dicom_gateway_config_reloads_total", Type::counter,
             "SIGHUP configuration reloads, by result (applied or rejected).");

  for (const char* reason :
       {"local_limit", "receive_failed", "called_ae_not_recognized", "calling_ae_not_recognized",
        "calling_host_not_allowed", "caller_limit", "acse_timeout", "pending_limit",
        "idle_timeout"}) {
    metrics::counter("dicom_gateway_associations_rejected_total", {{"reason", reason}});
  }
  metrics::counter("dicom_gateway_associations_total");
  metrics::counter("dicom_gateway_instances_received_total");
  metrics::counter("dicom_gateway_received_bytes_total");
  for (const char* action : {"register", "ignore"}) {
    metrics::counter("dicom_gateway_studies_routed_total", {{"action", action}});
  }
  for (const char* outcome :
       {"created", "already_registered", "transient", "unauthorized", "permanent", "adopted",
        "lookup_transient", "lookup_unauthorized", "lookup_permanent"}) {
    metrics::counter("dicom_gateway_registration_attempts_total", {{"outcome", outcome}});
  }
  metrics::histogram("dicom_gateway_registration_duration_seconds");
  metrics::gauge("dicom_gateway_last_registration_timestamp_seconds");
  for (const char* result : {"applied", "rejected"}) {
    metrics::counter("dicom_gateway_config_reloads_total", {{"result", result}});
  }
}

double oldest_pending_age_seconds(registry::StudyRegistry& registry) {
  const std::optional<registry::TimestampMs> oldest = registry.oldest_waiting();
  if (!oldest) return 0;
  return std::max(0.0, now_seconds() - static_cast<double>(*oldest) / 1000.0);
}

SpoolSpace spool_space(const std::filesystem::path& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return {};
  const auto block = static_cast<double>(fs.f_frsize);
  return {true, static_cast<double>(fs.f_bavail) * block, static_cast<double>(fs.f_blocks) * block};
}

void collect_at_scrape(ScrapeSources sources) {
  metrics::registry().on_collect([sources = std::move(sources)] {
    for (const auto& [state, count] : sources.registry->count_by_state()) {
      metrics::gauge("dicom_gateway_studies", {{"state", std::string(to_string(state))}})
          .set(static_cast<double>(count));
    }
    for (const auto& [rule, hits] : sources.registry->rule_hits()) {
      metrics::gauge("dicom_gateway_rule_studies", {{"rule", rule}}).set(static_cast<double>(hits));
    }
    metrics::gauge("dicom_gateway_oldest_pending_age_seconds")
        .set(oldest_pending_age_seconds(*sources.registry));
    const SpoolSpace space = spool_space(sources.spool_dir);
    metrics::gauge("dicom_gateway_spool_free_bytes").set(space.known ? space.free : -1);
    if (sources.open_associations) {
      metrics::gauge("dicom_gateway_associations_open").set(sources.open_associations());
    }
  });
}

}  // namespace gw::app
