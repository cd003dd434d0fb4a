#include "commitment_peers.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmnet/scp.h>
#include <dcmtk/dcmnet/scu.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

namespace gw::test {
namespace {

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFString(tag, value);
  return value.c_str();
}

ReceivedReport read_report(Uint16 event_type, DcmDataset* dataset) {
  ReceivedReport report;
  report.event_type = event_type;
  if (dataset == nullptr) return report;
  report.transaction_uid = text(*dataset, DCM_TransactionUID);
  DcmSequenceOfItems* seq = nullptr;
  if (dataset->findAndGetSequence(DCM_ReferencedSOPSequence, seq).good() && seq) {
    for (unsigned long i = 0; i < seq->card(); ++i) {
      report.committed.push_back(text(*seq->getItem(i), DCM_ReferencedSOPInstanceUID));
    }
  }
  if (dataset->findAndGetSequence(DCM_FailedSOPSequence, seq).good() && seq) {
    for (unsigned long i = 0; i < seq->card(); ++i) {
      Uint16 reason = 0;
      seq->getItem(i)->findAndGetUint16(DCM_FailureReason, reason);
      report.failed.emplace_back(text(*seq->getItem(i), DCM_ReferencedSOPInstanceUID), reason);
    }
  }
  return report;
}

OFList<OFString> syntaxes() {
  OFList<OFString> list;
  list.push_back(UID_LittleEndianExplicitTransferSyntax);
  list.push_back(UID_LittleEndianImplicitTransferSyntax);
  return list;
}

}  // namespace

class ReportListener::Scp : public DcmSCP {
 public:
  explicit Scp(ReportListener& owner) : owner_(owner) {}
  std::atomic<bool> stop{false};

 protected:
  OFCondition handleIncomingCommand(T_DIMSE_Message* message,
                                    const DcmPresentationContextInfo& info) override {
    if (message->CommandField != DIMSE_N_EVENT_REPORT_RQ) {
      return DcmSCP::handleIncomingCommand(message, info);
    }
    DcmDataset* dataset = nullptr;
    Uint16 event_type = 0;
    const OFCondition cond = handleEVENTREPORTRequest(message->msg.NEventReportRQ,
                                                      info.presentationContextID, dataset, event_type);
    owner_.add(read_report(event_type, dataset));
    delete dataset;
    return cond;
  }
  OFBool stopAfterConnectionTimeout() override { return stop.load(); }
  OFBool stopAfterCurrentAssociation() override { return stop.load(); }

 private:
  ReportListener& owner_;
};

ReportListener::ReportListener(std::uint16_t port, std::string ae_title)
    : port_(port), scp_(std::make_unique<Scp>(*this)) {
  scp_->setPort(port);
  scp_->setAETitle(ae_title.c_str());
  scp_->setConnectionBlockingMode(DUL_NOBLOCK);
  scp_->setConnectionTimeout(1);
  scp_->setHostLookupEnabled(OFFalse);
  // The gateway proposes its own (SCP) role through role selection, as PS3.4 J.3.3 asks. (One
  // profile holds each abstract syntax once, so the default-role fallback is refused here.)
  scp_->addPresentationContext(UID_StorageCommitmentPushModelSOPClass, syntaxes(), ASC_SC_ROLE_SCP);
  scp_->addPresentationContext(UID_VerificationSOPClass, syntaxes());
  thread_ = std::thread([this] { scp_->listen(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // listen() binds first thing
}

ReportListener::~ReportListener() {
  scp_->stop = true;
  thread_.join();
}

void ReportListener::add(ReceivedReport report) {
  {
    std::lock_guard lock(mutex_);
    reports_.push_back(std::move(report));
  }
  arrived_.notify_all();
}

std::vector<ReceivedReport> ReportListener::wait_for(std::size_t count,
                                                     std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, timeout, [&] { return reports_.size() >= count; });
  return reports_;
}

CommitmentAnswer ask_for_commitment(const CommitmentAsk& ask) {
  CommitmentAnswer answer;
  DcmSCU scu;
  scu.setAETitle(ask.calling_ae.c_str());
  scu.setPeerAETitle(ask.called_ae.c_str());
  scu.setPeerHostName(ask.host.c_str());
  scu.setPeerPort(ask.port);
  scu.setACSETimeout(10);
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  scu.setDIMSETimeout(30);
  scu.addPresentationContext(UID_StorageCommitmentPushModelSOPClass, syntaxes());
  OFCondition cond = scu.initNetwork();
  if (cond.good()) cond = scu.negotiateAssociation();
  if (cond.bad()) {
    answer.error = cond.text();
    return answer;
  }
  answer.associated = true;
  const T_ASC_PresentationContextID context =
      scu.findPresentationContextID(UID_StorageCommitmentPushModelSOPClass, "");
  if (context == 0) {
    answer.error = "Storage Commitment not accepted";
    scu.releaseAssociation();
    return answer;
  }
  DcmDataset request;
  request.putAndInsertString(DCM_TransactionUID, ask.transaction_uid.c_str());
  for (const auto& [sop_class, sop_instance] : ask.items) {
    DcmItem* item = nullptr;
    request.findOrCreateSequenceItem(DCM_ReferencedSOPSequence, item, -2);
    item->putAndInsertString(DCM_ReferencedSOPClassUID, sop_class.c_str());
    item->putAndInsertString(DCM_ReferencedSOPInstanceUID, sop_instance.c_str());
  }
  Uint16 status = 0xFFFF;
  cond = scu.sendACTIONRequest(context, UID_StorageCommitmentPushModelSOPInstance, 1, &request, status);
  if (cond.bad()) {
    answer.error = cond.text();
    scu.abortAssociation();
    return answer;
  }
  answer.action_status = status;
  if (ask.wait_for_report && status == 0) {
    DcmDataset* dataset = nullptr;
    Uint16 event_type = 0;
    cond = scu.handleEVENTREPORTRequest(dataset, event_type, static_cast<int>(ask.report_timeout.count()));
    if (cond.good()) answer.report = read_report(event_type, dataset);
    else answer.error = cond.text();
    delete dataset;
  }
  scu.releaseAssociation();
  return answer;
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::pair<std::string, std::string> sop_of(const std::string& file) {
  DcmFileFormat format;
  format.loadFile(file.c_str());
  return {text(*format.getDataset(), DCM_SOPClassUID), text(*format.getDataset(), DCM_SOPInstanceUID)};
}

}  // namespace gw::test
