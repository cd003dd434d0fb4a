#include "gateway.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <thread>

#include "gateway/config/config_loader.hpp"
#include "gateway/dicom/dicom_listener.hpp"
#include "gateway/dicom/study_file_reader.hpp"
#include "gateway/log/log.hpp"
#include "gateway/registry/study_registry.hpp"
#include "gateway/routing/rule_set.hpp"
#include "gateway/storage/spool.hpp"
#include "gateway/viewer/https_viewer_client.hpp"
#include "live_rules.hpp"
#include "registration_dispatcher.hpp"
#include "study_intake.hpp"

namespace gw::app {
namespace {

std::string api_key_from_environment(const config::ViewerApiSettings& settings) {
  const char* value = std::getenv(settings.api_key_env.c_str());
  if (!value || !*value) {
    throw std::runtime_error("the API key environment variable " + settings.api_key_env +
                             " is not set (viewer_api.api_key_env)");
  }
  return value;
}

/// SIGHUP: re-read the file; a valid one replaces the rules, an invalid one is logged and
/// the running rules stay.
void reload_rules(const std::string& config_path, LiveRules& rules) {
  config::LoadOptions options{dicom::is_known_keyword};
  const config::LoadResult loaded = config::load_config_file(config_path, options);
  if (!loaded.config) {
    for (const auto& d : loaded.diagnostics) {
      log::error("config_reload_rejected").kv("problem", to_string(d));
    }
    return;
  }
  rules.replace(loaded.config->rules);
  log::info("config_reloaded").kv("rules", static_cast<std::uint64_t>(loaded.config->rules->size()));
}

}  // namespace

int run_gateway(const std::string& config_path, std::shared_ptr<const config::Config> config) {
  const auto& cfg = *config;
  storage::Spool spool(cfg.storage.spool_dir);
  spool.prepare();
  auto registry = registry::StudyRegistry::open(cfg.state.database);
  LiveRules rules(cfg.rules);
  {
    std::vector<std::string> names;
    for (const auto& [name, hits] : cfg.rules->hit_counts()) names.push_back(name);
    registry->reset_rule_hits(names, std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
  }

  boost::asio::io_context io(1);
  viewer::ViewerClientSettings client_settings;
  client_settings.base_url = cfg.viewer_api.base_url;
  client_settings.api_key = api_key_from_environment(cfg.viewer_api);
  client_settings.ca_file = cfg.viewer_api.ca_file;
  client_settings.timeout = cfg.viewer_api.timeout;
  client_settings.max_connections = cfg.viewer_api.max_in_flight;
  auto client = viewer::HttpsViewerClient::create(io.get_executor(), client_settings);
  if (!client) {
    throw std::runtime_error("viewer_api: " + client.error().message());
  }

  DispatchSettings dispatch;
  dispatch.max_in_flight = cfg.viewer_api.max_in_flight;
  dispatch.retry.initial = cfg.viewer_api.retry.initial;
  dispatch.retry.max = cfg.viewer_api.retry.max;
  auto dispatcher =
      std::make_shared<RegistrationDispatcher>(io, *registry, **client, dispatch);

  StudyIntake intake(spool, *registry, [&rules] { return rules.get(); },
                     [&dispatcher] { dispatcher->wake(); });

  dicom::ListenerSettings listener_settings;
  listener_settings.ae_title = cfg.dicom.ae_title;
  listener_settings.bind_address = cfg.dicom.bind;
  listener_settings.port = cfg.dicom.port;
  listener_settings.max_associations = cfg.dicom.max_associations;
  listener_settings.max_pdu = cfg.dicom.max_pdu;
  listener_settings.acse_timeout = cfg.dicom.acse_timeout;
  listener_settings.dimse_timeout = cfg.dicom.dimse_timeout;
  listener_settings.incoming_dir = spool.incoming_dir();
  dicom::DicomListener listener(listener_settings, intake);

  dispatcher->start();
  listener.start();
  log::info("gateway_ready")
      .kv("port", static_cast<unsigned>(listener.port()))
      .kv("ae_title", cfg.dicom.ae_title)
      .kv("viewer", cfg.viewer_api.base_url)
      .kv("database", cfg.state.database)
      .kv("spool", cfg.storage.spool_dir);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (signal == SIGHUP) {
          reload_rules(config_path, rules);
          signals.async_wait(on_signal);
          return;
        }
        // The shutdown order: stop accepting and finish open associations (every
        // acknowledged instance is already committed), stop starting registrations, then
        // cancel in-flight requests: they go back to pending and resume on the next start.
        log::info("gateway_stopping").kv("signal", signal);
        listener.stop();
        dispatcher->stop();
        (*client)->shutdown();
        signals.cancel();
      };
  signals.async_wait(on_signal);
  io.run();
  log::info("gateway_stopped");
  return 0;
}

}  // namespace gw::app
