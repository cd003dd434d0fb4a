#include "gateway/dicom/dicom_listener.hpp"

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/dcmnet/dulstruc.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "accept_gate.hpp"
#include "association_refusal.hpp"
#include "dataset_facts.hpp"
#include "gateway/log/log.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway_transport.hpp"
#include "raw_socket.hpp"
#include "storage_scp.hpp"
#include "tls_server_context.hpp"

namespace gw::dicom {
namespace {

// The accept thread's longest sleep: how soon stop() is noticed.
constexpr std::chrono::milliseconds kPollSlice{200};

}  // namespace

/// Threads: one accept thread runs accept_loop(); `max_associations` workers run
/// worker_loop(), each creating a StorageScp for every association it serves.
/// We own this pool instead of DcmSCPPool because DCMTK 3.6.7's pool keeps every finished
/// worker alive (about 20 KB of RSS per association, without bound).
/// The accept thread accepts TCP connections itself (AcceptGate) and hands one to DCMTK only
/// once its TLS handshake is done and its A-ASSOCIATE-RQ is in memory whole, so no peer ever
/// blocks it; each is dropped at its own ACSE deadline.
class DicomListener::Impl {
 public:
  Impl(ListenerSettings settings, InstanceSink& sink)
      : settings_(std::move(settings)), sink_(sink), transport_(settings_.idle_timeout) {
    if (!settings_.policy) settings_.policy = std::make_shared<const CallerPolicy>();
    policy_ = settings_.policy;
    if (!settings_.metrics) {
      own_metrics_ = std::make_unique<metrics::GatewayMetrics>();
      settings_.metrics = own_metrics_.get();
    }
  }

  ~Impl() {
    if (tls_listen_fd_ >= 0) ::close(tls_listen_fd_);
  }

  void start() {
    // Certificates first: a TLS setup that cannot work stops the start before any port opens.
    if (settings_.tls) tls_context_ = std::make_unique<TlsServerContext>(*settings_.tls);
    std::filesystem::create_directories(settings_.incoming_dir);
    if (settings_.max_pdu > ASC_MAXIMUMPDUSIZE) {
      // dicom.max_pdu admits up to 1 MiB for newer DCMTKs; 3.6.7 receives at most 128 KiB.
      log::warning("dicom_max_pdu_reduced")
          .kv("configured", static_cast<std::uint64_t>(settings_.max_pdu))
          .kv("used", static_cast<std::uint64_t>(ASC_MAXIMUMPDUSIZE));
      settings_.max_pdu = ASC_MAXIMUMPDUSIZE;
    }
    config_.setAETitle(settings_.ae_title.c_str());
    config_.setMaxReceivePDULength(settings_.max_pdu);
    config_.setACSETimeout(seconds(settings_.acse_timeout));
    config_.setDIMSETimeout(seconds(settings_.dimse_timeout));
    config_.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    config_.setHostLookupEnabled(OFFalse);
    config_.setRespondWithCalledAETitle(OFTrue);

    // DCMTK binds every interface on the port it is given; we let it bind an ephemeral
    // port and swap in our own socket, bound to dicom.bind (and able to use port 0). DCMTK
    // closes it when the network is dropped; only this class accepts on it.
    const int own = open_listen_socket(settings_.bind_address, settings_.port);
    const OFCondition status = ASC_initializeNetwork(
        NET_ACCEPTOR, 0, static_cast<int>(config_.getACSETimeout()), &network_);
    if (status.bad()) {
      ::close(own);
      throw std::runtime_error(std::string("cannot initialize DICOM network: ") + status.text());
    }
    auto* key = reinterpret_cast<PRIVATE_NETWORKKEY*>(network_->network);
    listen_fd_ = key->networkSpecific.TCP.listenSocket;
    ::dup2(own, listen_fd_);  // dup2 keeps O_NONBLOCK: it is a property of the open socket
    ::close(own);
    port_ = bound_port(listen_fd_);
    ASC_setTransportLayer(network_, &transport_, 0);
    if (settings_.tls) {
      tls_listen_fd_ = open_listen_socket(settings_.bind_address, settings_.tls->port);
      tls_port_ = bound_port(tls_listen_fd_);
    }

    shared_config_ = std::make_unique<DcmSharedSCPConfig>(config_);
    for (unsigned i = 0; i < settings_.max_associations; ++i) {
      workers_.emplace_back([this] { worker_loop(); });
    }
    accept_thread_ = std::thread([this] { accept_loop(); });
    log::info("dicom_listening")
        .kv("ae_title", settings_.ae_title)
        .kv("address", settings_.bind_address)
        .kv("port", static_cast<unsigned>(port_))
        .kv("tls_port", static_cast<unsigned>(tls_port_))
        .kv("max_associations", settings_.max_associations);
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    if (accept_thread_.joinable()) accept_thread_.join();
    if (tls_listen_fd_ >= 0) ::close(std::exchange(tls_listen_fd_, -1));
    {
      std::lock_guard lock(mutex_);
      shutting_down_ = true;
    }
    ready_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
    if (network_) ASC_dropNetwork(&network_);
  }

