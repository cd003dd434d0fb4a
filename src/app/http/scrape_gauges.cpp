#include "scrape_gauges.hpp"

#include "gateway/registry/study_registry.hpp"
#include "waiting_state.hpp"

namespace gw::app {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

ClientMetric gauge(double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  return m;
}

MetricFamily single(std::string name, std::string help, double value) {
  return {std::move(name), std::move(help), MetricType::Gauge, {gauge(value)}};
}

}  // namespace

std::vector<MetricFamily> ScrapeGauges::Collect() const {
  std::vector<MetricFamily> out;
  // A state database that does not answer (PostgreSQL restarting) leaves its series out for
  // this scrape, as an unreadable spool does; dicom_gateway_ready says why it matters.
  try {
    out = state_series(*sources_.registry);
  } catch (const std::exception&) {
    out.clear();
  }

  append_local_series(out);
  return out;
}

std::vector<MetricFamily> ScrapeGauges::state_series(registry::StudyRegistry& registry) const {
  std::vector<MetricFamily> out;
  MetricFamily studies{"dicom_gateway_studies", "Studies in the state database, by state.",
                       MetricType::Gauge, {}};
  for (const auto& [state, count] : registry.count_by_state()) {
    studies.metric.push_back(gauge(static_cast<double>(count), {{"state", std::string(to_string(state))}}));
  }
  out.push_back(std::move(studies));

  // Reset at start for the rules then configured (a dead rule shows 0); only grows while the
  // process runs, hence a counter even though it is read from the registry.
  MetricFamily rules{"dicom_gateway_rule_studies_routed_total",
                     "New studies routed by each rule since the gateway started.",
                     MetricType::Counter, {}};
  for (const auto& [rule, hits] : registry.rule_hits()) {
    ClientMetric m;
    m.label = {{"rule", rule}};
    m.counter.value = static_cast<double>(hits);
    rules.metric.push_back(std::move(m));
  }
  out.push_back(std::move(rules));

  out.push_back(single("dicom_gateway_oldest_pending_age_seconds",
                       "Age of the oldest study waiting to be registered (0: none waits).",
                       oldest_pending_age_seconds(registry)));
  out.push_back(single("dicom_gateway_commitment_reports_pending",
                       "Storage Commitment requests whose report is not yet delivered.",
                       static_cast<double>(registry.commitments_waiting())));
  return out;
}

void ScrapeGauges::append_local_series(std::vector<MetricFamily>& out) const {
  // An unreadable spool leaves both series out (no -1): /readyz and the not-ready alert say so.
  const SpoolSpace space = spool_space(sources_.spool_dir);
  if (space.known) {
    out.push_back(single("dicom_gateway_spool_free_bytes",
                         "Bytes available to the gateway on the spool's file system.", space.free));
    out.push_back(single("dicom_gateway_spool_size_bytes", "Size of the spool's file system in bytes.",
                         space.total));
  }
  if (sources_.spool_flushes) {
    // Kept by the spool: divided by the instances stored, the disk flushes each one cost.
    MetricFamily flushes{"dicom_gateway_spool_flushes_total",
                         "Flushes of the spool's file system that made received instances "
                         "durable (associations waiting at once share one).",
                         MetricType::Counter, {}};
    ClientMetric m;
    m.counter.value = static_cast<double>(sources_.spool_flushes());
    flushes.metric.push_back(std::move(m));
    out.push_back(std::move(flushes));
  }
  if (sources_.open_associations) {
    out.push_back(single("dicom_gateway_associations_open", "DICOM associations being served now.",
                         sources_.open_associations()));
  }
  if (sources_.ready) {
    out.push_back(single("dicom_gateway_ready", "1 when /readyz answers 200, else 0.",
                         sources_.ready() ? 1 : 0));
  }
  if (sources_.breaker_open) {
    out.push_back(single("dicom_gateway_viewer_breaker_open",
                         "1 while the viewer API is presumed down (one request at a time).",
                         sources_.breaker_open() ? 1 : 0));
  }
  if (sources_.auth_paused) {
    out.push_back(single("dicom_gateway_viewer_auth_paused",
                         "1 while sending is paused because the viewer API refused the key (401/403).",
                         sources_.auth_paused() ? 1 : 0));
  }
}

}  // namespace gw::app
