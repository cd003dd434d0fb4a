#include "gateway.hpp"

#include <filesystem>

#include "signal_controller.hpp"
#include "state_lock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdlib>
#include <unistd.h>
#include <thread>

#include "gateway/alerts/webhook_notifier.hpp"
#include "gateway/build_info.hpp"
#include "gateway/config/config_loader.hpp"
#include "gateway/console/console_server.hpp"
#include "gateway/events/event_bus.hpp"
#include "gateway/operations/study_desk.hpp"
#include "gateway/dicom/dicom_listener.hpp"
#include "gateway/dicom/study_file_reader.hpp"
#include "gateway/log/log.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/registry/study_registry.hpp"
#include "state_database.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/storage/spool.hpp"
#include "gateway/viewer/https_viewer_client.hpp"
#include "alarm_board.hpp"
#include "config_reload.hpp"
#include "http/scrape_gauges.hpp"
#include "http/waiting_state.hpp"
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
#include "delivery/commitment_reporter.hpp"
#include "gateway/dicom/commitment_report_sender.hpp"

namespace gw::app {
namespace {

/// The AE titles of dicom.allowed_callers: the `calling_ae` label's values besides `other`.
std::vector<std::string> caller_titles(const CallerPolicy& policy) {
  std::vector<std::string> titles;
  for (const auto& caller : policy.allowed_callers) titles.push_back(caller.ae_title);
  return titles;
}

/// SIGHUP: re-read the file. A valid one replaces the rules and the reloadable settings
/// (log level, retry, alarm_after, shutdown_grace, the DICOM caller policy) and is returned; settings that need a
/// restart are reported and keep their running values. An invalid file changes nothing.
std::shared_ptr<const config::Config> reload(const std::string& config_path,
                                             const config::Config& started, LiveRules& rules,
                                             RegistrationDispatcher& dispatcher,
                                             viewer::ViewerClient& client, Readiness& readiness,
                                             dicom::DicomListener& listener,
                                             metrics::GatewayMetrics& metrics) {
  config::LoadOptions options{dicom::is_known_keyword};
  const config::LoadResult loaded = config::load_config_file(config_path, options);
  if (!loaded.config) {
    for (const auto& d : loaded.diagnostics) {
      log::error("config_reload_rejected").kv("problem", to_string(d));
    }
    metrics.config_reload(false);
    return nullptr;
  }
  const config::Config& cfg = *loaded.config;
  rules.replace(cfg.rules);
  log::set_level(cfg.logging.level);
  dispatcher.set_retry(cfg.viewer_api.retry, cfg.viewer_api.retry.probe_after_failures);
  readiness.set_alarm_after(cfg.alarm_after);
  listener.set_caller_policy(cfg.dicom.policy);  // allowed_callers, check_called_ae, echo
  metrics.set_known_callers(caller_titles(*cfg.dicom.policy));
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
  metrics.config_reload(true);
  log::info("config_reloaded")
      .kv("rules", static_cast<std::uint64_t>(cfg.rules->size()))
      .kv("log_level", log::to_string(cfg.logging.level));
  return loaded.config;
}

/// The machine's name: which gateway a console or an alert speaks for.
std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
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

// The translations below are wiring only: the configured values are the adapters' own
// structs (config::Config holds them), so each is copied whole, never field by field.

DispatchSettings dispatch_settings(const config::Config& cfg) {
  DispatchSettings dispatch;
  static_cast<DispatchOptions&>(dispatch) = cfg.viewer_api;
  dispatch.claim_lease = cfg.state.claim_lease;
  return dispatch;
}

dicom::ListenerSettings listener_settings(const config::Config& cfg, const storage::Spool& spool) {
  dicom::ListenerSettings settings;
  static_cast<dicom::ListenerOptions&>(settings) = cfg.dicom;
  settings.policy = cfg.dicom.policy;
  settings.incoming_dir = spool.incoming_dir();
  settings.presentation = cfg.dicom.presentation;
  static_cast<dicom::DatasetLimits&>(settings.limits) = cfg.dicom.limits;
  settings.limits.min_free_bytes = cfg.storage.min_free_bytes;
  if (cfg.dicom.tls.enabled) settings.tls = static_cast<const dicom::TlsListenerSettings&>(cfg.dicom.tls);
  return settings;
}

/// Storage Commitment reports on new associations: our AE title, the DICOM timeouts, and
/// dicom.tls's certificate for peers with tls: true.
dicom::ReportSenderSettings report_sender_settings(const config::Config& cfg) {
  dicom::ReportSenderSettings settings(cfg.dicom);
  if (cfg.dicom.tls.enabled) {
    settings.tls = dicom::ReportTlsSettings{cfg.dicom.tls.certificate, cfg.dicom.tls.private_key,
                                            cfg.dicom.tls.ca_file};
  }
  return settings;
}

StudyIntake::Options intake_options(const config::Config& cfg) {
  StudyIntake::Options options;
  if (cfg.registration.trigger == config::RegistrationTrigger::study_stable) {
    options.stable_after = cfg.registration.stable_after;
  }
  options.keep_duplicates = cfg.storage.on_duplicate == config::DuplicatePolicy::keep;
  return options;
}

void reset_rule_hits(registry::StudyRegistry& registry, const config::Config& cfg) {
  std::vector<std::string> names;
  for (const auto& [name, hits] : cfg.rules->hit_counts()) names.push_back(name);
  registry.reset_rule_hits(names, now_ms());
}

void log_ready(const config::Config& cfg, const dicom::DicomListener& listener,
               const MetricsServer* metrics_server, const console::ConsoleServer* console) {
  log::info("gateway_ready")
      .kv("version", build_info::version())
      .kv("commit", build_info::commit())
      .kv("port", static_cast<unsigned>(listener.port()))
      .kv("tls_port", static_cast<unsigned>(listener.tls_port()))
      .kv("ae_title", cfg.dicom.ae_title)
      .kv("viewer", cfg.viewer_api.base_url)
      .kv("database", printable_location(cfg.state.database))
      .kv("node", cfg.node.name)
      .kv("spool", cfg.storage.spool_dir)
      .kv("metrics_port", static_cast<unsigned>(metrics_server ? metrics_server->port() : 0))
      .kv("console_port", static_cast<unsigned>(console ? console->port() : 0));
}

/// Signals and alarms apart, the whole daemon: start() brings the parts up in order, reload()
/// is SIGHUP, and the stop steps are below in the order they run (Kea's d_controller shape).
class GatewayController {
 public:
  GatewayController(const std::string& config_path, std::shared_ptr<const config::Config> config);
  int run();