  void abort_open() {
    // shutdown(2) acts on the socket, not the descriptor: the worker's next read fails and
    // its association ends. Nothing acknowledged is lost: answers follow durable commits.
    std::lock_guard lock(mutex_);
    for (const int fd : open_sockets_) ::shutdown(fd, SHUT_RDWR);
  }

  void set_policy(std::shared_ptr<const CallerPolicy> policy) {
    if (!policy) policy = std::make_shared<const CallerPolicy>();
    std::lock_guard lock(mutex_);
    policy_ = std::move(policy);
  }

  std::uint16_t port() const { return port_; }
  std::uint16_t tls_port() const { return tls_port_; }
  unsigned open_associations() const { return busy_.load(); }

 private:
  /// An association accepted for service, waiting for a worker.
  struct Job {
    T_ASC_Association* assoc;
    std::string calling_ae;
    std::string peer;
    bool counted;  // toward calling_ae's max_associations
    std::shared_ptr<ConnectionState> state;
  };

  static Uint32 seconds(std::chrono::milliseconds d) {
    return static_cast<Uint32>((d.count() + 999) / 1000);
  }

  void accept_loop() {
    AcceptGate gate(listen_fd_, tls_listen_fd_, tls_context_.get(), settings_.acse_timeout,
                    dcmAssociatePDUSizeLimit.get(), *settings_.metrics);
    while (!stopping_) {
      gate.poll_once(kPollSlice, [this](PendingConnection& connection) { receive(connection); });
    }
  }

  /// Lets DCMTK parse the A-ASSOCIATE-RQ read into `connection` (whose socket it then owns),
  /// and admits or refuses the association. Runs on the accept thread only: DCMTK takes an
  /// accepted socket through a process-wide setting.
  void receive(PendingConnection& connection) {
    T_ASC_Association* assoc = nullptr;
    const OFBool secure = connection.secure() ? OFTrue : OFFalse;
    const std::string peer = connection.peer();
    transport_.hand_over(connection.release_session(), connection.take_request());
    const int fd = connection.release_fd();
    dcmExternalSocketHandle.set(fd);
    const OFCondition status =
        ASC_receiveAssociation(network_, &assoc, settings_.max_pdu, nullptr, nullptr, secure,
                               DUL_NOBLOCK, static_cast<int>(seconds(settings_.acse_timeout)));
    dcmExternalSocketHandle.set(-1);
    transport_.hand_over(nullptr, {});  // frees what DCMTK never took
    if (status.bad()) {
      log_rejection("association_receive_failed", "", peer, status.text());
      settings_.metrics->association_rejected("receive_failed");
      if (assoc) {
        ASC_dropAssociation(assoc);
        ASC_destroyAssociation(&assoc);
      } else {
        ::close(fd);
      }
      return;
    }
    admit_or_refuse(assoc, peer);
  }

  /// Queues `assoc` for a worker, or refuses it (caller policy, or every worker busy: an
  /// A-ASSOCIATE-RJ "local limit exceeded" at once rather than a queue without bound).
  void admit_or_refuse(T_ASC_Association* assoc, const std::string& peer) {
    // DCMTK formats the peer as IPv4 only; ours is right for IPv6 too.
    std::strncpy(assoc->params->DULparams.callingPresentationAddress, peer.c_str(),
                 sizeof assoc->params->DULparams.callingPresentationAddress - 1);

    AssociationRequest request;
    request.called_ae = trim_dicom(assoc->params->DULparams.calledAPTitle);
    request.calling_ae = trim_dicom(assoc->params->DULparams.callingAPTitle);
    request.peer_address = peer;
    request.verification_only = proposes_only_verification(assoc->params);

    std::shared_ptr<ConnectionState> state;
    if (auto* connection =
            dynamic_cast<GatewaySocket*>(DUL_getTransportConnection(assoc->DULassociation))) {
      state = connection->state();
    }
    AssociationRefusal refusal = AssociationRefusal::none;
    std::string_view reason;
    {
      std::lock_guard lock(mutex_);
      const AdmissionDecision decision =
          admit(*policy_, settings_.ae_title, request, per_caller_[request.calling_ae]);
      refusal = decision.refusal;
      if (refusal != AssociationRefusal::none) {
        reason = to_string(refusal);
      } else if (busy_ + queue_.size() >= settings_.max_associations) {
        // Every worker is busy: refuse now (transient) rather than queue without bound.
        refusal = AssociationRefusal::caller_limit;  // the same A-ASSOCIATE-RJ
        reason = "local_limit";
      } else {
        if (decision.counts_toward_caller) ++per_caller_[request.calling_ae];
        queue_.push_back(Job{assoc, request.calling_ae, peer, decision.counts_toward_caller,
                             std::move(state)});
        ready_.notify_one();
        settings_.metrics->association_accepted(request.calling_ae);
        return;
      }
    }
    log_rejection("association_rejected", request.calling_ae, peer, reason);
    log::debug("association_rejected_detail")
        .kv("called_ae", request.called_ae)
        .kv("verification_only", request.verification_only);
    settings_.metrics->association_rejected(reason);
    T_ASC_RejectParameters reject = reject_parameters(refusal);
    ASC_rejectAssociation(assoc, &reject);
    ASC_dropAssociation(assoc);
    ASC_destroyAssociation(&assoc);
  }

