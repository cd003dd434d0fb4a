#pragma once
// Storage Commitment from the requester's side, with DCMTK's own classes: a DcmSCU that sends
// the N-ACTION-RQ (and may wait for the report on its association), and a DcmSCP that takes
// N-EVENT-REPORT-RQs on associations the gateway opens (SCP/SCU role selection accepted).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gw::test {

/// One N-EVENT-REPORT-RQ as the requester read it.
struct ReceivedReport {
  std::uint16_t event_type = 0;
  std::string transaction_uid;
  std::vector<std::string> committed;  // Referenced SOP Instance UIDs
  std::vector<std::pair<std::string, std::uint16_t>> failed;  // SOP Instance UID, Failure Reason
};

struct CommitmentAsk {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string calling_ae = "TEST_SCU";
  std::string called_ae = "AVARA_GW";
  std::string transaction_uid;
  std::vector<std::pair<std::string, std::string>> items;  // SOP Class UID, SOP Instance UID
  bool wait_for_report = false;  // on this association, before releasing it
  std::chrono::seconds report_timeout{20};
};

struct CommitmentAnswer {
  bool associated = false;
  std::string error;
  std::optional<std::uint16_t> action_status;  // of the N-ACTION-RSP
  std::optional<ReceivedReport> report;        // received on the same association
};

/// Opens one association, sends the N-ACTION-RQ, and (when asked) waits for the report.
CommitmentAnswer ask_for_commitment(const CommitmentAsk& ask);

/// A free TCP port on 127.0.0.1 (bound and released: a test peer then listens there).
std::uint16_t free_port();

/// The requester's own SCP: listens on `port` for the gateway's reports until destroyed.
class ReportListener {
 public:
  ReportListener(std::uint16_t port, std::string ae_title = "TEST_SCU");
  ~ReportListener();
  /// Waits (watchdog) until `count` reports arrived; returns those received.
  std::vector<ReceivedReport> wait_for(std::size_t count, std::chrono::milliseconds timeout);
  std::uint16_t port() const { return port_; }

  class Scp;

 private:
  friend class Scp;
  void add(ReceivedReport report);
  std::uint16_t port_;
  std::unique_ptr<Scp> scp_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<ReceivedReport> reports_;
};

/// The SOP Class and SOP Instance UIDs of a DICOM file.
std::pair<std::string, std::string> sop_of(const std::string& file);

}  // namespace gw::test