 private:
  void start();
  void reload();
  // The stop sequence, in order: stop accepting and let open associations finish (each
  // acknowledged instance is already committed), breaking them when shutdown_grace ends;
  // then stop starting registrations and cancel in-flight ones (they stay in_flight in the
  // registry and are looked up on the next start); then stop serving HTTP, and the loop ends.
  std::chrono::milliseconds begin_stop(int signal);
  void abort_open_associations();
  void stop_listener();
  void finish_stop();
  /// Every 2 s: the breaker, the key pause and the spool's free space as alarms.
  void watch_alarms();
  void publish_transitions();
  console::GatewayStatus console_status();

  const std::string config_path_;
  const std::shared_ptr<const config::Config> started_;
  std::shared_ptr<const config::Config> current_;  // the reloadable settings in force
  const config::Config& cfg_;
  const StateLock state_lock_;
  // Before io_: webhook senders may count until the io_context is destroyed.
  metrics::GatewayMetrics metrics_;
  std::shared_ptr<ScrapeGauges> scrape_gauges_;
  storage::Spool spool_;
  std::unique_ptr<registry::StudyRegistry> registry_;
  LiveRules rules_;
  boost::asio::io_context io_{1};
  events::EventBus events_;
  AlarmBoard alarms_{events_, now_ms};
  std::shared_ptr<viewer::HttpsViewerClient> client_;
  std::shared_ptr<RegistrationDispatcher> dispatcher_;
  std::unique_ptr<StudyIntake> intake_;
  std::unique_ptr<dicom::DcmtkReportSender> report_sender_;
  std::unique_ptr<CommitmentReporter> commitments_;  // borrowed by the listener's workers
  std::unique_ptr<dicom::DicomListener> listener_;
  ServiceNotifier notifier_;
  std::unique_ptr<Readiness> readiness_;
  std::shared_ptr<MetricsServer> metrics_server_;
  std::unique_ptr<operations::StudyDesk> desk_;
  std::shared_ptr<console::ConsoleServer> console_;
  std::unique_ptr<alerts::WebhookNotifier> webhooks_;
  std::unique_ptr<ServiceHeartbeat> heartbeat_;
  std::shared_ptr<SpoolJanitor> janitor_;
  boost::asio::steady_timer alarm_timer_{io_};
  std::unique_ptr<SignalController> signals_;
};

GatewayController::GatewayController(const std::string& config_path,
                                     std::shared_ptr<const config::Config> config)
    : config_path_(config_path),
      started_(config),
      current_(config),
      cfg_(*config),
      // Before anything is touched: a second `run` against the same state stops here, naming
      // the pid of the one that runs.
      state_lock_(state_lock_paths(cfg_)),
      metrics_(caller_titles(*cfg_.dicom.policy)),
      spool_(cfg_.storage.spool_dir),
      rules_(cfg_.rules) {}

void GatewayController::start() {
  spool_.prepare();
  std::error_code ec;
  const bool database_existed = !registry::StudyRegistry::is_postgresql(cfg_.state.database) &&
                                std::filesystem::exists(cfg_.state.database, ec);
  try {
    registry_ = open_state(cfg_, true);
  } catch (const registry::StoreUnavailable& e) {
    throw StateUnavailable(e.what());  // PostgreSQL unreachable: as busy as a locked file
  } catch (const std::exception& e) {
    // A missing database the gateway cannot create is a problem to fix (a path, a
    // permission); an existing one it cannot open may only be busy.
    if (database_existed) throw StateUnavailable(e.what());
    throw;
  }
  reset_rule_hits(*registry_, cfg_);
  if (registry::StudyRegistry::is_postgresql(cfg_.state.database)) metrics_.set_node_label(cfg_.node.name);
  publish_transitions();

  auto client = viewer::HttpsViewerClient::create(io_.get_executor(), viewer_client_settings(cfg_.viewer_api));
  if (!client) throw std::runtime_error("viewer_api: " + client.error().message());
  client_ = *client;
  DispatchSettings dispatch = dispatch_settings(cfg_);
  StudyIntake::Options options = intake_options(cfg_);
  options.metrics = &metrics_;
  dispatch.metrics = &metrics_;
  options.on_recorded = [this](const std::string& uid, bool created, registry::TimestampMs at) {
    events::GatewayEvent event;
    event.kind = events::EventKind::study_arrived;
    event.at_ms = at;
    event.study_instance_uid = uid;
    event.to_state = created ? "new" : "known";
    events_.publish(event);
  };
  // The intake wakes the dispatcher, which is made after it, since it routes stable studies
  // through the intake.
  intake_ = std::make_unique<StudyIntake>(
      spool_, *registry_, [this] { return rules_.get(); }, [this] { dispatcher_->wake(); }, options);
  if (cfg_.registration.trigger == config::RegistrationTrigger::study_stable) {
    dispatch.route_stable = [this](const registry::StudyRecord& study) { return intake_->route_stable(study); };
  }
  dispatcher_ = std::make_shared<RegistrationDispatcher>(io_, *registry_, *client_, dispatch);
  // Before the port opens: what a crash left in the spool is cleaned up or adopted.
  reconcile_spool(spool_, *registry_, *intake_);
  report_sender_ = std::make_unique<dicom::DcmtkReportSender>(report_sender_settings(cfg_));
  CommitmentReporter::Options commitment_options;
  commitment_options.metrics = &metrics_;
  commitments_ = std::make_unique<CommitmentReporter>(*registry_, cfg_.dicom.peers, *report_sender_,
                                                      commitment_options);
  dicom::ListenerSettings listener = listener_settings(cfg_, spool_);
  listener.commitments = commitments_.get();
  listener.metrics = &metrics_;
  listener_ = std::make_unique<dicom::DicomListener>(std::move(listener), *intake_);

  readiness_ = std::make_unique<Readiness>(*registry_, metrics_,
                                           cfg_.storage.spool_dir, cfg_.alarm_after);
  // Read on the io thread, where the scrape runs: the dispatcher's state needs no lock.
  scrape_gauges_ = std::make_shared<ScrapeGauges>(ScrapeSources{
      registry_.get(), cfg_.storage.spool_dir, [this] { return listener_->open_associations(); },
      [this] { return readiness_->not_ready_reason().empty(); },
      [this] { return dispatcher_->breaker_open(); },
      [this] { return dispatcher_->auth_paused_until() > now_ms(); },
      [this] { return spool_.flushes(); }});
  metrics_.add_collectable(scrape_gauges_);
  if (!cfg_.metrics.listen.empty()) {
    metrics_server_ = std::make_shared<MetricsServer>(
        io_, cfg_.metrics.listen,
        HttpProbes{[this] { return metrics_.render(); },
                   [this] { return readiness_->not_ready_reason(); }});
  }
  desk_ = std::make_unique<operations::StudyDesk>(*registry_, spool_, now_ms);
  if (cfg_.console) {
    console::ConsoleServices services;
    services.desk = desk_.get();
    services.rules = [this] { return rules_.get(); };
    services.status = [this] { return console_status(); };
    services.read_file_facts = [](const std::filesystem::path& file, const AssociationInfo& association,
                                  std::string& error) { return dicom::read_study_facts(file, association, error); };
    services.events = &events_;
    services.version = std::string(build_info::description());
    services.scratch_dir = spool_.incoming_dir();
    services.clock = now_ms;
    console_ = std::make_shared<console::ConsoleServer>(io_, *cfg_.console, std::move(services));
  }
  if (!cfg_.alerts.webhooks.empty()) {
    webhooks_ = std::make_unique<alerts::WebhookNotifier>(io_.get_executor(), cfg_.alerts, host_name(),
                                                          &metrics_);
    webhooks_->attach(events_);
  }
  heartbeat_ = std::make_unique<ServiceHeartbeat>(io_, notifier_, [this] { return service_status(*registry_); });
  signals_ = std::make_unique<SignalController>(
      io_, SignalController::Steps{[this] { reload(); },
                                   [this](int signal) { return begin_stop(signal); },
                                   [this] { abort_open_associations(); },
                                   [this] { stop_listener(); },
                                   [this] { finish_stop(); }});

  dispatcher_->start();
  if (cfg_.storage.retention) {
    janitor_ = std::make_shared<SpoolJanitor>(io_, spool_, *registry_, *cfg_.storage.retention);
    janitor_->start();
  }
  commitments_->start();  // what a stopped run left to report goes out now
  listener_->start();
  readiness_->set_listening(true);
  if (metrics_server_) metrics_server_->start();
  if (console_) console_->start();
  watch_alarms();
  log_ready(cfg_, *listener_, metrics_server_.get(), console_.get());
  // The port listens and the database is open: only now may systemd start dependents.
  notifier_.ready();
  heartbeat_->start();
  signals_->start();
}

void GatewayController::reload() {
  notifier_.reloading();
  if (auto loaded = gw::app::reload(config_path_, *started_, rules_, *dispatcher_, *client_,
                                    *readiness_, *listener_, metrics_)) {
    current_ = std::move(loaded);
    if (console_ && current_->console) {
      if (const std::string problem = console_->reload(*current_->console); !problem.empty()) {
        log::error("console_users_not_reloaded").kv("reason", problem);
      }
    }
    if (webhooks_) {
      if (const auto ec = webhooks_->replace_settings(current_->alerts)) {
        log::error("alerts_not_reloaded").kv("reason", ec.message());
      }
    }
  }
  notifier_.ready();
  heartbeat_->beat();
}

std::chrono::milliseconds GatewayController::begin_stop(int signal) {
  log::info("gateway_stopping")
      .kv("signal", signal)
      .kv("open_associations", listener_->open_associations())
      .kv("grace_ms", static_cast<std::int64_t>(current_->shutdown_grace.count()));
  notifier_.stopping();
  readiness_->set_listening(false);
  return current_->shutdown_grace;
}

void GatewayController::abort_open_associations() {
  log::warning("shutdown_grace_expired").kv("open_associations", listener_->open_associations());
  listener_->abort_open();
}

void GatewayController::stop_listener() { listener_->stop(); }

void GatewayController::finish_stop() {
  // No worker reports any more: a report being delivered ends (within its timeouts), the
  // others stay rows for the next start.
  commitments_->stop();
  dispatcher_->stop();
  if (janitor_) janitor_->stop();
  client_->shutdown();
  alarm_timer_.cancel();
  if (webhooks_) webhooks_->stop();
  if (console_) console_->stop();
  if (metrics_server_) metrics_server_->stop();
  heartbeat_->stop();
}

void GatewayController::watch_alarms() {
  const registry::TimestampMs now = now_ms();
  const registry::TimestampMs paused_until = dispatcher_->auth_paused_until();
  alarms_.set("auth_paused", paused_until > now,
              "the viewer API refused the API key; sending is paused (SIGHUP after replacing the key)");
  alarms_.set("breaker_open", dispatcher_->breaker_open(),
              "the viewer API is presumed down; one request at a time until one succeeds");
  alarms_.set("spool_nearly_full", spool_space(cfg_.storage.spool_dir).nearly_full(),
              "under 5% of the spool's file system is free");
  alarm_timer_.expires_after(std::chrono::seconds(2));
  alarm_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) watch_alarms();
  });
}

