// Hostile peers on the DICOM port, over loopback, with raw sockets for what DCMTK's SCU cannot
// send: garbage, TLS, lying PDU lengths, cut-off requests, aborts mid-dataset, fragments out of
// order. Each test ends with a real DcmSCU sender being served: the listener survived.
#include <random>
#include <thread>

#include "dicom_bytes.hpp"
#include "listener_fixture.hpp"
#include "pdu_bytes.hpp"
#include "raw_peer.hpp"
#include "raw_store_sender.hpp"

namespace gw::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const std::string kInstance = std::string(GW_FIXTURE_DIR) + "/ct_chest_s1_i1.dcm";

// --- PDU helpers (PS3.8 §9.3) ---------------------------------------------------------------

constexpr std::uint8_t kCommand = 0x01;  // message control header bits (PS3.8 §E.2)
constexpr std::uint8_t kLast = 0x02;

/// A P-DATA-TF carrying one PDV on presentation context 1.
Bytes p_data(std::uint8_t control, const Bytes& fragment) {
  DicomBytes body(true, true);
  body.u32(static_cast<std::uint32_t>(fragment.size() + 2))
      .raw(std::string{'\1', static_cast<char>(control)})
      .raw(fragment);
  return pdu(0x04, body.bytes());
}

Bytes a_abort() { return pdu(0x07, Bytes{0, 0, 0, 0}); }

/// The C-STORE-RQ command set, implicit VR little endian (PS3.7 §9.3.1.1), without the
/// command element `omit` when one is named (0x0110 MessageID, 0x1000 AffectedSOPInstanceUID).
Bytes store_command(std::string_view sop_instance, std::uint16_t omit = 0xFFFF) {
  DicomBytes body(false);
  body.element(0x0000, 0x0002, "UI", kCtImageStorage)
      .tag(0x0000, 0x0100).u32(2).u16(0x0001);  // C-STORE-RQ
  if (omit != 0x0110) body.tag(0x0000, 0x0110).u32(2).u16(1);  // MessageID
  body.tag(0x0000, 0x0700).u32(2).u16(0)                       // medium priority
      .tag(0x0000, 0x0800).u32(2).u16(0);                      // a dataset follows
  if (omit != 0x1000) body.element(0x0000, 0x1000, "UI", sop_instance);
  DicomBytes command(false);
  command.tag(0x0000, 0x0000)
      .u32(4)
      .u32(static_cast<std::uint32_t>(body.bytes().size()))
      .raw(body.bytes());
  return command.bytes();
}

/// A CT instance with 64 KiB of pixel data, explicit VR little endian.
Bytes ct_dataset(const std::string& sop_uid) {
  DicomBytes d;
  d.element(0x0008, 0x0016, "UI", kCtImageStorage)
      .element(0x0008, 0x0018, "UI", sop_uid)
      .element(0x0020, 0x000D, "UI", sop_uid + ".0")
      .element(0x7FE0, 0x0010, "OW", std::string(64 * 1024, '\x5a'));
  return d.bytes();
}

// --- the fixture ----------------------------------------------------------------------------

class NetworkAbuse : public ListenerFixture {
 protected:
  NetworkAbuse() {
    settings_.acse_timeout = milliseconds(1000);
    // A safety net, far above what any test expects: a hung worker still ends.
    settings_.idle_timeout = milliseconds(5000);
  }

  /// An association accepted on a raw socket; fails the test otherwise.
  void associate(RawPeer& peer) {
    ASSERT_TRUE(peer.connected());
    ASSERT_TRUE(peer.send(associate_rq()));
    const auto answer = peer.read_pdu(milliseconds(2000));
    ASSERT_TRUE(answer.has_value()) << "no answer to the A-ASSOCIATE-RQ";
    ASSERT_EQ((*answer)[0], 0x02) << "not an A-ASSOCIATE-AC";
    wait_until([this] { return listener_->open_associations() == 1; });
  }

