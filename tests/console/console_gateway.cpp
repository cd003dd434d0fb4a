#include "console_gateway.hpp"

#include "dicom_files.hpp"

#include <crypt.h>
#include <gtest/gtest.h>


#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <memory>
#include <stdexcept>
#include <thread>

namespace gw::test {

void write_study(const std::string& path, const TestStudy& study) {
  InstanceSpec spec{study.study_uid, study.study_uid + ".1.1", study.modality, study.description,
                    study.patient_name};
  spec.accession_number = study.accession_number;
  spec.patient_id = kPatientId;
  spec.patient_birth_date = kPatientBirthDate;
  spec.study_date = "20260301";
  write_instance(path, spec);
}

std::string crypt_hash(const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$6$", 0, nullptr, 0, setting, sizeof setting) == nullptr) {
    throw std::runtime_error("crypt_gensalt_rn failed");
  }
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_r(password.c_str(), setting, data.get());
  if (hash == nullptr || hash[0] == '*') throw std::runtime_error("crypt_r failed");
  return hash;
}

std::string console_yaml(const std::string& listen, const std::vector<ConsoleUser>& users,
                         const std::string& tls_cert, const std::string& tls_key) {
  std::string yaml = "console:\n  listen: " + listen + "\n";
  if (!tls_cert.empty()) yaml += "  tls: { cert_file: " + tls_cert + ", key_file: " + tls_key + " }\n";
  yaml += "  users:\n";
  for (const auto& user : users) {
    yaml += "    - { name: " + user.name + ", role: " + user.role + ", password_hash: \"" +
            crypt_hash(user.password) + "\" }\n";
  }
  return yaml;
}

std::string str(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string{};
}

ConsoleGateway::ConsoleGateway(std::vector<ConsoleUser> users) : users_(std::move(users)) {}

void ConsoleGateway::start(const std::string& extra_yaml, const std::string& tls_cert,
                           const std::string& tls_key, const std::optional<std::filesystem::path>& tls_ca) {
  harness_.start_gateway(console_yaml("127.0.0.1:0", users_, tls_cert, tls_key) + extra_yaml);
  if (::testing::Test::HasFatalFailure()) return;
  const auto ready = harness_.gateway().wait_for_line("event=gateway_ready", std::chrono::seconds(1));
  ASSERT_TRUE(ready);
  endpoint_.port = static_cast<std::uint16_t>(std::stoi(log_field(*ready, "console_port")));
  endpoint_.tls_ca = tls_ca;
  ASSERT_NE(endpoint_.port, 0) << *ready;
}

ConsoleEndpoint ConsoleGateway::endpoint(const std::string& source_address) const {
  ConsoleEndpoint e = endpoint_;
  e.source_address = source_address;
  return e;
}

ConsoleReply ConsoleGateway::call(http::verb method, const std::string& target, const std::string& body,
                                  std::map<std::string, std::string> headers, const std::string& source) {
  ConsoleReply reply = console_request(endpoint(source), method, target, body, headers);
  EXPECT_FALSE(reply.error) << method << " " << target << ": " << reply.error.message();
  // No patient data in any answer, whatever was asked.
  for (const auto& secret : {kPatientName, kPatientId, kPatientBirthDate, std::string("Secretperson")}) {
    EXPECT_EQ(reply.body().find(secret), std::string::npos)
        << method << " " << target << " answered patient data (" << secret << "):\n" << reply.body();
  }
  return reply;
}

ConsoleReply ConsoleGateway::as(const ConsoleUser& user, http::verb method, const std::string& target,
                                const std::string& body, std::map<std::string, std::string> headers) {
  headers["Authorization"] = basic_auth(user.name, user.password);
  return call(method, target, body, std::move(headers));
}

ConsoleReply ConsoleGateway::as(const PageSession& session, http::verb method, const std::string& target,
                                bool with_csrf, const std::string& body,
                                std::map<std::string, std::string> headers) {
  headers["Cookie"] = session.cookie;
  if (with_csrf) headers["X-CSRF-Token"] = session.csrf;
  return call(method, target, body, std::move(headers));
}

PageSession ConsoleGateway::login(const ConsoleUser& user) {
  const boost::json::object credentials{{"name", user.name}, {"password", user.password}};
  const auto reply = call(http::verb::post, "/api/v1/session", boost::json::serialize(credentials),
                          {{"Content-Type", "application/json"}});
  PageSession session;
  EXPECT_EQ(reply.status(), 200) << reply.body();
  if (reply.status() != 200) return session;
  session.set_cookie = reply.header("Set-Cookie");
  session.cookie = session.set_cookie.substr(0, session.set_cookie.find(';'));
  session.csrf = str(reply.json().as_object(), "csrf");
  EXPECT_TRUE(session.cookie.starts_with("gw_session=")) << session.set_cookie;
  return session;
}

void ConsoleGateway::send(const std::vector<TestStudy>& studies, const std::string& calling_ae) {
  std::vector<std::string> files;
  for (const auto& study : studies) {
    const std::string path = (harness_.dir() / ("study" + std::to_string(++files_) + ".dcm")).string();
    write_study(path, study);
    files.push_back(path);
  }
  SendOptions options = harness_.sender();
  options.calling_ae = calling_ae;
  const SendResult sent = send_files(options, files);
  ASSERT_TRUE(sent.associated) << sent.error;
  ASSERT_EQ(sent.statuses, std::vector<std::uint16_t>(files.size(), 0x0000)) << sent.error;
}

bool ConsoleGateway::wait_for_study(const std::string& uid,
                                    const std::function<bool(const boost::json::object&)>& done,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto reply = as(kAdmin, http::verb::get, "/api/v1/studies/" + uid);
    if (reply.status() == 200 && done(reply.json().as_object())) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // A poll interval, bounded by the watchdog above; the API offers nothing to block on
    // but the event stream, which the events test covers on its own.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string ConsoleGateway::state_of(const std::string& uid) {
  const auto reply = as(kAdmin, http::verb::get, "/api/v1/studies/" + uid);
  if (reply.status() != 200) return {};
  return str(reply.json().as_object().at("study").as_object(), "state");
}

}  // namespace gw::test
