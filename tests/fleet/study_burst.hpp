#pragma once
// Studies made in the test and sent so that one study's instances travel on different
// associations: through a round-robin balancer they land on different nodes.
#include <atomic>
#include <chrono>
#include <thread>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dicom_sender.hpp"

namespace gw::test {

/// Generated DICOM files: files[s][k] is instance k of study uids[s]. Value type.
struct GeneratedStudies {
  std::vector<std::string> uids;
  std::vector<std::vector<std::string>> files;
};

/// Writes `count` studies of `instances` CT instances each under `folder`; `tag` keeps the
/// UIDs of two batches in one test apart.
GeneratedStudies make_studies(const std::filesystem::path& folder, const std::string& tag,
                              int count, int instances);

/// What became of one instance: the DIMSE status, or none when no response came (the
/// association was refused or broke off). Value type.
struct InstanceOutcome {
  std::string study_uid;
  std::optional<std::uint16_t> status;
};

/// Sends on `lanes` concurrent threads (lanes a multiple of the instance count): lane j sends
/// instance j % K of every (lanes / K)-th study, `per_association` files per association, so
/// instance k of a study never shares an association with instance k' of it. `acknowledged`,
/// when given, counts Success responses as they arrive. Blocks until every lane is done.
std::vector<InstanceOutcome> send_spread(const SendOptions& options, const GeneratedStudies& studies,
                                         int lanes, int per_association,
                                         std::atomic<int>* acknowledged = nullptr);

/// send_spread() on a thread of its own, so that a test can act (kill a node, stop the
/// database) while the senders run. Joined by outcomes() or, when an ASSERT returned early,
/// by the destructor: the senders never outlive the test.
class BackgroundBurst {
 public:
  BackgroundBurst(const SendOptions& options, const GeneratedStudies& studies, int lanes,
                  int per_association);
  ~BackgroundBurst();
  BackgroundBurst(const BackgroundBurst&) = delete;
  BackgroundBurst& operator=(const BackgroundBurst&) = delete;

  /// Waits (at most `timeout`) until `count` instances were acknowledged with Success.
  bool wait_acknowledged(int count, std::chrono::seconds timeout);
  /// Waits for every lane and returns what became of each instance.
  std::vector<InstanceOutcome> outcomes();

 private:
  std::atomic<int> acknowledged_{0};
  std::vector<InstanceOutcome> outcomes_;
  std::thread thread_;
};

}  // namespace gw::test