  void worker_loop() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return shutting_down_ || !queue_.empty(); });
        if (queue_.empty()) return;  // shutting down with nothing left to serve
        job = std::move(queue_.front());
        queue_.pop_front();
        ++busy_;
      }
      // Our own descriptor of the socket, so abort_open() never hits a reused number.
      auto* connection =
          dynamic_cast<GatewaySocket*>(DUL_getTransportConnection(job.assoc->DULassociation));
      const int abort_fd = connection ? ::fcntl(connection->socket_fd(), F_DUPFD_CLOEXEC, 0) : -1;
      if (abort_fd >= 0) {
        std::lock_guard lock(mutex_);
        open_sockets_.insert(abort_fd);
      }
      try {
        // A fresh SCP per association: DcmThreadSCP::run() leaves the finished association
        // attached to the object (its socket in CLOSE-WAIT, the object refusing the next
        // one); only DcmSCP's destructor drops and frees it, as DcmSCPPool relies on.
        StorageScp scp(sink_, *settings_.metrics, settings_.incoming_dir, settings_.limits,
                       settings_.commitments);
        scp.setSharedConfig(*shared_config_);
        scp.set_presentation(settings_.presentation);
        scp.serve(job.assoc);
      } catch (const std::exception& e) {
        log::error("association_worker_failed").kv("reason", e.what());
      } catch (...) {
        log::error("association_worker_failed").kv("reason", "unknown exception");
      }
      if (job.state && job.state->idle_expired) {
        log_rejection("association_aborted", job.calling_ae, job.peer, "idle_timeout");
        settings_.metrics->association_rejected("idle_timeout");
      }
      {
        std::lock_guard lock(mutex_);
        if (abort_fd >= 0) {
          open_sockets_.erase(abort_fd);
          ::close(abort_fd);
        }
        if (job.counted && --per_caller_[job.calling_ae] == 0) per_caller_.erase(job.calling_ae);
      }
      --busy_;
    }
  }

  ListenerSettings settings_;
  std::unique_ptr<metrics::GatewayMetrics> own_metrics_;  // when settings_ named none
  InstanceSink& sink_;
  GatewayTransportLayer transport_;  // outlives network_ (declared before it)
  DcmSCPConfig config_;
  T_ASC_Network* network_ = nullptr;
  int listen_fd_ = -1;  // owned by network_
  std::uint16_t port_ = 0;
  std::unique_ptr<TlsServerContext> tls_context_;  // with settings_.tls
  int tls_listen_fd_ = -1;                         // owned; -1 without TLS
  std::uint16_t tls_port_ = 0;

  std::thread accept_thread_;
  std::vector<std::thread> workers_;
  std::unique_ptr<DcmSharedSCPConfig> shared_config_;
  std::mutex mutex_;  // guards everything below
  std::condition_variable ready_;
  std::deque<Job> queue_;
  std::shared_ptr<const CallerPolicy> policy_;
  std::map<std::string, unsigned> per_caller_;  // counted open/queued associations by calling AE
  std::set<int> open_sockets_;  // dup()s of the sockets being served, for abort_open()
  std::atomic<unsigned> busy_{0};
  std::atomic<bool> stopping_{false};
  bool shutting_down_ = false;
};

DicomListener::DicomListener(ListenerSettings settings, InstanceSink& sink)
    : impl_(std::make_unique<Impl>(std::move(settings), sink)) {}

DicomListener::~DicomListener() { impl_->stop(); }

void DicomListener::start() { impl_->start(); }
std::uint16_t DicomListener::port() const { return impl_->port(); }
std::uint16_t DicomListener::tls_port() const { return impl_->tls_port(); }
void DicomListener::stop() { impl_->stop(); }
void DicomListener::abort_open() { impl_->abort_open(); }
unsigned DicomListener::open_associations() const { return impl_->open_associations(); }
void DicomListener::set_caller_policy(std::shared_ptr<const CallerPolicy> policy) {
  impl_->set_policy(std::move(policy));
}

}  // namespace gw::dicom
