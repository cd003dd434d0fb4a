// DICOM over TLS (issue #3): the listener's second port, over loopback, with DCMTK's own TLS
// SCU and certificates from a throwaway CA. What the sender sees: an association with a
// trusted certificate; a refused association (handshake failure) without one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "dicom_files.hpp"
#include "listener_fixture.hpp"
#include "test_pki.hpp"

namespace gw::test {
namespace {

class DicomTls : public TlsListenerFixture {
 protected:
  DicomTls() {
    settings_.acse_timeout = std::chrono::milliseconds(1000);
    instance_ = (dir_ / "ct.dcm").string();
    write_instance(instance_, {"1.2.826.0.1.3680043.9.7433.1.1", "1.2.826.0.1.3680043.9.7433.1.1.1"});
  }

  /// Options for the TLS port, presenting `certificate` (empty: none).
  SendOptions over_tls(const std::filesystem::path& certificate = {},
                       const std::filesystem::path& key = {}) const {
    SendOptions o = options_;
    o.port = listener_->tls_port();
    o.tls = TlsOptions{certificate.string(), key.string(), pki_.ca_certificate.string(), ""};
    return o;
  }
  SendOptions trusted() const { return over_tls(pki_.client_certificate, pki_.client_key); }

  /// tls_handshake_failed, once the count has moved past `before` (or after 5 s). The accept
  /// thread counts a failed handshake after its alert has left, so the sender can see the
  /// failure first and a single read races the count (seen under TSan, which slows the accept
  /// thread). Still exact: one failure must add exactly one.
  std::uint64_t handshake_failures_after(std::uint64_t before) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (rejected("tls_handshake_failed") == before &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return rejected("tls_handshake_failed");
  }

  std::string instance_;
};

TEST_F(DicomTls, ASenderWithATrustedCertificateStoresAndEchoes) {
  start();
  ASSERT_NE(listener_->tls_port(), 0);
  const SendResult sent = send_files(trusted(), {instance_});
  ASSERT_TRUE(sent.associated) << sent.error;
  ASSERT_EQ(sent.statuses, std::vector<std::uint16_t>{0x0000});
  EXPECT_EQ(sink_.stored(), 1u);
  EXPECT_TRUE(echo(trusted()));
}

TEST_F(DicomTls, ASenderWithoutACertificateIsRefusedWhenOneIsRequired) {
  start();
  const auto before = rejected("tls_handshake_failed");
  const SendResult sent = send_files(over_tls(), {instance_});
  EXPECT_FALSE(sent.associated) << "the handshake must fail: no client certificate";
  EXPECT_EQ(sink_.stored(), 0u);
  EXPECT_EQ(handshake_failures_after(before), before + 1);
  EXPECT_TRUE(echo(trusted())) << "the next trusted sender is served";
}

TEST_F(DicomTls, ASenderWhoseCertificateNoTrustedCaSignedIsRefused) {
  start();
  const auto before = rejected("tls_handshake_failed");
  const SendResult sent =
      send_files(over_tls(pki_.stranger_certificate, pki_.stranger_key), {instance_});
  EXPECT_FALSE(sent.associated);
  EXPECT_EQ(sink_.stored(), 0u);
  EXPECT_EQ(handshake_failures_after(before), before + 1);
}

TEST_F(DicomTls, OptionalClientCertificatesAdmitNoneButStillRefuseAnUntrustedOne) {
  settings_.tls->require_client_certificate = false;
  start();
  EXPECT_TRUE(echo(over_tls())) << "no certificate: accepted";
  EXPECT_TRUE(echo(trusted()));
  EXPECT_FALSE(echo(over_tls(pki_.stranger_certificate, pki_.stranger_key)))
      << "a certificate that is shown must chain to ca_file";
}

TEST_F(DicomTls, PlainAndTlsPortsServeSideBySideAndRefuseTheOtherProtocol) {
  start();
  ASSERT_NE(listener_->port(), listener_->tls_port());
  EXPECT_TRUE(echo(options_)) << "plain port, plain DICOM";
  EXPECT_TRUE(echo(trusted())) << "TLS port, DICOM over TLS";

  const auto before = rejected("tls_handshake_failed");
  SendOptions plain_to_tls = options_;
  plain_to_tls.port = listener_->tls_port();
  EXPECT_FALSE(echo(plain_to_tls)) << "plain DICOM on the TLS port";
  EXPECT_EQ(handshake_failures_after(before), before + 1);

  SendOptions tls_to_plain = trusted();
  tls_to_plain.port = listener_->port();
  EXPECT_FALSE(echo(tls_to_plain)) << "a TLS ClientHello on the plain port";
  EXPECT_TRUE(echo(options_));
  EXPECT_TRUE(echo(trusted()));
}

TEST_F(DicomTls, MinVersion13RefusesASenderThatOffersOnlyTls12) {
  SendOptions tls12 = [this] {
    start();
    SendOptions o = trusted();
    o.tls->max_version = "1.2";
    return o;
  }();
  EXPECT_TRUE(echo(tls12)) << "the default floor (BCP 195) is TLS 1.2";
  listener_.reset();

  settings_.tls->min_version = gw::dicom::TlsVersion::v1_3;
  start();
  tls12.port = listener_->tls_port();
  EXPECT_FALSE(echo(tls12)) << "min_version 1.3";
  SendOptions tls13 = trusted();
  EXPECT_TRUE(echo(tls13));
}

TEST_F(DicomTls, AStalledHandshakeNeitherBlocksOtherSendersNorOutlivesTheAcseTimeout) {
  start();
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(listener_->tls_port());
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  const unsigned char partial_hello[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};  // then nothing
  ASSERT_EQ(::send(fd, partial_hello, sizeof partial_hello, MSG_NOSIGNAL), 6);

  EXPECT_TRUE(echo(trusted())) << "served while a handshake is stalled";
  EXPECT_TRUE(echo(options_));

  // Closed by the gateway at its 1 s ACSE deadline (read returns 0), not left open.
  pollfd pfd{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 10'000), 1) << "still open 10 s later";
  char byte = 0;
  EXPECT_LE(::recv(fd, &byte, 1, 0), 0);
  ::close(fd);
}

TEST_F(DicomTls, AMissingCertificateStopsTheStartWithTheKeyAndFileNamed) {
  settings_.tls->certificate = dir_ / "absent.pem";
  try {
    start();
    FAIL() << "start() must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("dicom.tls.certificate"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("absent.pem"), std::string::npos) << e.what();
  }
}

TEST_F(DicomTls, AKeyThatDoesNotMatchTheCertificateStopsTheStart) {
  settings_.tls->private_key = pki_.client_key;
  try {
    start();
    FAIL() << "start() must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("mismatch"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gw::test