  template <class Condition>
  static bool wait_until(Condition done, milliseconds limit = milliseconds(2500)) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return true;
  }

  bool incoming_empty() const { return std::filesystem::is_empty(settings_.incoming_dir); }

  /// The listener is alive: a real DcmSCU sender is stored, and nothing is left behind.
  void expect_next_sender_served() {
    ASSERT_TRUE(wait_until([this] { return listener_->open_associations() == 0; }))
        << "the hostile association still holds a worker";
    const unsigned before = sink_.stored();
    const auto result = send_files(options_, {kInstance});
    ASSERT_TRUE(result.associated) << result.error;
    EXPECT_EQ(result.statuses, (std::vector<std::uint16_t>{0x0000}));
    EXPECT_EQ(sink_.stored(), before + 1);
    EXPECT_TRUE(incoming_empty());
  }
};

// --- before the association -----------------------------------------------------------------

TEST_F(NetworkAbuse, GarbageBytesAreDroppedAndTheNextSenderIsServed) {
  // The user sees nothing but a log line and a counted rejection; the noisy peer is cut off.
  start();
  const auto before = rejected("receive_failed");
  Bytes garbage(4096);
  std::mt19937 random(8);
  for (auto& b : garbage) b = static_cast<std::uint8_t>(random());
  garbage[0] = 0xA7;  // not a PDU type; a leading 0x01 would wait for the ACSE timeout instead

  RawPeer peer(options_.port);
  ASSERT_TRUE(peer.connected());
  peer.send(garbage);  // the gateway may close before it has all of it
  EXPECT_TRUE(peer.closed_by_peer_within(milliseconds(1500)));
  EXPECT_TRUE(wait_until([&] { return rejected("receive_failed") == before + 1; }));
  expect_next_sender_served();
}

TEST_F(NetworkAbuse, ATlsClientHelloIsDroppedAndTheNextSenderIsServed) {
  // A viewer or scanner configured for DICOM-TLS against the plain port: its handshake fails
  // at once (connection closed), the gateway logs and counts it and goes on.
  start();
  const auto before = rejected("receive_failed");
  // TLS 1.0 record, handshake, ClientHello with one cipher suite, no extensions.
  Bytes hello = {0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x03};
  hello.insert(hello.end(), 32, 0x42);             // random
  hello.insert(hello.end(), {0x00,                 // session id
                             0x00, 0x02, 0x13, 0x01,  // TLS_AES_128_GCM_SHA256
                             0x01, 0x00});         // null compression
  RawPeer peer(options_.port);
  ASSERT_TRUE(peer.connected());
  ASSERT_TRUE(peer.send(hello));
  EXPECT_TRUE(peer.closed_by_peer_within(milliseconds(1500)));
  EXPECT_TRUE(wait_until([&] { return rejected("receive_failed") == before + 1; }));
  expect_next_sender_served();
}

TEST_F(NetworkAbuse, ATruncatedAssociateRequestIsDroppedWhenItsSenderStops) {
  // A sender that dies half-way through its A-ASSOCIATE-RQ: its connection is closed as soon
  // as its stream ends, well before the ACSE timeout (2 s here), and holds no worker meanwhile.
  // It used to stay until the deadline, the accept thread spinning on its end-of-stream.
  settings_.acse_timeout = milliseconds(2000);
  start();
  const auto request = associate_rq();
  RawPeer peer(options_.port);
  ASSERT_TRUE(peer.connected());
  ASSERT_TRUE(peer.send(Bytes(request.begin(), request.begin() + request.size() / 2)));
  peer.finish_sending();
  EXPECT_TRUE(peer.closed_by_peer_within(milliseconds(1000)));
  expect_next_sender_served();
}

TEST_F(NetworkAbuse, ATruncatedAssociateRequestFromAStalledSenderIsDroppedByTheAcseTimeout) {
  // Half a request, then silence with the connection held open: closed at the ACSE timeout.
  start();
  const auto before = rejected("acse_timeout");
  const auto request = associate_rq();
  RawPeer peer(options_.port);
  ASSERT_TRUE(peer.connected());
  ASSERT_TRUE(peer.send(Bytes(request.begin(), request.begin() + request.size() / 2)));
  EXPECT_TRUE(peer.closed_by_peer_within(milliseconds(1800)));
  EXPECT_EQ(rejected("acse_timeout"), before + 1);
  expect_next_sender_served();
}

