// The listener under silence: idle associations are aborted and their worker reused, and
// TCP connections that never send an A-ASSOCIATE-RQ do not keep real senders out.
#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "listener_fixture.hpp"

namespace gw::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const std::string kInstance = std::string(GW_FIXTURE_DIR) + "/ct_chest_s1_i1.dcm";

int connect_silently(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// True once the peer has closed `fd` (read returns 0 or an error), within `limit`.
bool closed_by_peer_within(int fd, milliseconds limit) {
  pollfd pfd{fd, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(limit.count())) <= 0) return false;
  char byte;
  return ::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
}

using AssociationTimeouts = ListenerFixture;

TEST_F(AssociationTimeouts, AnIdleAssociationIsAbortedAndItsWorkerServesTheNextSender) {
  settings_.max_associations = 1;
  // Headroom: the second sender must try while the worker is still held, on a loaded machine.
  settings_.idle_timeout = milliseconds(3000);
  start();
  const auto before = rejected("idle_timeout");

  DcmSCU idle;
  idle.setAETitle("IDLE_SCU");
  idle.setPeerHostName("127.0.0.1");
  idle.setPeerPort(options_.port);
  idle.setPeerAETitle("AVARA_GW");
  idle.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  idle.setDIMSETimeout(10);
  OFList<OFString> syntaxes;
  syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
  idle.addPresentationContext(UID_VerificationSOPClass, syntaxes);
  ASSERT_TRUE(idle.initNetwork().good());
  ASSERT_TRUE(idle.negotiateAssociation().good());
  EXPECT_FALSE(send_files(options_, {kInstance}).associated) << "the only worker is taken";

  // Watchdog rather than a fixed sleep: the worker frees itself about three seconds later.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (listener_->open_associations() != 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_EQ(listener_->open_associations(), 0u);
  EXPECT_EQ(rejected("idle_timeout"), before + 1);
  EXPECT_FALSE(idle.sendECHORequest(0).good()) << "the idle association was aborted";

  const auto result = send_files(options_, {kInstance});
  ASSERT_TRUE(result.associated) << result.error;
  EXPECT_EQ(result.statuses, (std::vector<std::uint16_t>{0x0000}));
}

TEST_F(AssociationTimeouts, SilentConnectionsDoNotStarveARealSenderAndAreDroppedAtTheirDeadline) {
  settings_.max_associations = 2;
  settings_.acse_timeout = milliseconds(2000);
  start();
  const auto before = rejected("acse_timeout");
  std::vector<int> silent;
  for (int i = 0; i < 200; ++i) {
    const int fd = connect_silently(options_.port);
    ASSERT_GE(fd, 0);
    silent.push_back(fd);
  }

  const auto started = Clock::now();
  const auto result = send_files(options_, {kInstance});
  const auto took = Clock::now() - started;
  ASSERT_TRUE(result.associated) << result.error;
  EXPECT_EQ(result.statuses, (std::vector<std::uint16_t>{0x0000}));
  EXPECT_LT(took, settings_.acse_timeout) << "served before the silent connections' deadline";

  for (const int fd : silent) {
    EXPECT_TRUE(closed_by_peer_within(fd, milliseconds(5000)));
    ::close(fd);
  }
  EXPECT_EQ(rejected("acse_timeout"), before + 200);
}

}  // namespace
}  // namespace gw::test
