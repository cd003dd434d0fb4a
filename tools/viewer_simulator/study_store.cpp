#include "study_store.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <ctime>
#include <stdexcept>

namespace gw::sim {
namespace {

// Study ids must be unguessable like the real ones, so a test cannot pass by predicting them.
std::string random_hex(std::size_t bytes) {
  std::array<unsigned char, 32> raw{};
  if (bytes > raw.size() || RAND_bytes(raw.data(), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (std::size_t i = 0; i < bytes; ++i) {
    hex += digits[raw[i] >> 4];
    hex += digits[raw[i] & 0xF];
  }
  return hex;
}

// The example's format ("2024-03-15T10:30:00Z"), so clients parse what production sends.
std::string iso8601_utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text.data();
}

bool matches(const Study& s, const StudyFilter& f) {
  if (f.assigned_to && s.assigned_to != f.assigned_to) return false;
  if (f.severity && s.severity != *f.severity) return false;
  if (f.study_viewer_status && s.study_viewer_status != *f.study_viewer_status) return false;
  if (f.is_cancelled && s.is_cancelled != *f.is_cancelled) return false;
  if (f.description_contains &&
      s.study_description.find(*f.description_contains) == std::string::npos) {
    return false;
  }
  return true;
}

}  // namespace

StudyStore::StudyStore()
    : customers_{{"cus_0123456789abcdef0123456789abcdef", "City Medical Center", true, 12},
                 {"cus_fedcba9876543210fedcba9876543210", "Closed Clinic", false, 0},
                 {"cus_00000000000000000000000000000001", "Second Site", true, 3}} {}

StudyStore::CreateResult StudyStore::create(const NewStudy& request,
                                            const std::string& idempotency_key) {
  std::lock_guard lock(mutex_);
  const bool idempotent = !ignore_idempotency_ && !idempotency_key.empty();
  if (idempotent) {
    if (auto it = sequence_by_idempotency_key_.find(idempotency_key);
        it != sequence_by_idempotency_key_.end()) {
      return {studies_.at(it->second), false};
    }
  }
  Study study;
  study.sequence = next_sequence_++;
  study.id = "stu_" + random_hex(16);
  study.study_instance_uid = request.study_instance_uid;
  study.study_description = request.study_description;
  study.severity = request.severity;
  study.assigned_to = request.assigned_to;
  study.metadata = request.metadata;
  if (request.express_customer_id) {
    for (const Customer& c : customers_) {
      if (c.id == *request.express_customer_id) study.express_customer = c;
    }
  }
  study.created_at = study.updated_at = iso8601_utc_now();

  sequence_by_id_.emplace(study.id, study.sequence);
  first_sequence_by_uid_.emplace(study.study_instance_uid, study.sequence);  // keeps the first
  if (idempotent) sequence_by_idempotency_key_.emplace(idempotency_key, study.sequence);
  return {studies_.emplace(study.sequence, std::move(study)).first->second, true};
}

Study* StudyStore::find_locked(std::string_view study_id) {
  auto it = sequence_by_id_.find(std::string(study_id));
  return it == sequence_by_id_.end() ? nullptr : &studies_.at(it->second);
}

std::optional<Study> StudyStore::find(std::string_view study_id) const {
  std::lock_guard lock(mutex_);
  auto it = sequence_by_id_.find(std::string(study_id));
  if (it == sequence_by_id_.end()) return std::nullopt;
  return studies_.at(it->second);
}

std::optional<Study> StudyStore::find_by_uid(std::string_view study_instance_uid) const {
  std::lock_guard lock(mutex_);
  auto it = first_sequence_by_uid_.find(std::string(study_instance_uid));
  if (it == first_sequence_by_uid_.end()) return std::nullopt;
  return studies_.at(it->second);
}

std::optional<Study> StudyStore::update(std::string_view study_id, const StudyPatch& patch) {
  std::lock_guard lock(mutex_);
  Study* study = find_locked(study_id);
  if (study == nullptr) return std::nullopt;
  if (patch.assigned_to) study->assigned_to = *patch.assigned_to;
  if (patch.severity) study->severity = *patch.severity;
  if (patch.study_description) study->study_description = *patch.study_description;
  if (patch.metadata) study->metadata = *patch.metadata;
  if (patch.study_viewer_status) study->study_viewer_status = *patch.study_viewer_status;
  study->updated_at = iso8601_utc_now();
  return *study;
}

bool StudyStore::cancel(std::string_view study_id) {
  std::lock_guard lock(mutex_);
  Study* study = find_locked(study_id);
  if (study == nullptr) return false;
  if (!study->is_cancelled) {
    study->is_cancelled = true;
    study->cancelled_at = study->updated_at = iso8601_utc_now();
  }
  return true;
}

StudyStore::StudyPage StudyStore::list(const StudyFilter& filter, std::size_t limit,
                                       std::optional<std::uint64_t> before) const {
  std::lock_guard lock(mutex_);
  StudyPage page;
  auto it = before ? studies_.lower_bound(*before) : studies_.end();
  while (it != studies_.begin()) {
    --it;
    if (!matches(it->second, filter)) continue;
    if (page.studies.size() == limit) {  // one more exists: the page continues after the last
      page.next = page.studies.back().sequence;
      break;
    }
    page.studies.push_back(it->second);
  }
  return page;
}

void StudyStore::add_customer(Customer customer) {
  std::lock_guard lock(mutex_);
  for (Customer& c : customers_) {
    if (c.id == customer.id) {
      c = std::move(customer);
      return;
    }
  }
  customers_.push_back(std::move(customer));
}

std::optional<Customer> StudyStore::find_customer(std::string_view customer_id) const {
  std::lock_guard lock(mutex_);
  for (const Customer& c : customers_) {
    if (c.id == customer_id) return c;
  }
  return std::nullopt;
}

StudyStore::CustomerPage StudyStore::customers(std::size_t limit, std::size_t from) const {
  std::lock_guard lock(mutex_);
  CustomerPage page;
  for (std::size_t i = from; i < customers_.size() && page.customers.size() < limit; ++i) {
    page.customers.push_back(customers_[i]);
  }
  if (from + page.customers.size() < customers_.size()) page.next = from + page.customers.size();
  return page;
}

std::size_t StudyStore::studies_created() const {
  std::lock_guard lock(mutex_);
  return studies_.size();
}

void StudyStore::reset() {
  std::lock_guard lock(mutex_);
  studies_.clear();
  sequence_by_id_.clear();
  first_sequence_by_uid_.clear();
  sequence_by_idempotency_key_.clear();
}

void StudyStore::set_ignore_idempotency(bool ignore) {
  std::lock_guard lock(mutex_);
  ignore_idempotency_ = ignore;
}

}  // namespace gw::sim
