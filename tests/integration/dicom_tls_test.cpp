// DICOM TLS end to end (issue #3): the real gateway with dicom.tls on, and DCMTK's storescu
// (a separate program, its default Non-Downgrading BCP 195 profile) as the modality.
#include <gtest/gtest.h>

#include "gateway_harness.hpp"
#include "test_pki.hpp"

namespace gw::test {
namespace {

class DicomTlsEndToEnd : public testing::Test {
 protected:
  void SetUp() override {
    pki_ = make_test_pki(harness_.dir() / "pki");
    harness_.add_dicom_setting("  tls:\n"
                               "    enabled: true\n"
                               "    port: 0\n"
                               "    certificate: " + pki_.server_certificate.string() + "\n"
                               "    private_key: " + pki_.server_key.string() + "\n"
                               "    ca_file: " + pki_.ca_certificate.string() + "\n");
    harness_.start_gateway();
    ASSERT_NE(harness_.tls_port(), 0);
  }

  /// storescu over TLS to the gateway's TLS port; `identity`: +tls KEY CERT, or +tla.
  int storescu(const std::vector<std::string>& identity, std::string& output) {
    std::vector<std::string> args = identity;
    for (const std::string& a : {std::string("+cf"), pki_.ca_certificate.string(),
                                 std::string("-aet"), std::string("TEST_SCU"),
                                 std::string("-aec"), std::string("AVARA_GW"),
                                 std::string("127.0.0.1"), std::to_string(harness_.tls_port()),
                                 harness_.fixture("ct_chest_s1_i1")}) {
      args.push_back(a);
    }
    return run_command(GW_STORESCU_PATH, args, output);
  }

  GatewayHarness harness_;
  TestPki pki_;
};

TEST_F(DicomTlsEndToEnd, AModalityWithATrustedCertificateGetsItsStudyRegistered) {
  std::string output;
  ASSERT_EQ(storescu({"+tls", pki_.client_key.string(), pki_.client_certificate.string()}, output), 0)
      << output;
  ASSERT_TRUE(harness_.wait_for_registrations(1)) << harness_.gateway().output();
  EXPECT_EQ(harness_.creates().size(), 1u);
}

TEST_F(DicomTlsEndToEnd, AModalityWithoutACertificateIsRefusedAndNothingIsStored) {
  std::string output;
  EXPECT_NE(storescu({"+tla"}, output), 0) << "storescu must report the refused association";
  ASSERT_TRUE(harness_.gateway().wait_for_line("reason=tls_handshake_failed",
                                               std::chrono::seconds(10)))
      << harness_.gateway().output();
  EXPECT_TRUE(harness_.creates().empty());
  // The plain port is untouched.
  EXPECT_TRUE(echo(harness_.sender()));
}

}  // namespace
}  // namespace gw::test
