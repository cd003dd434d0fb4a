// Hot reload: SIGHUP re-reads the routing rules while studies keep arriving. A study is routed
// once, by the rules in force when its first instance arrives, and keeps that decision; an
// invalid file changes nothing.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway_harness.hpp"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kCtStudy = "1.2.826.0.1.3680043.10.543.1";
constexpr const char* kMrStudy = "1.2.826.0.1.3680043.10.543.2";
constexpr const char* kCrStudy = "1.2.826.0.1.3680043.10.543.3";
constexpr const char* kJapaneseStudy = "1.2.826.0.1.3680043.10.543.4";

/// The rules after the change: MR becomes urgent, everything else goes to the first site.
std::string changed_routing_yaml() {
  return "routing:\n"
         "  rules:\n"
         "    - name: mr-stat\n"
         "      match: { Modality: MR }\n"
         "      assign:\n"
         "        assigned_to: " + kUser + "\n"
         "        severity: stat\n"
         "        metadata: { rules: changed }\n"
         "  default:\n"
         "    assign: { express_customer_id: " + kCustomer + ", metadata: { rules: changed } }\n";
}

/// Two errors: a regex that does not compile (its 4th line) and an unknown severity (its 5th).
std::string invalid_routing_yaml() {
  return "routing:\n"
         "  rules:\n"
         "    - name: broken\n"
         "      match: { StudyDescription: { regex: \"(unclosed\" } }\n"
         "      assign: { severity: critical }\n";
}

std::string str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

std::string metadata(const boost::json::object& o, const char* key) {
  const auto* m = o.if_contains("metadata");
  return m && m->is_object() ? str(m->as_object(), key) : std::string{};
}

class HotReload : public testing::Test {
 protected:
  void SetUp() override { harness_.start_gateway(); }

  /// Replaces the routing section of the running gateway's file; the rest stays as started.
  /// Returns the file's line number of the section's first line.
  int rewrite_routing(const std::string& routing_yaml) {
    std::stringstream text;
    text << std::ifstream(harness_.config_path()).rdbuf();
    const std::string config = text.str();
    const auto at = config.find("routing:\n");
    EXPECT_NE(at, std::string::npos) << config;
    const std::string kept = config.substr(0, at);
    std::ofstream(harness_.config_path(), std::ios::trunc) << kept << routing_yaml;
    return 1 + static_cast<int>(std::count(kept.begin(), kept.end(), '\n'));
  }

  /// SIGHUP, then waits until `count` lines carry `event` (the gateway answers each reload).
  bool reload_and_wait(const std::string& event, int count) {
    if (::kill(harness_.gateway().pid(), SIGHUP) != 0) return false;
    return harness_.gateway().wait_for_count("event=" + event + " ", count, 20s);
  }

  bool send(const std::vector<std::string>& fixtures) {
    std::vector<std::string> files;
    for (const auto& name : fixtures) files.push_back(harness_.fixture(name));
    const SendResult sent = send_files(harness_.sender(), files);
    return sent.associated && sent.statuses == std::vector<std::uint16_t>(files.size(), 0x0000);
  }

  /// The create body the viewer received for `uid`; fails the test when there is none.
  boost::json::object body_of(const std::string& uid) {
    for (auto& body : harness_.create_bodies()) {
      if (str(body, "studyInstanceUid") == uid) return body;
    }
    ADD_FAILURE() << "no registration of " << uid;
    return {};
  }

  int times_routed(const std::string& uid) {
    return harness_.gateway().count_lines("event=study_first_seen study_uid=" + uid + " ");
  }

  GatewayHarness harness_;
};

TEST_F(HotReload, StudiesAfterASighupFollowTheNewRulesAndStudiesRoutedBeforeKeepTheirDecision) {
  ASSERT_TRUE(send({"ct_chest_s1_i1", "mr_brain_latin1_i1"}));
  ASSERT_TRUE(harness_.wait_for_registrations(2)) << harness_.gateway().output();

  rewrite_routing(changed_routing_yaml());
  ASSERT_TRUE(reload_and_wait("config_reloaded", 1)) << harness_.gateway().output();

  // More instances of both known studies, and two new studies.
  ASSERT_TRUE(send({"ct_chest_s1_i2", "mr_brain_latin1_i2", "mr_head_japanese", "cr_no_description"}));
  ASSERT_TRUE(harness_.wait_for_registrations(4)) << harness_.gateway().output();

  EXPECT_EQ(harness_.creates().size(), 4u) << "the known studies are not registered again";
  EXPECT_EQ(times_routed(kCtStudy), 1);
  EXPECT_EQ(times_routed(kMrStudy), 1);

  const auto ct = body_of(kCtStudy);
  EXPECT_EQ(str(ct, "severity"), "high") << "routed before the reload, by ct-urgent";
  EXPECT_EQ(str(ct, "assignedTo"), kUser);
  const auto mr = body_of(kMrStudy);
  EXPECT_EQ(str(mr, "severity"), "normal") << "routed before the reload, by the old default";
  EXPECT_EQ(str(mr, "expressCustomerId"), kOtherCustomer);

  const auto japanese = body_of(kJapaneseStudy);
  EXPECT_EQ(str(japanese, "severity"), "stat") << "an MR after the reload: mr-stat";
  EXPECT_EQ(str(japanese, "assignedTo"), kUser);
  EXPECT_EQ(metadata(japanese, "rules"), "changed");
  const auto cr = body_of(kCrStudy);
  EXPECT_EQ(str(cr, "expressCustomerId"), kCustomer) << "the new default";
  EXPECT_EQ(metadata(cr, "rules"), "changed");
}

