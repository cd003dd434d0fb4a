#pragma once
// The gateway's configuration as plain values (the YAML contract of the README).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/domain/caller_policy.hpp"
#include "gateway/domain/presentation_policy.hpp"
#include "gateway/domain/storage_commitment.hpp"

namespace gw::routing {
class RuleSet;
}

namespace gw::config {

using Duration = std::chrono::milliseconds;

/// Hostile-input bounds on one received dataset, checked before it is parsed (reliability.md).
struct DicomLimits {
  unsigned max_nesting = 32;                    // sequences inside sequences
  std::uint64_t max_elements = 1'000'000;       // data elements and items
  std::uint64_t max_dataset_bytes = 4ull << 30;  // 4 GiB; larger instances are refused (0xA700)
};

/// dicom.tls: a second port for DICOM over TLS (BCP 195 profile, TLS 1.2 minimum). Needs a
/// restart to change.
struct DicomTlsSettings {
  bool enabled = false;
  std::uint16_t port = 2762;  // the port IANA registered for DICOM over TLS
  std::string certificate;    // PEM, the gateway's certificate (and chain)
  std::string private_key;    // PEM, unencrypted, not readable by others
  std::string ca_file;        // PEM, the CA(s) that sign the callers' certificates
  bool require_client_certificate = true;
  std::string min_version = "1.2";  // or "1.3"
};

struct DicomSettings {
  std::string ae_title = "AVARA_GW";
  std::string bind = "0.0.0.0";
  std::uint16_t port = 11112;  // 0: any free port (tests); the chosen port is logged
  unsigned max_associations = 16;
  std::uint32_t max_pdu = 131072;  // 4096..1048576; DCMTK 3.6.7 receives at most 128 KiB
  Duration acse_timeout{30'000};   // dicom.timeouts.acse (legacy key: acse_timeout)
  Duration dimse_timeout{60'000};  // dicom.timeouts.dimse (legacy key: dimse_timeout)
  Duration idle_timeout{60'000};   // dicom.timeouts.idle; 0: never
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

struct StorageSettings {
  std::string spool_dir = "/var/lib/dicom-gateway/spool";
  // How long a registered study's instance files stay in the spool; nullopt ("forever"): never
  // removed; 0: removed at registration. Studies not yet registered are never touched.
  std::optional<Duration> retention;
  // Below this much free space on the spool's file system a C-STORE is refused with 0xA700;
  // storing resumes by itself when space comes back.
  std::uint64_t min_free_bytes = 64ull << 20;
  // A SOP instance received again: keep the stored copy (the first acknowledged) or replace it.
  std::string on_duplicate = "keep";
};

struct StateSettings {
  std::string database = "/var/lib/dicom-gateway/state.db";
};

struct RetrySettings {
  Duration initial{1'000};
  Duration max{300'000};
  Duration give_up_after{0};  // 0: retry transient failures forever
  // After this many transient failures in a row the API is presumed down: one request at a
  // time probes it until one succeeds, instead of the whole backlog at max_in_flight.
  unsigned probe_after_failures = 5;
};

struct ViewerApiSettings {
  std::string base_url = "https://api.avarasoftware.com/v1";
  std::string api_key_file;                          // first choice when set
  std::string api_key_credential = "viewer-api-key";  // $CREDENTIALS_DIRECTORY/<this> (systemd)
  std::string api_key_env = "AVARA_API_KEY";          // last choice
  std::string proxy;                                  // HTTP CONNECT proxy; empty: HTTPS_PROXY
  Duration auth_pause{300'000};                       // after 401/403, stop sending this long
  std::string ca_file;  // empty: the system trust store
  Duration timeout{30'000};
  unsigned max_in_flight = 4;
  RetrySettings retry;
};

struct RegistrationSettings {
  std::string default_description = "DICOM study";
  // first_instance: register as soon as the first instance is durable. study_stable: once no
  // instance of the study has arrived for stable_after, routed with every instance's modality
  // and the instance count.
  std::string trigger = "first_instance";
  Duration stable_after{60'000};
};

struct LoggingSettings {
  std::string level = "info";  // debug, info, warning, error; reloadable
  std::string format = "text";  // text (key=value) or json; needs a restart
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

/// alerts: alarms delivered without Prometheus. Never blocks ingest.
struct AlertSettings {
  std::vector<WebhookTarget> webhooks;
  Duration timeout{10'000};         // one delivery attempt
  Duration retry_initial{2'000};
  Duration retry_max{300'000};
  Duration give_up_after{86'400'000};  // an undeliverable alert is dropped (logged) after this
  std::size_t queue_limit = 1000;      // per webhook; the oldest is dropped beyond it (logged)
};

/// Everything read from one configuration file. Immutable once loaded; shared by pointer.
struct Config {
  std::string source_file;
  DicomSettings dicom;
  StorageSettings storage;
  StateSettings state;
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
