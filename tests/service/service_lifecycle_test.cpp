// The gateway as a systemd service, end to end over the real process: the notification
// protocol in order, and SIGTERM during a transfer losing nothing.
#include <gtest/gtest.h>

#include <dcmtk/dcmnet/scu.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <thread>

#include "gateway_harness.hpp"
#include "notify_socket.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

/// NOTIFY_SOCKET and WATCHDOG_USEC for the gateway started next: the child inherits our
/// environment, and these tests start their gateway from the test thread only.
class ScopedNotifyEnvironment {
 public:
  explicit ScopedNotifyEnvironment(const std::string& socket) {
    ::setenv("NOTIFY_SOCKET", socket.c_str(), 1);
    ::setenv("WATCHDOG_USEC", "200000", 1);  // 200 ms: pings every 100 ms
  }
  ~ScopedNotifyEnvironment() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
  }
};

TEST(ServiceNotify, ReadyWatchdogReloadingAndStoppingArriveInOrder) {
  NotifySocket systemd;
  GatewayHarness harness;
  {
    ScopedNotifyEnvironment env(systemd.path());
    harness.start_gateway();
  }
  ASSERT_TRUE(systemd.wait_for("READY=1", 10s)) << harness.gateway().output();
  ASSERT_TRUE(systemd.wait_for("WATCHDOG=1", 5s));
  ASSERT_TRUE(systemd.wait_for("WATCHDOG=1", 5s, *systemd.find("WATCHDOG=1") + 1))
      << "pings keep coming from the event loop";

  const std::size_t before_reload = systemd.size();
  ::kill(harness.gateway().pid(), SIGHUP);
  ASSERT_TRUE(systemd.wait_for("READY=1", 10s, before_reload)) << harness.gateway().output();
  ASSERT_TRUE(harness.gateway().wait_for_line("event=config_reloaded", 5s));

  ::kill(harness.gateway().pid(), SIGTERM);
  ASSERT_TRUE(systemd.wait_for("STOPPING=1", 10s));
  EXPECT_EQ(harness.gateway().wait_exit(20s), 0) << harness.gateway().output();

  const auto ready = systemd.find("READY=1");
  const auto watchdog = systemd.find("WATCHDOG=1");
  const auto reloading = systemd.find("RELOADING=1");
  ASSERT_TRUE(ready && watchdog && reloading);
  const auto ready_again = systemd.find("READY=1", *reloading);
  const auto stopping = systemd.find("STOPPING=1");
  ASSERT_TRUE(ready_again && stopping);
  EXPECT_LT(*ready, *watchdog) << "no ping before start-up is over";
  EXPECT_LT(*watchdog, *reloading);
  EXPECT_LT(*reloading, *ready_again) << "READY=1 closes the reload";
  EXPECT_LT(*ready_again, *stopping);

  bool status_seen = false;
  for (const auto& line : systemd.lines()) {
    if (line.rfind("STATUS=", 0) == 0 && line.find("pending=") != std::string::npos &&
        line.find("last_error=") != std::string::npos) {
      status_seen = true;
    }
  }
  EXPECT_TRUE(status_seen) << "STATUS= carries the pending count and the last error";
}

TEST(ServiceNotify, WithoutNotifySocketTheGatewayRunsAndSendsNothing) {
  GatewayHarness harness;
  harness.start_gateway();
  EXPECT_EQ(harness.gateway().count_lines("event=sd_notify_failed"), 0);
  EXPECT_EQ(harness.stop_gateway(), 0);
}

std::vector<std::string> nine_fixtures(const GatewayHarness& h) {
  return {h.fixture("ct_chest_s1_i1"), h.fixture("ct_chest_s1_i2"), h.fixture("ct_chest_s2_i1"),
          h.fixture("ct_chest_s2_i2"), h.fixture("mr_brain_latin1_i1"),
          h.fixture("mr_brain_latin1_i2"), h.fixture("cr_no_description"),
          h.fixture("mr_head_japanese"), h.fixture("ct_phantom")};
}

