#pragma once
// The simulator's whole API state in memory: customers (seeded), studies, idempotency keys.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "study.hpp"

namespace gw::sim {

/// Thread-safe in-memory store; every method locks one mutex, so each call is atomic
/// (two concurrent creates with one Idempotency-Key create one study).
class StudyStore {
 public:
  /// A create's outcome: the study, and whether this call made it (false: an idempotent replay).
  struct CreateResult {
    Study study;
    bool created = false;
  };
  /// One page of a newest-first list; `next` is the sequence to continue before, if any.
  struct StudyPage {
    std::vector<Study> studies;
    std::optional<std::uint64_t> next;
  };
  /// One page of customers; `next` is the index to continue from, if any.
  struct CustomerPage {
    std::vector<Customer> customers;
    std::optional<std::size_t> next;
  };

  /// Seeds the three customers the tests and scripts rely on.
  StudyStore();

  /// Creates a study, or returns the one first created with `idempotency_key` (empty: none).
  CreateResult create(const NewStudy& request, const std::string& idempotency_key);
  std::optional<Study> find(std::string_view study_id) const;
  /// The first study created with this StudyInstanceUID (a store that ignores idempotency may
  /// hold several; the first is the one a caller most likely registered), nullopt when none.
  std::optional<Study> find_by_uid(std::string_view study_instance_uid) const;
  /// Applies `patch`; nullopt when the id is unknown.
  std::optional<Study> update(std::string_view study_id, const StudyPatch& patch);
  /// Marks a study cancelled; false when the id is unknown.
  bool cancel(std::string_view study_id);
  /// Up to `limit` matching studies created before sequence `before` (nullopt: from the newest).
  StudyPage list(const StudyFilter& filter, std::size_t limit,
                 std::optional<std::uint64_t> before) const;

  /// Adds a customer after the seeded ones, or replaces the one with the same id.
  void add_customer(Customer customer);
  std::optional<Customer> find_customer(std::string_view customer_id) const;
  CustomerPage customers(std::size_t limit, std::size_t from) const;

  std::size_t studies_created() const;
  /// Forgets every study and idempotency key.
  void reset();
  void set_ignore_idempotency(bool ignore);

 private:
  Study* find_locked(std::string_view study_id);

  mutable std::mutex mutex_;
  std::vector<Customer> customers_;
  std::map<std::uint64_t, Study> studies_;  // by sequence, so the list walks it backwards
  std::unordered_map<std::string, std::uint64_t> sequence_by_id_;
  std::unordered_map<std::string, std::uint64_t> first_sequence_by_uid_;
  std::unordered_map<std::string, std::uint64_t> sequence_by_idempotency_key_;
  std::uint64_t next_sequence_ = 1;
  bool ignore_idempotency_ = false;
};

}  // namespace gw::sim
