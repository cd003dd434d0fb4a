#pragma once
// A DicomListener in-process on 127.0.0.1:0 with a recording sink, for the association tests.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dicom_sender.hpp"
#include "gateway/dicom/dicom_listener.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "temp_dir.hpp"
#include "test_pki.hpp"

namespace gw::test {

/// Accepts every instance (moving it away so the incoming folder stays clean). Thread-safe.
class AcceptingSink : public dicom::InstanceSink {
 public:
  explicit AcceptingSink(std::filesystem::path keep) : keep_(std::move(keep)) {}
  dicom::StoreResult store(const dicom::ReceivedInstance& instance) noexcept override {
    std::lock_guard lock(mutex_);
    std::error_code ec;
    std::filesystem::rename(instance.file, keep_ / (std::to_string(++stored_) + ".dcm"), ec);
    return {dicom::StoreStatus::stored, {}};
  }
  unsigned stored() {
    std::lock_guard lock(mutex_);
    return stored_;
  }

 private:
  std::mutex mutex_;
  std::filesystem::path keep_;
  unsigned stored_ = 0;
};

/// Owns one listener; tests set `settings_` and call start().
class ListenerFixture : public testing::Test {
 protected:
  ListenerFixture() {
    std::filesystem::create_directories(dir_ / "kept");
    settings_.bind_address = "127.0.0.1";
    settings_.port = 0;
    settings_.max_associations = 4;
    settings_.incoming_dir = dir_ / "incoming";
    settings_.metrics = &metrics_;
  }

  void start() {
    listener_ = std::make_unique<dicom::DicomListener>(settings_, sink_);
    listener_->start();
    options_.port = listener_->port();
  }

  /// dicom_gateway_associations_rejected_total{reason} as this listener counted it.
  std::uint64_t rejected(const std::string& reason) {
    for (const auto& family : metrics_.registry().Collect()) {
      if (family.name != "dicom_gateway_associations_rejected_total") continue;
      for (const auto& m : family.metric) {
        if (!m.label.empty() && m.label[0].value == reason) {
          return static_cast<std::uint64_t>(m.counter.value);
        }
      }
    }
    return 0;
  }

  metrics::GatewayMetrics metrics_;
  TempDir dir_;
  AcceptingSink sink_{dir_ / "kept"};
  dicom::ListenerSettings settings_;
  std::unique_ptr<dicom::DicomListener> listener_;
  SendOptions options_;
};

/// A listener with the DICOM TLS port too, its certificates from one test CA per suite (RSA
/// key generation is the slow part).
class TlsListenerFixture : public ListenerFixture {
 protected:
  static void SetUpTestSuite() {
    pki_dir_ = new TempDir;
    pki_ = make_test_pki(*pki_dir_ / "pki");
  }
  static void TearDownTestSuite() {
    delete pki_dir_;
    pki_dir_ = nullptr;
  }

  /// settings_.tls: any port, the suite's server certificate, trusting the suite's CA.
  TlsListenerFixture() {
    dicom::TlsListenerSettings tls;
    tls.port = 0;
    tls.certificate = pki_.server_certificate;
    tls.private_key = pki_.server_key;
    tls.ca_file = pki_.ca_certificate;
    settings_.tls = tls;
  }

  static inline TempDir* pki_dir_ = nullptr;
  static inline TestPki pki_;
};

}  // namespace gw::test
