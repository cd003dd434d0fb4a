#pragma once
// The gateway's configuration as plain values (the YAML contract of docs/operations.md). Each
// adapter's configurable values, and their defaults, are the adapter's own plain-value struct
// (dicom::ListenerOptions, app::DispatchOptions, viewer::ConnectionOptions, ...), held here by
// inheritance so that the structs stay as flat as the YAML sections they mirror.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/app/dispatch_options.hpp"
#include "gateway/dicom/listener_options.hpp"
#include "gateway/dicom/receive_limits.hpp"
#include "gateway/domain/caller_policy.hpp"
#include "gateway/domain/presentation_policy.hpp"
#include "gateway/domain/storage_commitment.hpp"
#include "gateway/log/log.hpp"
#include "gateway/viewer/viewer_client_settings.hpp"

namespace gw::routing {
class RuleSet;
}

namespace gw::config {

using Duration = std::chrono::milliseconds;

/// dicom.limits: hostile-input bounds on one received dataset, checked before it is parsed.
using DicomLimits = dicom::DatasetLimits;

/// dicom.tls: a second port for DICOM over TLS (BCP 195 profile, TLS 1.2 minimum). Needs a
/// restart to change. The values and their defaults are the listener's.
struct DicomTlsSettings : dicom::TlsListenerSettings {
  bool enabled = false;
};

/// dicom.*: the listener's values (ae_title, bind, port, max_associations, max_pdu, timeouts)
/// and what the daemon wires around them.
struct DicomSettings : dicom::ListenerOptions {
  /// check_called_ae, always_allow_echo, allowed_callers: reloadable on SIGHUP. Never null.
  std::shared_ptr<const CallerPolicy> policy = std::make_shared<const CallerPolicy>();
  DicomLimits limits;
  /// extra_sop_classes, accept_unknown_sop_classes, transfer_syntaxes (UIDs); needs a restart.
  PresentationPolicy presentation;
  DicomTlsSettings tls;
  /// dicom.peers: where Storage Commitment reports go when the requester's own association is
  /// gone; a requester without an entry is refused. Needs a restart.
  std::vector<domain::DicomPeer> peers;
};

/// storage.on_duplicate: a SOP instance received again keeps the stored copy (the first
/// acknowledged) or replaces it.
enum class DuplicatePolicy { keep, replace };

/// The configuration's names: "keep", "replace".
constexpr std::string_view to_string(DuplicatePolicy policy) noexcept {
  return policy == DuplicatePolicy::replace ? "replace" : "keep";
}

struct StorageSettings {
  std::string spool_dir = "/var/lib/dicom-gateway/spool";
  // How long a registered study's instance files stay in the spool; nullopt ("forever"): never
  // removed; 0: removed at registration. Studies not yet registered are never touched.
  std::optional<Duration> retention;
  // Below this much free space on the spool's file system a C-STORE is refused with 0xA700;
  // storing resumes by itself when space comes back. The receiver owns the default.
  std::uint64_t min_free_bytes = dicom::ReceiveLimits{}.min_free_bytes;
  DuplicatePolicy on_duplicate = DuplicatePolicy::keep;
};

/// state.*: where the studies are recorded. A path is a SQLite file (one gateway); a
/// postgresql:// URI is a PostgreSQL database that several gateways share (docs/scale-out.md).
struct StateSettings {
  std::string database = "/var/lib/dicom-gateway/state.db";
  // PostgreSQL's password, when the URI has none, from (in order) a file, a systemd credential,
  // an environment variable, like the API key. None of them: libpq's own ways (~/.pgpass,
  // peer or certificate authentication).
  std::string password_file;
  std::string password_credential = "state-db-password";
  std::string password_env = "DICOM_GATEWAY_DB_PASSWORD";
  // PostgreSQL: a node's claim on a study (a request on the wire) that it stops renewing is
  // taken over by another node after this long, by lookup first.
  Duration claim_lease{60'000};
};

/// node.*: this gateway among several sharing one PostgreSQL state.
struct NodeSettings {
  std::string name;  // empty in the file: the host name (filled in when loaded)
};

/// viewer_api.retry: the dispatcher's values.
using RetrySettings = app::DispatchRetry;

/// viewer_api.*: the dispatcher's values (max_in_flight, auth_pause, retry) and the client's
/// (ca_file, timeout, proxy) with their defaults, plus where the API key comes from.
struct ViewerApiSettings : app::DispatchOptions, viewer::ConnectionOptions {
  std::string base_url = "https://api.avarasoftware.com/v1";
  std::string api_key_file;                          // first choice when set
  std::string api_key_credential = "viewer-api-key";  // $CREDENTIALS_DIRECTORY/<this> (systemd)
  std::string api_key_env = "AVARA_API_KEY";          // last choice
};

/// registration.trigger. first_instance: register as soon as the first instance is durable.
/// study_stable: once no instance of the study has arrived for stable_after, routed with every
/// instance's modality and the instance count.
enum class RegistrationTrigger { first_instance, study_stable };

/// The configuration's names: "first_instance", "study_stable".
constexpr std::string_view to_string(RegistrationTrigger trigger) noexcept {
  return trigger == RegistrationTrigger::study_stable ? "study_stable" : "first_instance";
}

struct RegistrationSettings {
  std::string default_description = "DICOM study";
  RegistrationTrigger trigger = RegistrationTrigger::first_instance;
  Duration stable_after{60'000};
};

struct LoggingSettings {
  log::Level level = log::Level::info;   // reloadable
  log::Format format = log::Format::text;  // text (key=value) or json; needs a restart
};

struct MetricsSettings {
  std::string listen = "127.0.0.1:9464";  // host:port of GET /metrics, /healthz, /readyz; empty: off
};

/// What a console user may do: `viewer` reads, `operator` also acts (retry, resend, forget).
enum class ConsoleRole { viewer, operator_ };

/// One console login. Exactly one of the three hash sources is set; the hash is crypt(3)
/// (yescrypt, bcrypt, sha512crypt, ...), never a clear password.
struct ConsoleUser {
  std::string name;
  ConsoleRole role = ConsoleRole::viewer;
  std::string password_hash;             // inline
  std::string password_hash_file;        // a file holding the hash (first line)
  std::string password_hash_credential;  // $CREDENTIALS_DIRECTORY/<this> (systemd)
};

/// console: the operator's web page and REST API (docs/console.md). Absent: no console.
struct ConsoleSettings {
  std::string listen = "127.0.0.1:8080";  // host:port
  std::string tls_cert_file;              // PEM; required unless listen is a loopback address
  std::string tls_key_file;
  std::vector<ConsoleUser> users;
  Duration session_idle{1'800'000};       // a session ends after this long unused
  Duration session_max{43'200'000};       // and this long after login, used or not
};

/// One alert receiver (alerts.webhooks): a JSON POST for each alarm it subscribes to.
struct WebhookTarget {
  std::string url;                  // http:// or https:// (verified, with SNI)
  std::vector<std::string> alarms;  // study_failed, auth_paused, breaker_open, spool_nearly_full; empty: all
  std::string secret_file;          // optional: HMAC-SHA256 of the body in X-Gateway-Signature
  std::string ca_file;              // empty: the system trust store
};

/// alerts.timeout, retry_*, give_up_after, queue_limit: how every webhook is delivered. The
/// alerts module's sender holds this struct too, so the defaults are written here alone.
struct AlertDelivery {
  Duration timeout{10'000};         // one delivery attempt
  Duration retry_initial{2'000};
  Duration retry_max{300'000};
  Duration give_up_after{86'400'000};  // an undeliverable alert is dropped (logged) after this
  std::size_t queue_limit = 1000;      // per webhook; the oldest is dropped beyond it (logged)

  bool operator==(const AlertDelivery&) const = default;
};

/// alerts: alarms delivered without Prometheus. Never blocks ingest.
struct AlertSettings : AlertDelivery {
  std::vector<WebhookTarget> webhooks;
};

/// Everything read from one configuration file. Immutable once loaded; shared by pointer.
struct Config {
  std::string source_file;
  DicomSettings dicom;
  StorageSettings storage;
  StateSettings state;
  NodeSettings node;
  ViewerApiSettings viewer_api;
  RegistrationSettings registration;
  LoggingSettings logging;
  MetricsSettings metrics;
  std::optional<ConsoleSettings> console;  // absent: no console
  AlertSettings alerts;
  Duration shutdown_grace{30'000};  // SIGTERM: how long open associations may finish
  Duration alarm_after{1'800'000};  // /readyz fails when studies wait this long unregistered
  std::shared_ptr<const routing::RuleSet> rules;  // never null in a loaded config
};

}  // namespace gw::config
