#include "gateway/dicom/dicom_listener.hpp"

#include <arpa/inet.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/dcmnet/dulstruc.h>
#include <dcmtk/oflog/oflog.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gateway/log/log.hpp"
#include "gateway/metrics/registry.hpp"
#include "storage_scp.hpp"

namespace gw::dicom {
namespace {

/// A listening TCP socket on `address:port`, IPv4 or IPv6. Throws on failure.
int open_listen_socket(const std::string& address, std::uint16_t port) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  } else {
    throw std::runtime_error("dicom.bind is not an IP address: " + address);
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(fd, 64) != 0) {
    const int err = errno;
    ::close(fd);
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                             std::strerror(err));
  }
  return fd;
}

/// DCMTK keeps the socket of an association protected; a pointer to the member, named
/// through a derived class, is the standard way to read it without patching DCMTK.
struct SocketOf : DcmTransportConnection {
  static int get(DcmTransportConnection& connection) {
    return static_cast<int>((connection.*(&SocketOf::getSocket))());
  }
};

std::uint16_t bound_port(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  if (storage.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
}

}  // namespace

/// Threads: one accept thread runs accept_loop(); `max_associations` workers run
/// worker_loop(), each creating a StorageScp for every association it serves.
/// We own this pool instead of DcmSCPPool because DCMTK 3.6.7's pool keeps every finished
/// worker alive (about 20 KB of RSS per association, without bound).
class DicomListener::Impl {
 public:
  Impl(ListenerSettings settings, InstanceSink& sink) : settings_(std::move(settings)), sink_(sink) {}

  void start() {
    std::filesystem::create_directories(settings_.incoming_dir);
    config_.setAETitle(settings_.ae_title.c_str());
    config_.setMaxReceivePDULength(settings_.max_pdu);
    config_.setACSETimeout(static_cast<Uint32>((settings_.acse_timeout.count() + 999) / 1000));
    config_.setDIMSETimeout(static_cast<Uint32>((settings_.dimse_timeout.count() + 999) / 1000));
    config_.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    config_.setHostLookupEnabled(OFFalse);
    config_.setRespondWithCalledAETitle(OFTrue);

    // DCMTK binds every interface on the port it is given; we let it bind an ephemeral
    // port and swap in our own socket, bound to dicom.bind (and able to use port 0).
    const int own = open_listen_socket(settings_.bind_address, settings_.port);
    const OFCondition status = ASC_initializeNetwork(
        NET_ACCEPTOR, 0, static_cast<int>(config_.getACSETimeout()), &network_);
    if (status.bad()) {
      ::close(own);
      throw std::runtime_error(std::string("cannot initialize DICOM network: ") + status.text());
    }
    auto* key = reinterpret_cast<PRIVATE_NETWORKKEY*>(network_->network);
    ::dup2(own, key->networkSpecific.TCP.listenSocket);
    ::close(own);
    port_ = bound_port(key->networkSpecific.TCP.listenSocket);

    shared_config_ = std::make_unique<DcmSharedSCPConfig>(config_);
    for (unsigned i = 0; i < settings_.max_associations; ++i) {
      workers_.emplace_back([this] { worker_loop(); });
    }
    accept_thread_ = std::thread([this] { accept_loop(); });
    log::info("dicom_listening")
        .kv("ae_title", settings_.ae_title)
        .kv("address", settings_.bind_address)
        .kv("port", static_cast<unsigned>(port_))
        .kv("max_associations", settings_.max_associations);
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    if (accept_thread_.joinable()) accept_thread_.join();
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

  std::uint16_t port() const { return port_; }
  unsigned open_associations() const { return busy_.load(); }

 private:
  void accept_loop() {
    while (!stopping_) {
      T_ASC_Association* assoc = nullptr;
      // A one-second poll, so that stop() is noticed promptly.
      const OFCondition status = ASC_receiveAssociation(
          network_, &assoc, settings_.max_pdu, nullptr, nullptr, OFFalse, DUL_NOBLOCK, 1);
      if (status.good()) {
        hand_over(assoc);
      } else {
        if (status != DUL_NOASSOCIATIONREQUEST) {
          log::warning("association_receive_failed").kv("reason", status.text());
          metrics::counter("dicom_gateway_associations_rejected_total",
                           {{"reason", "receive_failed"}}).inc();
          ASC_dropAssociation(assoc);
        }
        ASC_destroyAssociation(&assoc);
      }
    }
  }

  void hand_over(T_ASC_Association* assoc) {
    {
      std::lock_guard lock(mutex_);
      if (busy_ + queue_.size() < settings_.max_associations) {
        queue_.push_back(assoc);
        ready_.notify_one();
        metrics::counter("dicom_gateway_associations_total").inc();
        return;
      }
    }
    metrics::counter("dicom_gateway_associations_rejected_total", {{"reason", "local_limit"}}).inc();
    // Every worker is busy: refuse now (transient) rather than queue without bound.
    log::warning("association_rejected")
        .kv("calling_ae", assoc->params->DULparams.callingAPTitle)
        .kv("peer", assoc->params->DULparams.callingPresentationAddress)
        .kv("reason", "local limit exceeded");
    T_ASC_RejectParameters reject{ASC_RESULT_REJECTEDTRANSIENT,
                                  ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
                                  ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED};
    ASC_rejectAssociation(assoc, &reject);
    ASC_dropAssociation(assoc);
    ASC_destroyAssociation(&assoc);
  }

  void worker_loop() {
    for (;;) {
      T_ASC_Association* assoc = nullptr;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return shutting_down_ || !queue_.empty(); });
        if (queue_.empty()) return;  // shutting down with nothing left to serve
        assoc = queue_.front();
        queue_.pop_front();
        ++busy_;
      }
      // Our own descriptor of the socket, so abort_open() never hits a reused number.
      DcmTransportConnection* connection = DUL_getTransportConnection(assoc->DULassociation);
      const int abort_fd = connection ? ::fcntl(SocketOf::get(*connection), F_DUPFD_CLOEXEC, 0) : -1;
      if (abort_fd >= 0) {
        std::lock_guard lock(mutex_);
        open_sockets_.insert(abort_fd);
      }
      try {
        // A fresh SCP per association: DcmThreadSCP::run() leaves the finished association
        // attached to the object (its socket in CLOSE-WAIT, the object refusing the next
        // one); only DcmSCP's destructor drops and frees it, as DcmSCPPool relies on.
        StorageScp scp(sink_, settings_.incoming_dir);
        scp.setSharedConfig(*shared_config_);
        scp.serve(assoc);
      } catch (const std::exception& e) {
        log::error("association_worker_failed").kv("reason", e.what());
      }
      if (abort_fd >= 0) {
        std::lock_guard lock(mutex_);
        open_sockets_.erase(abort_fd);
        ::close(abort_fd);
      }
      --busy_;
    }
  }

  ListenerSettings settings_;
  InstanceSink& sink_;
  DcmSCPConfig config_;
  T_ASC_Network* network_ = nullptr;
  std::uint16_t port_ = 0;

  std::thread accept_thread_;
  std::vector<std::thread> workers_;
  std::unique_ptr<DcmSharedSCPConfig> shared_config_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T_ASC_Association*> queue_;
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
void DicomListener::stop() { impl_->stop(); }
void DicomListener::abort_open() { impl_->abort_open(); }
unsigned DicomListener::open_associations() const { return impl_->open_associations(); }

}  // namespace gw::dicom
