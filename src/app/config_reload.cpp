#include "config_reload.hpp"

#include "state_database.hpp"

namespace gw::app {
namespace {

std::string text(const std::string& v) { return v; }
std::string text(unsigned v) { return std::to_string(v); }
std::string text(std::uint16_t v) { return std::to_string(v); }
std::string text(config::Duration v) { return std::to_string(v.count()) + "ms"; }
std::string text(bool v) { return v ? "true" : "false"; }
std::string text(dicom::TlsVersion v) { return std::string(to_string(v)); }
std::string text(log::Format v) { return std::string(log::to_string(v)); }
std::string text(config::RegistrationTrigger v) { return std::string(config::to_string(v)); }
std::string text(const std::vector<std::string>& v) {
  std::string joined = "[";
  for (const auto& item : v) joined += (joined.size() > 1 ? ", " : "") + item;
  return joined + "]";
}

template <typename T>
void compare(std::vector<RestartOnlyChange>& out, const char* key, const T& running,
             const T& in_file) {
  if (running != in_file) out.push_back({key, text(running), text(in_file)});
}

}  // namespace

std::vector<RestartOnlyChange> restart_only_changes(const config::Config& running,
                                                    const config::Config& in_file) {
  std::vector<RestartOnlyChange> out;
  const auto& a = running;
  const auto& b = in_file;
  compare(out, "dicom.ae_title", a.dicom.ae_title, b.dicom.ae_title);
  compare(out, "dicom.bind", a.dicom.bind_address, b.dicom.bind_address);
  compare(out, "dicom.port", a.dicom.port, b.dicom.port);
  compare(out, "dicom.max_associations", a.dicom.max_associations, b.dicom.max_associations);
  compare(out, "dicom.max_pdu", unsigned{a.dicom.max_pdu}, unsigned{b.dicom.max_pdu});
  compare(out, "dicom.timeouts.acse", a.dicom.acse_timeout, b.dicom.acse_timeout);
  compare(out, "dicom.timeouts.dimse", a.dicom.dimse_timeout, b.dicom.dimse_timeout);
  compare(out, "dicom.timeouts.idle", a.dicom.idle_timeout, b.dicom.idle_timeout);
  compare(out, "dicom.extra_sop_classes", a.dicom.presentation.extra_sop_classes,
          b.dicom.presentation.extra_sop_classes);
  compare(out, "dicom.accept_unknown_sop_classes", a.dicom.presentation.accept_unknown_sop_classes,
          b.dicom.presentation.accept_unknown_sop_classes);
  compare(out, "dicom.transfer_syntaxes", a.dicom.presentation.transfer_syntaxes,
          b.dicom.presentation.transfer_syntaxes);
  const auto& ta = a.dicom.tls;
  const auto& tb = b.dicom.tls;
  compare(out, "dicom.tls.enabled", ta.enabled, tb.enabled);
  compare(out, "dicom.tls.port", ta.port, tb.port);
  compare(out, "dicom.tls.certificate", ta.certificate, tb.certificate);
  compare(out, "dicom.tls.private_key", ta.private_key, tb.private_key);
  compare(out, "dicom.tls.ca_file", ta.ca_file, tb.ca_file);
  compare(out, "dicom.tls.require_client_certificate", ta.require_client_certificate,
          tb.require_client_certificate);
  compare(out, "dicom.tls.min_version", ta.min_version, tb.min_version);
  compare(out, "storage.spool_dir", a.storage.spool_dir, b.storage.spool_dir);
  const auto retention = [](const config::StorageSettings& st) {
    return st.retention ? text(*st.retention) : std::string("forever");
  };
  compare(out, "storage.retention", retention(a.storage), retention(b.storage));
  if (a.state.database != b.state.database) {  // the values shown without a URI's password
    out.push_back({"state.database", printable_location(a.state.database),
                   printable_location(b.state.database)});
  }
  compare(out, "state.password_file", a.state.password_file, b.state.password_file);
  compare(out, "state.password_credential", a.state.password_credential,
          b.state.password_credential);
  compare(out, "state.password_env", a.state.password_env, b.state.password_env);
  compare(out, "state.claim_lease", a.state.claim_lease, b.state.claim_lease);
  compare(out, "node.name", a.node.name, b.node.name);
  compare(out, "viewer_api.base_url", a.viewer_api.base_url, b.viewer_api.base_url);
  compare(out, "viewer_api.api_key_env", a.viewer_api.api_key_env, b.viewer_api.api_key_env);
  compare(out, "viewer_api.api_key_file", a.viewer_api.api_key_file, b.viewer_api.api_key_file);
  compare(out, "viewer_api.api_key_credential", a.viewer_api.api_key_credential,
          b.viewer_api.api_key_credential);
  compare(out, "viewer_api.ca_file", a.viewer_api.ca_file, b.viewer_api.ca_file);
  compare(out, "viewer_api.timeout", a.viewer_api.timeout, b.viewer_api.timeout);
  compare(out, "viewer_api.max_in_flight", a.viewer_api.max_in_flight, b.viewer_api.max_in_flight);
  compare(out, "registration.trigger", a.registration.trigger, b.registration.trigger);
  compare(out, "registration.stable_after", a.registration.stable_after, b.registration.stable_after);
  compare(out, "logging.format", a.logging.format, b.logging.format);
  compare(out, "metrics.listen", a.metrics.listen, b.metrics.listen);
  return out;
}

}  // namespace gw::app