std::set<std::string> registered_study_uids(const GatewayHarness& h) {
  std::set<std::string> uids;
  for (const auto& body : h.create_bodies()) {
    if (const auto* v = body.if_contains("studyInstanceUid"); v && v->is_string()) {
      uids.insert(std::string(v->as_string()));
    }
  }
  return uids;
}

TEST(Sigterm, DuringATransferTheAssociationFinishesAndEveryAcknowledgedStudyIsRegistered) {
  GatewayHarness harness;
  harness.start_gateway();
  std::vector<std::string> files;
  for (int round = 0; round < 6; ++round) {
    for (const auto& f : nine_fixtures(harness)) files.push_back(f);
  }
  SendResult sent;
  std::thread sender([&] { sent = send_files(harness.sender(), files); });
  ASSERT_TRUE(harness.gateway().wait_for_line("event=study_first_seen", 20s));
  ::kill(harness.gateway().pid(), SIGTERM);
  sender.join();
  EXPECT_EQ(harness.gateway().wait_exit(30s), 0) << harness.gateway().output();

  ASSERT_TRUE(sent.associated) << sent.error;
  EXPECT_EQ(sent.statuses, std::vector<std::uint16_t>(files.size(), 0x0000))
      << "the open association was allowed to finish: " << sent.error;
  std::size_t spooled = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(harness.dir() / "spool")) {
    if (entry.path().extension() == ".dcm") ++spooled;
  }
  EXPECT_EQ(spooled, 9u) << "every distinct acknowledged instance is in the spool";

  // Whatever was not registered before the stop is registered after the restart, once.
  harness.start_gateway();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (registered_study_uids(harness).size() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(registered_study_uids(harness).size(), 4u) << harness.gateway().output();
  EXPECT_EQ(harness.stop_gateway(), 0);
}

/// An association that is negotiated and then left idle, as a stuck modality would.
class IdleAssociation {
 public:
  explicit IdleAssociation(std::uint16_t port) {
    scu_.setPeerHostName("127.0.0.1");
    scu_.setPeerPort(port);
    scu_.setPeerAETitle("AVARA_GW");
    scu_.setAETitle("TEST_SCU");
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu_.addPresentationContext(UID_VerificationSOPClass, syntaxes);
    open_ = scu_.initNetwork().good() && scu_.negotiateAssociation().good();
  }
  bool open() const { return open_; }

 private:
  DcmSCU scu_;
  bool open_ = false;
};

TEST(Sigterm, AnAssociationStillOpenWhenTheGraceEndsIsBrokenAndTheGatewayExitsZero) {
  GatewayHarness harness;
  harness.start_gateway("shutdown_grace: 1s\n");
  IdleAssociation idle(harness.sender().port);
  ASSERT_TRUE(idle.open());
  ASSERT_TRUE(harness.gateway().wait_for_line("event=association_requested", 5s));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(harness.stop_gateway(), 0) << harness.gateway().output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(harness.gateway().count_lines("event=shutdown_grace_expired"), 1)
      << harness.gateway().output();
}

TEST(Sigterm, ASecondSigtermExitsAtOnceWithoutWaitingForTheGrace) {
  GatewayHarness harness;
  harness.start_gateway("shutdown_grace: 60s\n");
  IdleAssociation idle(harness.sender().port);
  ASSERT_TRUE(idle.open());
  ASSERT_TRUE(harness.gateway().wait_for_line("event=association_requested", 5s));
  ::kill(harness.gateway().pid(), SIGTERM);
  ASSERT_TRUE(harness.gateway().wait_for_line("event=gateway_stopping", 5s));
  const auto start = std::chrono::steady_clock::now();
  ::kill(harness.gateway().pid(), SIGTERM);
  EXPECT_EQ(harness.gateway().wait_exit(5s), 0) << harness.gateway().output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(harness.gateway().count_lines("event=gateway_stopping_now"), 1);
}

}  // namespace
}  // namespace gw::test
