#include "gateway_harness.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace gw::test {

std::string test_routing_yaml() {
  return "routing:\n"
         "  rules:\n"
         "    - name: ct-urgent\n"
         "      match:\n"
         "        Modality: CT\n"
         "        calling_ae: [TEST_SCU, CT02]\n"
         "        StudyDescription: { regex: \"(?i)chest\" }\n"
         "      assign:\n"
         "        assigned_to: " + kUser + "\n"
         "        express_customer_id: " + kCustomer + "\n"
         "        severity: high\n"
         "        metadata: { department: radiology }\n"
         "    - name: phantoms\n"
         "      match: { PatientName: { regex: \"^PHANTOM\" } }\n"
         "      action: ignore\n"
         "  default:\n"
         "    assign: { express_customer_id: " + kOtherCustomer + " }\n";
}

GatewayHarness::GatewayHarness() {
  sim::SimulatorOptions options;
  options.api_key = kApiKey;
  simulator_ = std::make_unique<sim::ViewerSimulator>(options);
  simulator_->start();
  std::ofstream(dir_ / "viewer-ca.pem") << simulator_->certificate_pem();
}

GatewayHarness::~GatewayHarness() {
  if (gateway_) gateway_->stop(SIGKILL);
}

void GatewayHarness::write_config(const std::string& extra_yaml) {
  std::ofstream config(config_path());
  config << "dicom:\n"
            "  ae_title: AVARA_GW\n"
            "  bind: 127.0.0.1\n"
            "  port: 0\n"
            "  max_associations: 4\n"
         << dicom_extra_ <<
            "storage:\n"
            "  spool_dir: " << (dir_ / "spool").string() << "\n"
         << storage_extra_ <<
            "state:\n"
            "  database: " << (dir_ / "state.db").string() << "\n"
            "viewer_api:\n"
            "  base_url: " << simulator_->base_url() << "\n"
         << (api_key_file_.empty() ? std::string("  api_key_env: GW_TEST_API_KEY\n")
                                   : "  api_key_file: " + api_key_file_ + "\n")
         << "  ca_file: " << (dir_ / "viewer-ca.pem").string() << "\n"
            "  timeout: 5s\n"
            "  max_in_flight: 2\n"
            "  retry: " << retry_yaml_ << "\n"
            "metrics:\n"
            "  listen: 127.0.0.1:0\n"  // any free port: tests run in parallel
         << (routing_yaml_.empty() ? test_routing_yaml() : routing_yaml_) << extra_yaml;
  config.close();
}

void GatewayHarness::start_gateway(const std::string& extra_yaml) {
  write_config(extra_yaml);
  auto environment = environment_;
  environment["GW_TEST_API_KEY"] = kApiKey;
  gateway_ = std::make_unique<ChildProcess>(
      kGatewayBinary, std::vector<std::string>{"run", "--config", config_path()}, environment);
  const auto ready = gateway_->wait_for_line("event=gateway_ready", std::chrono::seconds(20));
  ASSERT_TRUE(ready) << "the gateway did not start:\n" << gateway_->output();
  port_ = static_cast<std::uint16_t>(std::stoi(log_field(*ready, "port")));
  metrics_port_ = static_cast<std::uint16_t>(std::stoi(log_field(*ready, "metrics_port")));
  tls_port_ = static_cast<std::uint16_t>(std::stoi(log_field(*ready, "tls_port")));
}

void GatewayHarness::write_api_key_file(const std::string& key) {
  api_key_file_ = (dir_ / "api-key").string();
  {
    std::ofstream(api_key_file_, std::ios::trunc) << key << "\n";
  }
  std::filesystem::permissions(api_key_file_, std::filesystem::perms::owner_read |
                                                  std::filesystem::perms::owner_write);
}

int GatewayHarness::stop_gateway() { return gateway_->stop(SIGTERM); }

SendOptions GatewayHarness::sender() const {
  SendOptions options;
  options.port = port_;
  return options;
}

bool GatewayHarness::wait_for_registrations(int count, std::chrono::milliseconds timeout) {
  return gateway_->wait_for_count("event=study_registered", count, timeout);
}

std::vector<sim::RecordedRequest> GatewayHarness::creates() const {
  std::vector<sim::RecordedRequest> out;
  for (auto& r : simulator_->requests()) {
    if (r.method == "POST" && r.target.rfind("/v1/viewer/studies", 0) == 0) out.push_back(r);
  }
  return out;
}

std::vector<boost::json::object> GatewayHarness::create_bodies() const {
  std::vector<boost::json::object> out;
  for (auto& r : creates()) out.push_back(boost::json::parse(r.body).as_object());
  return out;
}

std::map<std::string, std::pair<std::string, std::string>> GatewayHarness::registry_view() const {
  std::string output;
  run_command(kGatewayBinary, {"studies", "list", "--json", "--config", config_path()}, output);
  std::map<std::string, std::pair<std::string, std::string>> out;
  const auto parsed = boost::json::parse(output);
  for (const auto& v : parsed.as_array()) {
    const auto& o = v.as_object();
    out[std::string(o.at("studyInstanceUid").as_string())] = {
        std::string(o.at("state").as_string()), std::string(o.at("studyId").as_string())};
  }
  return out;
}

int GatewayHarness::studies_command(const std::vector<std::string>& args,
                                    std::string& output) const {
  std::vector<std::string> all = args;
  all.push_back("--config");
  all.push_back(config_path());
  return run_command(kGatewayBinary, all, output);
}

}  // namespace gw::test
