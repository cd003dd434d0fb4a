// One owner per default: config::Config holds the adapters' own value structs, so a file that
// sets nothing runs the adapters exactly as they run default-constructed; and every choice is
// an enum parsed when the file loads, an unknown name reported where it is written.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/app/dispatch_options.hpp"
#include "gateway/config/config_loader.hpp"
#include "gateway/dicom/commitment_report_sender.hpp"
#include "gateway/dicom/dicom_listener.hpp"
#include "gateway/dicom/receive_limits.hpp"
#include "gateway/viewer/viewer_client_settings.hpp"

namespace gw::config {
namespace {

const std::string kRouting =
    "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

LoadResult load(const std::string& yaml) { return load_config_text(yaml + kRouting, "t.yaml", {}); }

TEST(SettingsOwner, AFileThatSetsNothingGivesEveryAdapterItsDefaultConstructedValues) {
  const auto r = load("");
  ASSERT_TRUE(r.config);
  const Config& cfg = *r.config;
  // Compared whole (operator== = default), so a field added to an adapter is covered too.
  EXPECT_EQ(static_cast<const dicom::ListenerOptions&>(cfg.dicom), dicom::ListenerOptions{});
  EXPECT_EQ(static_cast<const dicom::ListenerOptions&>(cfg.dicom),
            static_cast<const dicom::ListenerOptions&>(dicom::ListenerSettings{}));
  EXPECT_EQ(static_cast<const dicom::TlsListenerSettings&>(cfg.dicom.tls), dicom::TlsListenerSettings{});
  EXPECT_EQ(cfg.dicom.limits, dicom::DatasetLimits{});
  EXPECT_EQ(cfg.dicom.limits, static_cast<const dicom::DatasetLimits&>(dicom::ReceiveLimits{}));
  EXPECT_EQ(cfg.storage.min_free_bytes, dicom::ReceiveLimits{}.min_free_bytes);
  EXPECT_EQ(static_cast<const app::DispatchOptions&>(cfg.viewer_api), app::DispatchOptions{});
  EXPECT_EQ(static_cast<const viewer::ConnectionOptions&>(cfg.viewer_api), viewer::ConnectionOptions{});
  EXPECT_EQ(static_cast<const viewer::ConnectionOptions&>(cfg.viewer_api),
            static_cast<const viewer::ConnectionOptions&>(viewer::ViewerClientSettings{}));
  EXPECT_EQ(static_cast<const AlertDelivery&>(cfg.alerts), AlertDelivery{});
}

TEST(SettingsOwner, TheDefaultsTwoAdaptersShareAgree) {
  // The report sender calls with the listener's AE title and timeouts.
  const dicom::ReportSenderSettings sender;
  const dicom::ListenerOptions listener;
  EXPECT_EQ(sender.ae_title, listener.ae_title);
  EXPECT_EQ(sender.acse_timeout, listener.acse_timeout);
  EXPECT_EQ(sender.dimse_timeout, listener.dimse_timeout);
  // The client's pool outside the daemon (the command-line tools) is as wide as the daemon's.
  EXPECT_EQ(viewer::ViewerClientSettings{}.max_connections, app::DispatchOptions{}.max_in_flight);
}

TEST(SettingsOwner, TheReportSenderTakesTheListenersConfiguredValues) {
  const auto r = load("dicom:\n  ae_title: GW2\n  timeouts: { acse: 5s, dimse: 7s }\n");
  ASSERT_TRUE(r.config);
  const dicom::ReportSenderSettings sender(r.config->dicom);
  EXPECT_EQ(sender.ae_title, "GW2");
  EXPECT_EQ(sender.acse_timeout, std::chrono::seconds(5));
  EXPECT_EQ(sender.dimse_timeout, std::chrono::seconds(7));
}

TEST(SettingsOwner, EveryChoiceIsParsedIntoItsEnumWhenTheFileLoads) {
  const auto r = load(
      "dicom:\n  bind: 127.0.0.1\n  tls: { min_version: \"1.3\" }\n"
      "storage: { on_duplicate: replace }\n"
      "registration: { trigger: study_stable }\n"
      "logging: { level: warning, format: json }\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->dicom.bind_address, "127.0.0.1");
  EXPECT_EQ(r.config->dicom.tls.min_version, dicom::TlsVersion::v1_3);
  EXPECT_EQ(r.config->storage.on_duplicate, DuplicatePolicy::replace);
  EXPECT_EQ(r.config->registration.trigger, RegistrationTrigger::study_stable);
  EXPECT_EQ(r.config->logging.level, log::Level::warning);
  EXPECT_EQ(r.config->logging.format, log::Format::json);

  const auto d = load("");
  ASSERT_TRUE(d.config);
  EXPECT_EQ(d.config->dicom.tls.min_version, dicom::TlsVersion::v1_2);
  EXPECT_EQ(d.config->storage.on_duplicate, DuplicatePolicy::keep);
  EXPECT_EQ(d.config->registration.trigger, RegistrationTrigger::first_instance);
  EXPECT_EQ(d.config->logging.level, log::Level::info);
  EXPECT_EQ(d.config->logging.format, log::Format::text);
}

struct BadChoice {
  std::string sections;  // the mapping(s) above the key, each on its own line, indented by two
  std::string key;
  std::string value;
  std::string message;  // the whole diagnostic, naming every allowed value
};

TEST(SettingsOwner, AnUnknownChoiceIsReportedAtItsValueListingTheAllowedOnes) {
  const std::vector<BadChoice> table = {
      {"registration", "trigger", "on_arrival",
       "'registration.trigger' must be first_instance or study_stable"},
      {"storage", "on_duplicate", "overwrite", "'storage.on_duplicate' must be keep or replace"},
      {"logging", "level", "verbose", "'logging.level' must be one of debug, info, warning, error"},
      {"logging", "format", "xml", "'logging.format' must be text or json"},
      {"dicom/tls", "min_version", "\"1.1\"",
       "'dicom.tls.min_version' must be 1.2 or 1.3 (BCP 195 allows nothing older)"},
      {"logging", "level", "INFO", "'logging.level' must be one of debug, info, warning, error"},
  };
  for (const BadChoice& bad : table) {
    SCOPED_TRACE(bad.key + ": " + bad.value);
    std::string yaml;
    int depth = 0;
    for (std::size_t at = 0; at != std::string::npos;) {
      const std::size_t slash = bad.sections.find('/', at);
      const std::string section =
          bad.sections.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
      yaml += std::string(2 * depth++, ' ') + section + ":\n";
      at = slash == std::string::npos ? slash : slash + 1;
    }
    const std::string indent(2 * depth, ' ');
    yaml += indent + bad.key + ": " + bad.value + "\n";

    const auto r = load_config_text(yaml + kRouting, "gateway.yaml", {});
    EXPECT_FALSE(r.config);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    const Diagnostic& d = r.diagnostics.front();
    EXPECT_EQ(d.file, "gateway.yaml");
    EXPECT_EQ(d.line, depth + 1);
    EXPECT_EQ(d.column, static_cast<int>(indent.size() + bad.key.size() + 3));
    EXPECT_EQ(d.message, bad.message);
  }
}

TEST(SettingsOwner, AChoiceGivenAsAListIsReportedOnceAsNotAString) {
  const auto r = load("registration:\n  trigger: [study_stable]\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics.front().message, "'registration.trigger' must be a string");
}

}  // namespace
}  // namespace gw::config