void GatewayController::publish_transitions() {
  // Every written transition, for the console and the webhooks (study_failed). Called under
  // the registry's lock: the bus only copies and posts.
  registry_->observe_transitions([this](const std::string& uid, registry::StudyState from,
                                        domain::EventKind event, registry::StudyState to) {
    events::GatewayEvent e;
    e.kind = events::EventKind::study_changed;
    e.at_ms = now_ms();
    e.study_instance_uid = uid;
    e.from_state = std::string(to_string(from));
    e.to_state = std::string(to_string(to));
    e.event = std::string(to_string(event));
    events_.publish(e);
    if (to == registry::StudyState::failed && from != to) {
      e.kind = events::EventKind::alarm_raised;
      e.alarm = "study_failed";
      e.detail = "registration failed for good; `studies retry` or the console's Retry sends it again";
      events_.publish(e);
    }
  });
}

console::GatewayStatus GatewayController::console_status() {
  console::GatewayStatus status;
  status.node = host_name();
  status.states = registry_->count_by_state();
  status.not_ready = readiness_->not_ready_reason();
  status.alarms = alarms_.active();
  status.breaker_open = dispatcher_->breaker_open();
  status.auth_paused_until = dispatcher_->auth_paused_until();
  const SpoolSpace space = spool_space(cfg_.storage.spool_dir);
  status.spool_free_bytes = static_cast<std::uint64_t>(space.free);
  status.spool_total_bytes = static_cast<std::uint64_t>(space.total);
  return status;
}

int GatewayController::run() {
  start();
  io_.run();
  log::info("gateway_stopped");
  return 0;
}

}  // namespace

int run_gateway(const std::string& config_path, std::shared_ptr<const config::Config> config) {
  GatewayController controller(config_path, std::move(config));
  return controller.run();
}

}  // namespace gw::app