TEST_F(NetworkAbuse, AnOversizedAssociateRequestIsDroppedByTheAcseTimeout) {
  // A peer announcing a 10 MB A-ASSOCIATE-RQ and sending nothing more: the gateway never
  // allocates or waits for it beyond the ACSE timeout, counted as "acse_timeout".
  start();
  const auto before = rejected("acse_timeout");
  RawPeer peer(options_.port);
  ASSERT_TRUE(peer.connected());
  ASSERT_TRUE(peer.send(Bytes{0x01, 0x00, 0x00, 0xA0, 0x00, 0x00}));  // 10,485,760 bytes
  const auto sent = Clock::now();
  EXPECT_TRUE(peer.closed_by_peer_within(milliseconds(1800)));
  EXPECT_LT(Clock::now() - sent, milliseconds(1800));
  EXPECT_EQ(rejected("acse_timeout"), before + 1);
  expect_next_sender_served();
}

// --- inside an association ------------------------------------------------------------------

TEST_F(NetworkAbuse, APduLongerThanWhatFollowsEndsTheAssociation) {
  // A P-DATA-TF that announces 1,000 bytes, carries 100, then the peer stops sending: the
  // association ends when the stream does, the worker is freed, nothing is stored.
  start();
  RawPeer peer(options_.port);
  associate(peer);
  const Bytes lying = {0x04, 0x00, 0x00, 0x00, 0x03, 0xE8};
  Bytes bytes = lying;
  bytes.insert(bytes.end(), 100, 0x00);
  ASSERT_TRUE(peer.send(bytes));
  peer.finish_sending();
  EXPECT_TRUE(peer.closed_by_peer_within(milliseconds(2000)));
  EXPECT_EQ(sink_.stored(), 0u);
  expect_next_sender_served();
}

TEST_F(NetworkAbuse, AnAbortInTheMiddleOfADatasetLeavesNoFileBehind) {
  // A modality that gives up mid-instance (A-ABORT): the half-written temporary file is
  // removed, nothing reaches the intake, and the modality resends later as it always does.
  start();
  RawPeer peer(options_.port);
  associate(peer);
  const std::string sop = "1.2.826.0.1.3680043.10.543.701";
  const auto dataset = ct_dataset(sop);
  ASSERT_TRUE(peer.send(p_data(kCommand | kLast, store_command(sop))));
  ASSERT_TRUE(peer.send(p_data(0, Bytes(dataset.begin(), dataset.begin() + dataset.size() / 2))));
  EXPECT_TRUE(wait_until([this] { return !incoming_empty(); })) << "no temporary file was written";
  ASSERT_TRUE(peer.send(a_abort()));
  EXPECT_TRUE(peer.closed_by_peer_within(milliseconds(2000)));
  EXPECT_TRUE(wait_until([this] { return listener_->open_associations() == 0; }));
  EXPECT_TRUE(incoming_empty()) << "the temporary file is removed";
  EXPECT_EQ(sink_.stored(), 0u);
  expect_next_sender_served();
}

TEST_F(NetworkAbuse, AConnectionClosedInTheMiddleOfADatasetLeavesNoFileBehind) {
  // The same, but the modality's socket just closes (cable pulled, process killed).
  start();
  RawPeer peer(options_.port);
  associate(peer);
  const std::string sop = "1.2.826.0.1.3680043.10.543.702";
  const auto dataset = ct_dataset(sop);
  ASSERT_TRUE(peer.send(p_data(kCommand | kLast, store_command(sop))));
  ASSERT_TRUE(peer.send(p_data(0, Bytes(dataset.begin(), dataset.begin() + dataset.size() / 2))));
  EXPECT_TRUE(wait_until([this] { return !incoming_empty(); })) << "no temporary file was written";
  peer.close();
  EXPECT_TRUE(wait_until([this] { return listener_->open_associations() == 0; }));
  EXPECT_TRUE(incoming_empty()) << "the temporary file is removed";
  EXPECT_EQ(sink_.stored(), 0u);
  expect_next_sender_served();
}

