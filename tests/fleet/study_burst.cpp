#include "study_burst.hpp"

#include <mutex>
#include <stdexcept>
#include <thread>

#include "dicom_files.hpp"

namespace gw::test {

GeneratedStudies make_studies(const std::filesystem::path& folder, const std::string& tag,
                              int count, int instances) {
  std::filesystem::create_directories(folder);
  GeneratedStudies out;
  for (int s = 0; s < count; ++s) {
    InstanceSpec spec;
    spec.study_uid = "1.2.826.0.1.3680043.10.543.19." + tag + "." + std::to_string(s + 1);
    spec.description = "Fleet study " + tag + " " + std::to_string(s + 1);
    spec.patient_id = "FLEET" + std::to_string(s + 1);
    spec.accession_number = "F" + tag + std::to_string(s + 1);
    std::vector<std::string> files;
    for (int k = 0; k < instances; ++k) {
      spec.sop_uid = spec.study_uid + ".1." + std::to_string(k + 1);
      const auto path = folder / (tag + "-" + std::to_string(s + 1) + "-" + std::to_string(k + 1) + ".dcm");
      write_instance(path.string(), spec);
      files.push_back(path.string());
    }
    out.uids.push_back(spec.study_uid);
    out.files.push_back(std::move(files));
  }
  return out;
}

std::vector<InstanceOutcome> send_spread(const SendOptions& options, const GeneratedStudies& studies,
                                         int lanes, int per_association,
                                         std::atomic<int>* acknowledged) {
  const int instances = studies.files.empty() ? 1 : static_cast<int>(studies.files.front().size());
  if (lanes % instances != 0) throw std::invalid_argument("lanes must be a multiple of the instances");
  const int stride = lanes / instances;
  std::mutex mutex;
  std::vector<InstanceOutcome> outcomes;
  std::vector<std::thread> threads;
  for (int lane = 0; lane < lanes; ++lane) {
    threads.emplace_back([&, lane] {
      const auto k = static_cast<std::size_t>(lane % instances);
      std::vector<std::pair<std::string, std::string>> mine;  // (study, file)
      for (std::size_t s = static_cast<std::size_t>(lane / instances); s < studies.uids.size();
           s += static_cast<std::size_t>(stride)) {
        mine.emplace_back(studies.uids[s], studies.files[s][k]);
      }
      for (std::size_t begin = 0; begin < mine.size(); begin += static_cast<std::size_t>(per_association)) {
        const std::size_t end = std::min(mine.size(), begin + static_cast<std::size_t>(per_association));
        std::vector<std::string> files;
        for (std::size_t i = begin; i < end; ++i) files.push_back(mine[i].second);
        const SendResult sent = send_files(options, files);
        std::lock_guard lock(mutex);
        for (std::size_t i = begin; i < end; ++i) {
          InstanceOutcome outcome{mine[i].first, std::nullopt};
          if (i - begin < sent.statuses.size()) outcome.status = sent.statuses[i - begin];
          if (acknowledged && outcome.status == 0x0000) ++*acknowledged;
          outcomes.push_back(std::move(outcome));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return outcomes;
}

BackgroundBurst::BackgroundBurst(const SendOptions& options, const GeneratedStudies& studies,
                                 int lanes, int per_association)
    : thread_([this, options, &studies, lanes, per_association] {
        outcomes_ = send_spread(options, studies, lanes, per_association, &acknowledged_);
      }) {}

BackgroundBurst::~BackgroundBurst() {
  if (thread_.joinable()) thread_.join();
}

bool BackgroundBurst::wait_acknowledged(int count, std::chrono::seconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (acknowledged_ < count && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return acknowledged_ >= count;
}

std::vector<InstanceOutcome> BackgroundBurst::outcomes() {
  if (thread_.joinable()) thread_.join();
  return outcomes_;
}

}  // namespace gw::test
