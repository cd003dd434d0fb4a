#include "request_log.hpp"

namespace gw::sim {

std::uint64_t RequestLog::append(RecordedRequest request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(request));
  return first_ticket_ + requests_.size() - 1;
}

void RequestLog::set_status(std::uint64_t ticket, int status) {
  std::lock_guard lock(mutex_);
  if (ticket < first_ticket_ || ticket - first_ticket_ >= requests_.size()) return;
  requests_[ticket - first_ticket_].status = status;
}

std::vector<RecordedRequest> RequestLog::snapshot() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void RequestLog::clear() {
  std::lock_guard lock(mutex_);
  first_ticket_ += requests_.size();
  requests_.clear();
}

}  // namespace gw::sim