TEST_F(NetworkAbuse, ASopInstanceUidDifferentFromTheCommandIsRefused) {
  // The modality sees a C-STORE failure (0xC000 range) with "SOPInstanceUID differs from the
  // command"; the instance never reaches the intake.
  start();
  const std::string in_dataset = "1.2.826.0.1.3680043.10.543.703";
  const auto answer = send_raw_store(options_.port, std::string(kCtImageStorage), in_dataset + ".9",
                                     std::string(kExplicitLittle), ct_dataset(in_dataset));
  ASSERT_TRUE(answer.status.has_value()) << answer.error;
  EXPECT_GE(*answer.status, 0xC000);
  EXPECT_LE(*answer.status, 0xCFFF);
  EXPECT_NE(answer.error_comment.find("SOPInstanceUID differs"), std::string::npos)
      << answer.error_comment;
  EXPECT_EQ(sink_.stored(), 0u);
  EXPECT_TRUE(incoming_empty());
  expect_next_sender_served();
}

TEST_F(NetworkAbuse, ADatasetFragmentBeforeAnyCommandAbortsTheAssociation) {
  // A peer that sends dataset bytes where a command must come first: the gateway aborts that
  // association (the peer sees an A-ABORT and a closed connection) and serves the next.
  start();
  RawPeer peer(options_.port);
  associate(peer);
  ASSERT_TRUE(peer.send(p_data(kLast, ct_dataset("1.2.826.0.1.3680043.10.543.704"))));
  const auto answer = peer.read_pdu(milliseconds(1000));
  ASSERT_TRUE(answer.has_value()) << "no A-ABORT";
  EXPECT_EQ((*answer)[0], 0x07) << "not an A-ABORT";
  // DCMTK then waits (up to the ACSE timeout) for the peer to close, as PS3.8's ARTIM says.
  peer.close();
  EXPECT_EQ(sink_.stored(), 0u);
  expect_next_sender_served();
}

class MissingCommandField : public NetworkAbuse,
                            public testing::WithParamInterface<std::uint16_t> {};

TEST_P(MissingCommandField, AStoreCommandWithoutARequiredFieldStoresNothing) {
  // A C-STORE-RQ without its MessageID or AffectedSOPInstanceUID cannot be answered as the
  // standard asks: DCMTK refuses to parse the command and the association is aborted (the
  // peer sees an A-ABORT or a closed connection), nothing is stored, the next sender is served.
  start();
  const auto before = rejected("dimse_error");
  RawPeer peer(options_.port);
  associate(peer);
  const std::string uid = "1.2.826.0.1.3680043.10.543.705";
  ASSERT_TRUE(peer.send(p_data(kCommand | kLast, store_command(uid, GetParam()))));
  peer.send(p_data(kLast, ct_dataset(uid)));  // may fail: the gateway may have closed already
  const auto answer = peer.read_pdu(milliseconds(3000));
  if (answer) {
    EXPECT_EQ((*answer)[0], 0x07) << "expected an A-ABORT, got PDU type " << int((*answer)[0]);
  }
  peer.close();
  EXPECT_EQ(sink_.stored(), 0u);
  EXPECT_TRUE(wait_until([this] { return incoming_empty(); }));
  EXPECT_TRUE(wait_until([&] { return rejected("dimse_error") == before + 1; }))
      << "logged once as event=association_aborted reason=dimse_error";
  expect_next_sender_served();
}

INSTANTIATE_TEST_SUITE_P(NetworkAbuse, MissingCommandField,
                         testing::Values(std::uint16_t{0x0110}, std::uint16_t{0x1000}),
                         [](const testing::TestParamInfo<std::uint16_t>& info) {
                           return info.param == 0x0110 ? std::string("MessageID")
                                                       : std::string("AffectedSOPInstanceUID");
                         });

}  // namespace
}  // namespace gw::test