TEST_F(HotReload, AnInvalidFileIsRejectedWithEachProblemAndTheRunningRulesKeepWorking) {
  const int first_line = rewrite_routing(invalid_routing_yaml());
  ASSERT_TRUE(reload_and_wait("config_reload_rejected", 2)) << harness_.gateway().output();
  const std::string log = harness_.gateway().output();
  const std::string regex_at = harness_.config_path() + ":" + std::to_string(first_line + 3) + ":";
  const std::string severity_at = harness_.config_path() + ":" + std::to_string(first_line + 4) + ":";
  EXPECT_NE(log.find(regex_at), std::string::npos) << "the regex at " << regex_at << "\n" << log;
  EXPECT_NE(log.find(severity_at), std::string::npos) << "the severity at " << severity_at << "\n" << log;
  EXPECT_EQ(harness_.gateway().count_lines("event=config_reloaded "), 0);

  ASSERT_TRUE(send({"ct_chest_s1_i1"}));
  ASSERT_TRUE(harness_.wait_for_registrations(1)) << harness_.gateway().output();
  EXPECT_EQ(str(body_of(kCtStudy), "severity"), "high") << "the rules from start-up still route";

  // A corrected file is taken afterwards: the rejection left nothing behind.
  rewrite_routing(changed_routing_yaml());
  ASSERT_TRUE(reload_and_wait("config_reloaded", 1)) << harness_.gateway().output();
  ASSERT_TRUE(send({"mr_head_japanese"}));
  ASSERT_TRUE(harness_.wait_for_registrations(2)) << harness_.gateway().output();
  EXPECT_EQ(str(body_of(kJapaneseStudy), "severity"), "stat");
}

TEST_F(HotReload, AStudyWaitingForTheViewerAcrossAReloadIsSentAsItWasRoutedBeforeIt) {
  sim::Fault unavailable;
  unavailable.status = 503;
  unavailable.only_path_prefix = "/v1/viewer/studies";
  harness_.simulator().set_fault(unavailable);
  ASSERT_TRUE(send({"ct_chest_s1_i1"}));
  ASSERT_TRUE(harness_.gateway().wait_for_line("event=registration_retry", 20s))
      << "routed, and waiting for the viewer\n" << harness_.gateway().output();

  rewrite_routing(changed_routing_yaml());
  ASSERT_TRUE(reload_and_wait("config_reloaded", 1)) << harness_.gateway().output();
  harness_.simulator().clear_faults();
  ASSERT_TRUE(send({"mr_head_japanese"}));
  ASSERT_TRUE(harness_.wait_for_registrations(2)) << harness_.gateway().output();

  const auto ct = body_of(kCtStudy);
  EXPECT_EQ(str(ct, "severity"), "high") << "the decision made before the reload";
  EXPECT_EQ(str(ct, "assignedTo"), kUser);
  EXPECT_EQ(metadata(ct, "department"), "radiology");
  EXPECT_EQ(str(body_of(kJapaneseStudy), "severity"), "stat") << "routed after the reload";
}

TEST_F(HotReload, AssociationsGoOnUninterruptedWhileTheRulesAreReplacedAgainAndAgain) {
  // One thread keeps sending the same study; each reload waits for the next association to
  // finish, so associations and reloads interleave without any sleep.
  std::mutex mutex;
  std::condition_variable sent_one;
  bool stop = false;
  std::vector<SendResult> results;
  std::thread sender([&] {
    for (;;) {
      SendResult r = send_files(harness_.sender(), {harness_.fixture("ct_chest_s1_i1"),
                                                    harness_.fixture("ct_chest_s1_i2")});
      std::lock_guard lock(mutex);
      results.push_back(std::move(r));
      sent_one.notify_all();
      if (stop) return;
    }
  });
  const auto next_association = [&] {
    std::unique_lock lock(mutex);
    const std::size_t seen = results.size();
    return sent_one.wait_for(lock, 20s, [&] { return results.size() > seen; });
  };
  bool ok = next_association();
  for (int i = 1; ok && i <= 5; ++i) {
    rewrite_routing(i % 2 == 1 ? changed_routing_yaml() : test_routing_yaml());
    ok = reload_and_wait("config_reloaded", i) && next_association();
    EXPECT_TRUE(ok) << "reload " << i << "\n" << harness_.gateway().output();
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  sender.join();
  ASSERT_TRUE(ok);

  EXPECT_GE(results.size(), 6u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const SendResult& r = results[i];
    ASSERT_TRUE(r.associated && r.statuses == std::vector<std::uint16_t>(2, 0x0000))
        << "association " << i + 1 << " of " << results.size() << ": " << r.error << "\n"
        << harness_.gateway().output();
  }
  // The last reload took the changed rules: a new study follows them.
  ASSERT_TRUE(send({"cr_no_description"}));
  ASSERT_TRUE(harness_.wait_for_registrations(2)) << harness_.gateway().output();
  EXPECT_EQ(times_routed(kCtStudy), 1) << "resent many times, routed once";
  EXPECT_EQ(str(body_of(kCtStudy), "severity"), "high");
  EXPECT_EQ(str(body_of(kCrStudy), "expressCustomerId"), kCustomer);
}

}  // namespace
}  // namespace gw::test
