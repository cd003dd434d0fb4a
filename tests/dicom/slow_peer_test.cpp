// The accept path never waits on a peer (#17). A peer that announced a 100 kB A-ASSOCIATE-RQ
// and trickled it (plain port: after 64 KiB; TLS port: after its first byte) used to hold the
// accept thread inside DCMTK's blocking read, and no other sender got in. Now the request is
// read into memory without blocking, under the ACSE deadline, before DCMTK sees it.
#include <algorithm>
#include <future>
#include <thread>

#include "dicom_bytes.hpp"
#include "dicom_files.hpp"
#include "listener_fixture.hpp"
#include "pdu_bytes.hpp"
#include "raw_peer.hpp"
#include "slow_peer.hpp"
#include "test_pki.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Longer than the 5 s a sender is given: before #17 a trickler held the accept thread this
// long (or longer), so the watchdog below failed.
constexpr auto kAcseTimeout = 6s;
constexpr auto kTrickle = 100ms;  // one byte per interval: 60 bytes per ACSE timeout

/// An A-ASSOCIATE-RQ header announcing `length` bytes, followed by that many zero bytes.
Bytes announced_request(std::uint32_t length) {
  Bytes bytes(6 + std::size_t{length}, 0);
  bytes[0] = 0x01;
  for (int i = 0; i < 4; ++i) bytes[2 + i] = static_cast<std::uint8_t>(length >> (24 - 8 * i));
  return bytes;
}

/// A valid A-ASSOCIATE-RQ of about 100 kB: 64 CT contexts, each proposing 39 transfer
/// syntaxes the gateway does not know before explicit VR little endian (DCMTK reads at most 50
/// per context).
Bytes large_request() {
  std::vector<std::string> syntaxes;
  for (int i = 0; i < 39; ++i) {
    syntaxes.push_back("1.2.826.0.1.3680043.10.543.999." + std::to_string(1000 + i));
  }
  syntaxes.push_back(std::string(kExplicitLittle));
  std::vector<Bytes> contexts;
  for (int id = 1; id < 128; id += 2) {
    contexts.push_back(presentation_context(static_cast<std::uint8_t>(id), kCtImageStorage, syntaxes));
  }
  return associate_rq(contexts);
}

class SlowPeers : public TlsListenerFixture {
 protected:
  SlowPeers() {
    settings_.acse_timeout = kAcseTimeout;
    for (const auto& [name, uid] : {std::pair{"plain", "1"}, std::pair{"tls", "2"}}) {
      const std::string study = std::string("1.2.826.0.1.3680043.10.543.820.") + uid;
      write_instance((dir_ / (std::string(name) + ".dcm")).string(), {study, study + ".1"});
    }
  }

  SendOptions trusted() const {
    SendOptions o = options_;
    o.port = listener_->tls_port();
    o.tls = TlsOptions{pki_.client_certificate.string(), pki_.client_key.string(),
                       pki_.ca_certificate.string(), ""};
    return o;
  }
  static TlsClientFiles client_files() {
    return {pki_.client_certificate, pki_.client_key, pki_.ca_certificate};
  }

  template <class Condition>
  static bool wait_until(Condition done, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  /// The watchdog: each sender (the plain port, the TLS port) stores one study within `limit`,
  /// all at once.
  void expect_senders_served_within(std::chrono::seconds limit, std::vector<SendOptions> senders) {
    const auto watchdog = Clock::now() + limit;
    const char* files[] = {"plain.dcm", "tls.dcm"};
    std::vector<std::future<SendResult>> sent;
    for (std::size_t i = 0; i < senders.size(); ++i) {
      sent.push_back(std::async(std::launch::async, [this, o = senders[i], file = files[i % 2]] {
        return send_files(o, {(dir_ / file).string()});
      }));
    }
    for (std::size_t i = 0; i < sent.size(); ++i) {
      ASSERT_EQ(sent[i].wait_until(watchdog), std::future_status::ready)
          << "sender " << i << " (port " << senders[i].port << ") kept out";
      const SendResult result = sent[i].get();
      ASSERT_TRUE(result.associated) << result.error;
      EXPECT_EQ(result.statuses, std::vector<std::uint16_t>{0x0000});
    }
  }

  /// Each peer is closed by the gateway at its ACSE deadline, and counted so.
  void expect_dropped_at_acse_timeout(const std::vector<const SlowPeer*>& peers,
                                      std::uint64_t before) {
    EXPECT_TRUE(wait_until([&] {
      return std::all_of(peers.begin(), peers.end(), [](const SlowPeer* p) { return p->closed(); });
    }, kAcseTimeout + 3s));
    for (const SlowPeer* peer : peers) EXPECT_EQ(peer->failure(), "closed by the gateway");
    EXPECT_TRUE(wait_until([&] { return rejected("acse_timeout") == before + peers.size(); }, 2s))
        << rejected("acse_timeout") - before;
  }

};

TEST_F(SlowPeers, ASlowRequestOnThePlainPortAndASlowClientHelloOnTheTlsPortDelayNoSender) {
  start();
  const auto before = rejected("acse_timeout");
  SlowPeer request(listener_->port(), announced_request(100 * 1024), 64 * 1024 + 6, kTrickle);
  SlowPeer hello(listener_->tls_port(), client_hello(), 0, kTrickle);
  // Both have sent their burst and a few bytes more: the gateway is reading them.
  ASSERT_TRUE(wait_until([&] { return request.trickled() >= 3 && hello.trickled() >= 3; }, 5s))
      << request.failure() << " / " << hello.failure();

  expect_senders_served_within(5s, {options_, trusted()});
  expect_dropped_at_acse_timeout({&request, &hello}, before);
}

TEST_F(SlowPeers, ASlowRequestInsideTlsDelaysNoSender) {
  // Before #17 the accept thread handed the connection to DCMTK at the request's first
  // decrypted byte; DCMTK then waited for the rest.
  start();
  const auto before = rejected("acse_timeout");
  SlowPeer request(listener_->tls_port(), announced_request(100 * 1024), 16 * 1024, kTrickle,
                   client_files());
  ASSERT_TRUE(wait_until([&] { return request.trickled() >= 3; }, 5s)) << request.failure();

  expect_senders_served_within(5s, {options_, trusted()});
  expect_dropped_at_acse_timeout({&request}, before);
}

TEST_F(SlowPeers, AHundredKilobyteRequestThatArrivesInPiecesIsAccepted) {
  // The request is read into memory and parsed by DCMTK from there: a real one larger than
  // the 64 KiB the accept thread used to wait for, sent in pieces, is answered as before.
  start();
  const Bytes rq = large_request();
  ASSERT_GT(rq.size(), 100'000u);
  RawPeer peer(options_.port);
  ASSERT_TRUE(peer.connected());
  ASSERT_TRUE(peer.send(Bytes(rq.begin(), rq.begin() + 64 * 1024)));
  for (std::size_t at = 64 * 1024; at < rq.size(); at += 4096) {
    std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(peer.send(Bytes(rq.begin() + at, rq.begin() + std::min(at + 4096, rq.size()))));
  }
  const auto answer = peer.read_pdu(3000ms);
  ASSERT_TRUE(answer.has_value()) << "no answer to the A-ASSOCIATE-RQ";
  EXPECT_EQ((*answer)[0], 0x02) << "not an A-ASSOCIATE-AC";
}

}  // namespace
}  // namespace gw::test
