#include "gateway.hpp"

#include <filesystem>

#include "signal_controller.hpp"
#include "state_lock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdlib>
#include <thread>

#include "gateway/config/config_loader.hpp"
#include "gateway/dicom/dicom_listener.hpp"
#include "gateway/dicom/study_file_reader.hpp"
#include "gateway/log/log.hpp"
#include "gateway/metrics/registry.hpp"
#include "gateway/registry/study_registry.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/storage/spool.hpp"
#include "gateway/viewer/https_viewer_client.hpp"
#include "config_reload.hpp"
#include "http/gateway_metrics.hpp"
#include "api_key_source.hpp"
#include "delivery/live_rules.hpp"
#include "wall_clock.hpp"
#include "http/metrics_server.hpp"
#include "http/readiness.hpp"
#include "delivery/registration_dispatcher.hpp"
#include "service_heartbeat.hpp"
#include "service_notifier.hpp"
#include "delivery/spool_janitor.hpp"
#include "delivery/spool_reconciler.hpp"
#include "viewer_settings.hpp"
#include "delivery/study_intake.hpp"

namespace gw::app {
namespace {

/// SIGHUP: re-read the file. A valid one replaces the rules and the reloadable settings
/// (log level, retry, alarm_after, shutdown_grace, the DICOM caller policy) and is returned; settings that need a
/// restart are reported and keep their running values. An invalid file changes nothing.
std::shared_ptr<const config::Config> reload(const std::string& config_path,
                                             const config::Config& started, LiveRules& rules,
                                             RegistrationDispatcher& dispatcher,
                                             viewer::ViewerClient& client, Readiness& readiness,
                                             dicom::DicomListener& listener) {
  config::LoadOptions options{dicom::is_known_keyword};
  const config::LoadResult loaded = config::load_config_file(config_path, options);
  if (!loaded.config) {
    for (const auto& d : loaded.diagnostics) {
      log::error("config_reload_rejected").kv("problem", to_string(d));
    }
    metrics::counter("dicom_gateway_config_reloads_total", {{"result", "rejected"}}).inc();
    return nullptr;
  }
  const config::Config& cfg = *loaded.config;
  rules.replace(cfg.rules);
  log::set_level(log::parse_level(cfg.logging.level).value_or(log::Level::info));
  dispatcher.set_retry({cfg.viewer_api.retry.initial, cfg.viewer_api.retry.max},
                       cfg.viewer_api.retry.probe_after_failures);
  readiness.set_alarm_after(cfg.alarm_after);
  listener.set_caller_policy(cfg.dicom.policy);  // allowed_callers, check_called_ae, echo
  // A rotated or replaced key is picked up here (the file, credential or variable is read
  // again); the sources themselves need a restart to change.
  try {
    if (const auto ec = client.set_api_key(load_api_key(started.viewer_api))) {
      log::error("api_key_not_reloaded").kv("reason", ec.message());
    } else {
      dispatcher.resume();
    }
  } catch (const std::exception& e) {
    log::error("api_key_not_reloaded").kv("reason", e.what());
  }
  for (const auto& change : restart_only_changes(started, cfg)) {
    log::warning("config_needs_restart")
        .kv("setting", change.key)
        .kv("running", change.running)
        .kv("in_file", change.in_file);
  }
  metrics::counter("dicom_gateway_config_reloads_total", {{"result", "applied"}}).inc();
  log::info("config_reloaded")
      .kv("rules", static_cast<std::uint64_t>(cfg.rules->size()))
      .kv("level", cfg.logging.level);
  return loaded.config;
}

/// The STATUS= line of `systemctl status`.
std::string service_status(registry::StudyRegistry& registry) {
  std::string text;
  for (const auto& [state, count] : registry.count_by_state()) {
    if (state != registry::StudyState::pending && state != registry::StudyState::in_flight &&
        state != registry::StudyState::failed) {
      continue;
    }
    text += std::string(text.empty() ? "" : " ") + std::string(to_string(state)) + "=" +
            std::to_string(count);
  }
  const std::string last_error = log::last_error_event();
  return text + " last_error=" + (last_error.empty() ? "none" : last_error);
}

DispatchSettings dispatch_settings(const config::Config& cfg) {
  DispatchSettings dispatch;
  dispatch.max_in_flight = cfg.viewer_api.max_in_flight;
  dispatch.retry.initial = cfg.viewer_api.retry.initial;
  dispatch.retry.max = cfg.viewer_api.retry.max;
  dispatch.give_up_after = cfg.viewer_api.retry.give_up_after;
  dispatch.probe_after_failures = cfg.viewer_api.retry.probe_after_failures;
  dispatch.auth_pause = cfg.viewer_api.auth_pause;
  return dispatch;
}

dicom::ListenerSettings listener_settings(const config::Config& cfg, const storage::Spool& spool) {
  dicom::ListenerSettings settings;
  settings.ae_title = cfg.dicom.ae_title;
  settings.bind_address = cfg.dicom.bind;
  settings.port = cfg.dicom.port;
  settings.max_associations = cfg.dicom.max_associations;
  settings.max_pdu = cfg.dicom.max_pdu;
  settings.acse_timeout = cfg.dicom.acse_timeout;
  settings.dimse_timeout = cfg.dicom.dimse_timeout;
  settings.idle_timeout = cfg.dicom.idle_timeout;
  settings.policy = cfg.dicom.policy;
  settings.incoming_dir = spool.incoming_dir();
  settings.presentation = cfg.dicom.presentation;
  settings.limits.max_nesting = cfg.dicom.limits.max_nesting;
  settings.limits.max_elements = cfg.dicom.limits.max_elements;
  settings.limits.max_dataset_bytes = cfg.dicom.limits.max_dataset_bytes;
  settings.limits.min_free_bytes = cfg.storage.min_free_bytes;
  if (cfg.dicom.tls.enabled) {
    const config::DicomTlsSettings& tls = cfg.dicom.tls;
    settings.tls = dicom::TlsListenerSettings{tls.port,        tls.certificate,
                                              tls.private_key, tls.ca_file,
                                              tls.require_client_certificate, tls.min_version};
  }
  return settings;
}

StudyIntake::Options intake_options(const config::Config& cfg) {
  StudyIntake::Options options;
  if (cfg.registration.trigger == "study_stable") options.stable_after = cfg.registration.stable_after;
  options.keep_duplicates = cfg.storage.on_duplicate == "keep";
  return options;
}

void reset_rule_hits(registry::StudyRegistry& registry, const config::Config& cfg) {
  std::vector<std::string> names;
  for (const auto& [name, hits] : cfg.rules->hit_counts()) names.push_back(name);
  registry.reset_rule_hits(names, now_ms());
}

void log_ready(const config::Config& cfg, const dicom::DicomListener& listener,
               const MetricsServer* metrics_server) {
  log::info("gateway_ready")
      .kv("port", static_cast<unsigned>(listener.port()))
      .kv("tls_port", static_cast<unsigned>(listener.tls_port()))
      .kv("ae_title", cfg.dicom.ae_title)
      .kv("viewer", cfg.viewer_api.base_url)
      .kv("database", cfg.state.database)
      .kv("spool", cfg.storage.spool_dir)
      .kv("metrics_port", static_cast<unsigned>(metrics_server ? metrics_server->port() : 0));
}

/// What the signal steps act on once the gateway runs. References only; lives in run_gateway().
struct Running {
  const std::string& config_path;
  const config::Config& started;
  LiveRules& rules;
  RegistrationDispatcher& dispatcher;
  viewer::ViewerClient& client;
  ServiceNotifier& notifier;
  Readiness& readiness;
  dicom::DicomListener& listener;
  MetricsServer* metrics_server;
  ServiceHeartbeat& heartbeat;
  std::shared_ptr<SpoolJanitor>& janitor;
  std::shared_ptr<const config::Config> current;  // the reloadable settings in force
};

/// Reload on SIGHUP, and the stop sequence, in order: stop accepting and let open
/// associations finish (each acknowledged instance is already committed), breaking them when
/// shutdown_grace ends; then stop starting registrations and cancel in-flight ones (they stay
/// in_flight in the registry and are looked up on the next start); then stop serving
/// metrics, and the loop ends.
SignalController::Steps running_steps(Running& r) {
  return {
      [&r] {
        r.notifier.reloading();
        if (auto loaded = reload(r.config_path, r.started, r.rules, r.dispatcher, r.client,
                                 r.readiness, r.listener)) {
          r.current = std::move(loaded);
        }
        r.notifier.ready();
        r.heartbeat.beat();
      },
      [&r](int signal) {
        log::info("gateway_stopping")
            .kv("signal", signal)
            .kv("open_associations", r.listener.open_associations())
            .kv("grace_ms", static_cast<std::int64_t>(r.current->shutdown_grace.count()));
        r.notifier.stopping();
        r.readiness.set_listening(false);
        return r.current->shutdown_grace;
      },
      [&r] {
        log::warning("shutdown_grace_expired").kv("open_associations", r.listener.open_associations());
        r.listener.abort_open();
      },
      [&r] { r.listener.stop(); },
      [&r] {
        r.dispatcher.stop();
        if (r.janitor) r.janitor->stop();
        r.client.shutdown();
        if (r.metrics_server) r.metrics_server->stop();
        r.heartbeat.stop();
      }};
}

}  // namespace

int run_gateway(const std::string& config_path, std::shared_ptr<const config::Config> config) {
  const auto& cfg = *config;
  // Before anything is touched: a second `run` against the same state stops here, naming
  // the pid of the one that runs.
  const StateLock state_lock({cfg.state.database, std::filesystem::path(cfg.storage.spool_dir) / ".gateway"});
  storage::Spool spool(cfg.storage.spool_dir);
  spool.prepare();
  auto registry = registry::StudyRegistry::open(cfg.state.database);
  LiveRules rules(cfg.rules);
  reset_rule_hits(*registry, cfg);

  boost::asio::io_context io(1);
  auto client = viewer::HttpsViewerClient::create(io.get_executor(), viewer_client_settings(cfg.viewer_api));
  if (!client) throw std::runtime_error("viewer_api: " + client.error().message());
  DispatchSettings dispatch = dispatch_settings(cfg);
  // Declared before the intake, which wakes it; made after, since it routes stable studies
  // through the intake.
  std::shared_ptr<RegistrationDispatcher> dispatcher;
  StudyIntake intake(spool, *registry, [&rules] { return rules.get(); },
                     [&dispatcher] { dispatcher->wake(); }, intake_options(cfg));
  if (cfg.registration.trigger == "study_stable") {
    dispatch.route_stable = [&intake](const registry::StudyRecord& study) {
      return intake.route_stable(study);
    };
  }
  dispatcher = std::make_shared<RegistrationDispatcher>(io, *registry, **client, dispatch);
  // Before the port opens: what a crash left in the spool is cleaned up or adopted.
  reconcile_spool(spool, *registry, intake);
  dicom::DicomListener listener(listener_settings(cfg, spool), intake);

  ServiceNotifier notifier;
  describe_gateway_metrics();
  Readiness readiness(*registry, cfg.state.database, cfg.storage.spool_dir, cfg.alarm_after);
  collect_at_scrape({registry.get(), cfg.storage.spool_dir,
                     [&listener] { return listener.open_associations(); }});
  std::shared_ptr<MetricsServer> metrics_server;
  if (!cfg.metrics.listen.empty()) {
    metrics_server = std::make_shared<MetricsServer>(
        io, cfg.metrics.listen,
        HttpProbes{[] { return metrics::registry().render(); },
                   [&readiness] { return readiness.not_ready_reason(); }});
  }
  ServiceHeartbeat heartbeat(io, notifier, [&registry] { return service_status(*registry); });
  std::shared_ptr<SpoolJanitor> janitor;

  Running running{config_path, cfg, rules, *dispatcher, **client, notifier, readiness,
                  listener, metrics_server.get(), heartbeat, janitor, config};
  SignalController signals(io, running_steps(running));

  dispatcher->start();
  if (cfg.storage.retention) {
    janitor = std::make_shared<SpoolJanitor>(io, spool, *registry, *cfg.storage.retention);
    janitor->start();
  }
  listener.start();
  readiness.set_listening(true);
  if (metrics_server) metrics_server->start();
  log_ready(cfg, listener, metrics_server.get());
  // The port listens and the database is open: only now may systemd start dependents.
  notifier.ready();
  heartbeat.start();
  signals.start();
  io.run();
  log::info("gateway_stopped");
  return 0;
}

}  // namespace gw::app
