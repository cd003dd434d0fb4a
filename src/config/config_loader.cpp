#include "gateway/config/config_loader.hpp"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "gateway/config/routing_yaml.hpp"
#include "gateway/domain/uid.hpp"
#include "alerts_yaml.hpp"
#include "console_yaml.hpp"
#include "yaml_mapping_reader.hpp"

namespace gw::config {
namespace {

// The PDU sizes the standard's peers use; the listener receives at most what DCMTK handles.
constexpr long long kMinPdu = 4096;
constexpr long long kMaxPdu = 1048576;

/// dicom.timeouts.<key>, or the legacy dicom.<legacy> (both at once is an error).
void read_timeout(const YamlMappingReader& r, const YamlMappingReader* timeouts, const char* key,
                  const char* legacy, Duration& value, const std::string& file, Diagnostics& out) {
  if (timeouts && timeouts->present(key) && r.present(legacy)) {
    report(out, file, r.node(legacy),
           std::string("'dicom.") + legacy + "' and 'dicom.timeouts." + key +
               "' both set: keep only 'dicom.timeouts." + key + "'");
    return;
  }
  r.read_duration(legacy, value);
  if (timeouts) timeouts->read_duration(key, value);
}

std::shared_ptr<const CallerPolicy> read_caller_policy(const YamlMappingReader& r,
                                                       const std::string& file,
                                                       Diagnostics& out) {
  auto policy = std::make_shared<CallerPolicy>();
  r.read("check_called_ae", policy->check_called_ae);
  r.read("always_allow_echo", policy->always_allow_echo);
  if (!r.present("allowed_callers")) return policy;
  const YAML::Node list = r.node("allowed_callers");
  if (!list.IsSequence()) {
    report(out, file, list, "'dicom.allowed_callers' must be a list of {ae_title, host, max_associations}");
    return policy;
  }
  for (const YAML::Node& item : list) {
    YamlMappingReader entry(item, "dicom.allowed_callers[]", file, out,
                            {"ae_title", "host", "max_associations"});
    AllowedCaller caller;
    entry.read("ae_title", caller.ae_title);
    if (caller.ae_title.empty() || caller.ae_title.size() > 16 ||
        caller.ae_title.find('\\') != std::string::npos) {
      report(out, file, entry.present("ae_title") ? entry.node("ae_title") : item,
             "'dicom.allowed_callers[].ae_title' must be 1 to 16 characters without a backslash");
    }
    entry.read("host", caller.host);
    if (!caller.host.empty()) {
      caller.network = CidrBlock::parse(caller.host);
      if (!caller.network) {
        report(out, file, entry.node("host"),
               "'dicom.allowed_callers[].host' must be an IP address or a CIDR block such as "
               "10.1.2.0/24, not '" + caller.host + "'");
      }
    }
    entry.read("max_associations", caller.max_associations, 1, 1000);
    policy->allowed_callers.push_back(std::move(caller));
  }
  return policy;
}

/// dicom.<key> as a list of strings, each checked by `valid` (nullopt: fine, else the message).
template <typename Check>
std::vector<std::string> read_string_list(const YamlMappingReader& r, const char* key,
                                          const std::string& file, Diagnostics& out, Check valid) {
  std::vector<std::string> values;
  if (!r.present(key)) return values;
  const YAML::Node list = r.node(key);
  if (!list.IsSequence()) {
    report(out, file, list, std::string("'dicom.") + key + "' must be a list");
    return values;
  }
  for (const YAML::Node& item : list) {
    if (!item.IsScalar()) {
      report(out, file, item, std::string("'dicom.") + key + "[]' must be a string");
      continue;
    }
    std::string value = item.Scalar();
    if (auto problem = valid(value)) {
      report(out, file, item, std::string("'dicom.") + key + "[]' " + *problem);
    } else if (std::find(values.begin(), values.end(), value) != values.end()) {
      report(out, file, item, std::string("'dicom.") + key + "[]' lists '" + item.Scalar() + "' twice");
    } else {
      values.push_back(std::move(value));
    }
  }
  return values;
}

/// dicom.extra_sop_classes, dicom.accept_unknown_sop_classes, dicom.transfer_syntaxes.
PresentationPolicy read_presentation(const YamlMappingReader& r, const std::string& file,
                                     Diagnostics& out) {
  PresentationPolicy p;
  p.extra_sop_classes = read_string_list(
      r, "extra_sop_classes", file, out, [](const std::string& uid) -> std::optional<std::string> {
        if (is_valid_uid(uid)) return std::nullopt;
        return "must be a UID (digits and dots, at most 64 characters), not '" + uid + "'";
      });
  r.read("accept_unknown_sop_classes", p.accept_unknown_sop_classes);
  // Names become UIDs here, so that a name and its UID listed both are caught as a duplicate.
  p.transfer_syntaxes = read_string_list(
      r, "transfer_syntaxes", file, out, [](std::string& name) -> std::optional<std::string> {
        if (const TransferSyntaxName* ts = find_transfer_syntax(name)) {
          name = std::string(ts->uid);
          return std::nullopt;
        }
        std::string known;
        for (const auto& ts : known_transfer_syntaxes()) known += (known.empty() ? "" : ", ") + std::string(ts.name);
        return "must be one of " + known + " (or its UID), not '" + name + "'";
      });
  if (r.present("transfer_syntaxes") && p.transfer_syntaxes.empty() &&
      r.node("transfer_syntaxes").IsSequence()) {
    report(out, file, r.node("transfer_syntaxes"),
           "'dicom.transfer_syntaxes' must list at least one transfer syntax (omit it for all)");
  }
  return p;
}

/// dicom.tls. The files are checked here too, so that check-config names a missing one.
void read_dicom_tls(const YamlMappingReader& r, DicomSettings& d, const std::string& file,
                    Diagnostics& out) {
  DicomTlsSettings& t = d.tls;
  r.read("enabled", t.enabled);
  r.read("port", t.port, 0, 65535);
  r.read("certificate", t.certificate);
  r.read("private_key", t.private_key);
  r.read("ca_file", t.ca_file);
  r.read("require_client_certificate", t.require_client_certificate);
  r.read_choice("min_version", {dicom::TlsVersion::v1_2, dicom::TlsVersion::v1_3}, t.min_version,
                "'dicom.tls.min_version' must be 1.2 or 1.3 (BCP 195 allows nothing older)");
  if (!t.enabled) return;
  const auto need_file = [&](const char* key, const std::string& path) {
    std::error_code ec;
    if (path.empty()) {
      report(out, file, r.node("enabled"),
             std::string("'dicom.tls.") + key + "' is required when dicom.tls is enabled");
    } else if (!std::filesystem::is_regular_file(path, ec)) {
      report(out, file, r.node(key), std::string("'dicom.tls.") + key + "': no such file: " + path);
    }
  };
  need_file("certificate", t.certificate);
  need_file("private_key", t.private_key);
  if (t.require_client_certificate || !t.ca_file.empty()) need_file("ca_file", t.ca_file);
  std::error_code ec;
  const auto perms = std::filesystem::status(t.private_key, ec).permissions();
  if (!ec && (perms & std::filesystem::perms::others_read) != std::filesystem::perms::none) {
    report(out, file, r.node("private_key"),
           "'dicom.tls.private_key' " + t.private_key +
               " is readable by every user: chmod o-r it (0640 or 0600)");
  }
  if (t.port != 0 && t.port == d.port) {
    report(out, file, r.node("port"), "'dicom.tls.port' must differ from 'dicom.port'");
  }
}

/// dicom.peers: [{ae_title, host, port, tls}], one entry per AE title.
void read_peers(const YamlMappingReader& r, DicomSettings& d, const std::string& file,
                Diagnostics& out) {
  if (!r.present("peers")) return;
  const YAML::Node list = r.node("peers");
  if (!list.IsSequence()) {
    report(out, file, list, "'dicom.peers' must be a list of {ae_title, host, port, tls}");
    return;
  }
  for (const YAML::Node& item : list) {
    YamlMappingReader entry(item, "dicom.peers[]", file, out, {"ae_title", "host", "port", "tls"});
    domain::DicomPeer peer;
    entry.read("ae_title", peer.ae_title);
    entry.read("host", peer.host);
    entry.read("port", peer.port, 1, 65535);
    entry.read("tls", peer.tls);
    if (peer.ae_title.empty() || peer.ae_title.size() > 16 ||
        peer.ae_title.find('\\') != std::string::npos) {
      report(out, file, entry.present("ae_title") ? entry.node("ae_title") : item,
             "'dicom.peers[].ae_title' must be 1 to 16 characters without a backslash");
    } else if (domain::find_peer(d.peers, peer.ae_title) != nullptr) {
      report(out, file, entry.node("ae_title"),
             "'dicom.peers' lists '" + peer.ae_title + "' twice");
    }
    if (peer.host.empty()) {
      report(out, file, entry.present("host") ? entry.node("host") : item,
             "'dicom.peers[].host' is required (a host name or an IP address)");
    }
    if (!entry.present("port")) {
      report(out, file, item, "'dicom.peers[].port' is required");
    }
    d.peers.push_back(std::move(peer));
  }
}

void read_dicom(const YamlMappingReader& r, DicomSettings& d, const std::string& file,
                Diagnostics& out) {
  r.read("ae_title", d.ae_title);
  if (d.ae_title.empty() || d.ae_title.size() > 16 ||
      d.ae_title.find('\\') != std::string::npos) {
    report(out, file, r.node("ae_title"),
           "'dicom.ae_title' must be 1 to 16 characters without a backslash");
  }
  r.read("bind", d.bind_address);
  r.read("port", d.port, 0, 65535);
  r.read("max_associations", d.max_associations, 1, 1000);
  r.read("max_pdu", d.max_pdu, kMinPdu, kMaxPdu);
  std::optional<YamlMappingReader> timeouts;
  if (r.present("timeouts")) {
    timeouts.emplace(r.node("timeouts"), "dicom.timeouts", file, out,
                     std::initializer_list<std::string_view>{"acse", "dimse", "idle"});
  }
  read_timeout(r, timeouts ? &*timeouts : nullptr, "acse", "acse_timeout", d.acse_timeout, file, out);
  read_timeout(r, timeouts ? &*timeouts : nullptr, "dimse", "dimse_timeout", d.dimse_timeout, file,
               out);
  if (timeouts) timeouts->read_duration("idle", d.idle_timeout);
  d.policy = read_caller_policy(r, file, out);
  d.presentation = read_presentation(r, file, out);
  if (r.present("limits")) {
    YamlMappingReader limits(r.node("limits"), "dicom.limits", file, out,
                             {"max_nesting", "max_elements", "max_dataset_bytes"});
    limits.read("max_nesting", d.limits.max_nesting, 1, 1000);
    limits.read("max_elements", d.limits.max_elements, 100, 1'000'000'000);
    limits.read("max_dataset_bytes", d.limits.max_dataset_bytes, 1024, 1LL << 40);
  }
  read_peers(r, d, file, out);
  if (r.present("tls")) {
    read_dicom_tls(YamlMappingReader(r.node("tls"), "dicom.tls", file, out,
                                     {"enabled", "port", "certificate", "private_key", "ca_file",
                                      "require_client_certificate", "min_version"}),
                   d, file, out);
  }
  for (const auto& peer : d.peers) {
    if (peer.tls && !d.tls.enabled) {
      report(out, file, r.node("peers"),
             "'dicom.peers' entry " + peer.ae_title +
                 " has tls: true, which needs dicom.tls (its certificate, key and CA)");
    }
  }
}

void read_state(const YamlMappingReader& r, StateSettings& s, Duration request_timeout,
                const std::string& file, Diagnostics& out) {
  r.read("database", s.database);
  r.read("password_file", s.password_file);
  r.read("password_credential", s.password_credential);
  r.read("password_env", s.password_env);
  r.read_duration("claim_lease", s.claim_lease);
  if (s.database.empty()) {
    report(out, file, r.node("database"),
           "'state.database' must be a file path (SQLite) or a postgresql:// URI");
  }
  // A lease shorter than a request lets another node take a claim over while its request may
  // still reach the viewer; the dispatcher renews claims every third of the lease.
  if (s.claim_lease < std::max(Duration{3'000}, request_timeout)) {
    report(out, file, r.node("claim_lease"),
           "'state.claim_lease' must be at least 3s and at least viewer_api.timeout (" +
               std::to_string(request_timeout.count() / 1000) + "s)");
  }
}

void read_node(const YamlMappingReader& r, NodeSettings& n, const std::string& file,
               Diagnostics& out) {
  r.read("name", n.name);
  if (n.name.empty()) {
    char host[256] = {};
    n.name = ::gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "localhost";
  }
  // Shown in logs, metrics labels and `studies`: printable ASCII without spaces.
  const bool printable = std::all_of(n.name.begin(), n.name.end(), [](char c) {
    return c > ' ' && c < 0x7f && c != '"' && c != '\\';
  });
  if (!printable || n.name.size() > 48) {
    report(out, file, r.node("name"),
           "'node.name' must be 1 to 48 printable characters without spaces or quotes");
  }
}

void read_viewer_api(const YamlMappingReader& r, ViewerApiSettings& v, const std::string& file,
                     Diagnostics& out) {
  r.read("base_url", v.base_url);
  if (v.base_url.rfind("https://", 0) != 0) {
    report(out, file, r.node("base_url"), "'viewer_api.base_url' must start with https://");
  }
  r.read("api_key_file", v.api_key_file);
  r.read("api_key_credential", v.api_key_credential);
  r.read("api_key_env", v.api_key_env);
  r.read("proxy", v.proxy);
  r.read_duration("auth_pause", v.auth_pause);
  r.read("ca_file", v.ca_file);
  r.read_duration("timeout", v.timeout);
  r.read("max_in_flight", v.max_in_flight, 1, 64);
  if (r.present("retry")) {
    YamlMappingReader retry(r.node("retry"), "viewer_api.retry", file, out,
                            {"initial", "max", "give_up_after", "probe_after_failures"});
    retry.read_duration("initial", v.retry.initial);
    retry.read("probe_after_failures", v.retry.probe_after_failures, 1, 1000);
    retry.read_duration("max", v.retry.max);
    retry.read_duration("give_up_after", v.retry.give_up_after);
  }
}

void read_logging(const YamlMappingReader& r, LoggingSettings& l) {
  using log::Level;
  r.read_choice("level", {Level::debug, Level::info, Level::warning, Level::error}, l.level,
                "'logging.level' must be one of debug, info, warning, error");
  r.read_choice("format", {log::Format::text, log::Format::json}, l.format,
                "'logging.format' must be text or json");
}

void read_metrics(const YamlMappingReader& r, MetricsSettings& m, const std::string& file,
                  Diagnostics& out) {
  r.read("listen", m.listen);  // "" turns the endpoint off
  // host:port, with [v6]:port for IPv6; the server resolves nothing, so the host is an IP.
  const auto colon = m.listen.rfind(':');
  if (!m.listen.empty() && (colon == std::string::npos || colon == 0 ||
                            colon + 1 == m.listen.size() ||
                            m.listen.find_first_not_of("0123456789", colon + 1) !=
                                std::string::npos)) {
    report(out, file, r.node("listen"),
           "'metrics.listen' must be ip:port (e.g. 127.0.0.1:9464), or empty to turn it off");
  }
}

LoadResult load_root(const YAML::Node& root, const std::string& file, const LoadOptions& options) {
  LoadResult result;
  Diagnostics& out = result.diagnostics;
  auto config = std::make_shared<Config>();
  config->source_file = file;

  YamlMappingReader top(root, "(top level)", file, out,
                        {"dicom", "storage", "state", "node", "viewer_api", "registration", "routing",
                         "logging", "metrics", "console", "alerts", "shutdown_grace",
                         "alarm_after"});
  read_dicom(YamlMappingReader(top.node("dicom"), "dicom", file, out,
                               {"ae_title", "bind", "port", "max_associations", "max_pdu",
                                "acse_timeout", "dimse_timeout", "limits", "timeouts",
                                "check_called_ae", "always_allow_echo", "allowed_callers",
                                "extra_sop_classes", "accept_unknown_sop_classes",
                                "transfer_syntaxes", "tls", "peers"}),
             config->dicom, file, out);
  {
    YamlMappingReader storage(top.node("storage"), "storage", file, out,
                              {"spool_dir", "retention", "min_free_bytes", "on_duplicate"});
    storage.read("spool_dir", config->storage.spool_dir);
    storage.read("min_free_bytes", config->storage.min_free_bytes, 0, 1ll << 50);
    storage.read_choice("on_duplicate", {DuplicatePolicy::keep, DuplicatePolicy::replace},
                        config->storage.on_duplicate, "'storage.on_duplicate' must be keep or replace");
    std::string retention = "forever";
    storage.read("retention", retention);
    if (retention != "forever") {
      config->storage.retention = Duration{0};
      storage.read_duration("retention", *config->storage.retention);
    }
  }
  read_viewer_api(YamlMappingReader(top.node("viewer_api"), "viewer_api", file, out,
                                    {"base_url", "api_key_file", "api_key_credential",
                                     "api_key_env", "proxy", "auth_pause", "ca_file", "timeout",
                                     "max_in_flight", "retry"}),
                  config->viewer_api, file, out);
  // After viewer_api: a claim's lease is checked against its request timeout.
  read_state(YamlMappingReader(top.node("state"), "state", file, out,
                               {"database", "password_file", "password_credential",
                                "password_env", "claim_lease"}),
             config->state, config->viewer_api.timeout, file, out);
  read_node(YamlMappingReader(top.node("node"), "node", file, out, {"name"}), config->node, file,
            out);
  YamlMappingReader registration(top.node("registration"), "registration", file, out,
                                 {"default_description", "trigger", "stable_after"});
  registration.read("default_description", config->registration.default_description);
  registration.read_choice(
      "trigger", {RegistrationTrigger::first_instance, RegistrationTrigger::study_stable},
      config->registration.trigger, "'registration.trigger' must be first_instance or study_stable");
  registration.read_duration("stable_after", config->registration.stable_after);
  if (config->registration.default_description.empty()) {
    report(out, file, registration.node("default_description"),
           "'registration.default_description' must not be empty: the viewer requires a "
           "description");
  }
  read_logging(YamlMappingReader(top.node("logging"), "logging", file, out, {"level", "format"}),
               config->logging);
  read_metrics(YamlMappingReader(top.node("metrics"), "metrics", file, out, {"listen"}),
               config->metrics, file, out);
  if (top.present("console")) config->console = read_console(top.node("console"), file, out);
  config->alerts = read_alerts(top.node("alerts"), file, out);
  top.read_duration("shutdown_grace", config->shutdown_grace);
  top.read_duration("alarm_after", config->alarm_after);

  RoutingLoadOptions routing_options;
  routing_options.file = file;
  routing_options.default_description = config->registration.default_description;
  routing_options.is_known_keyword = options.is_known_keyword;
  config->rules = load_routing(top.node("routing"), routing_options, out);

  if (!has_errors(out)) result.config = std::move(config);
  return result;
}

}  // namespace

LoadResult load_config_text(std::string_view text, const std::string& file_name,
                            const LoadOptions& options) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    LoadResult result;
    result.diagnostics.push_back(Diagnostic{file_name, e.mark.line + 1, e.mark.column + 1,
                                            "YAML syntax error: " + e.msg,
                                            Diagnostic::Level::error});
    return result;
  }
  return load_root(root, file_name, options);
}

LoadResult load_config_file(const std::string& path, const LoadOptions& options) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    LoadResult result;
    result.diagnostics.push_back(
        Diagnostic{path, 0, 0, "cannot read the configuration file", Diagnostic::Level::error});
    return result;
  } catch (const YAML::Exception& e) {
    LoadResult result;
    result.diagnostics.push_back(Diagnostic{path, e.mark.line + 1, e.mark.column + 1,
                                            "YAML syntax error: " + e.msg,
                                            Diagnostic::Level::error});
    return result;
  }
  return load_root(root, path, options);
}

}  // namespace gw::config
