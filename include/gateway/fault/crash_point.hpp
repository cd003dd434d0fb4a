#pragma once
// Crash points: named durable steps where a crash test can end the process, the way a power
// cut or SIGKILL would, to prove that recovery holds at every one of them. Compiled only with
// GW_CRASH_POINTS (the test build); a release build has none, and calls cost nothing.
#include <string_view>

#ifdef GW_CRASH_POINTS
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#endif

namespace gw::fault {

/// Every crash point, in the order an instance and its study pass them.
inline constexpr std::string_view kCrashPoints[] = {
    "instance_written",   // the received file's data is on the disk, not yet renamed
    "instance_renamed",   // renamed into the spool, the file system not yet flushed
    "spool_flushed",      // the spool's file system is flushed: the instance is durable
    "arrival_committed",  // the registry holds the arrival; the C-STORE is not yet answered
    "claim_committed",    // the study is durably in_flight; its request is not yet written
    "request_written",    // the POST is on the wire
    "answer_read",        // the viewer's answer is read, not yet handed to the dispatcher
    "outcome_pending",    // the dispatcher holds the outcome, before its commit
};

/// Storage Commitment's crash points (tests/integration/storage_commitment_test.cpp), apart
/// from the instance's: a study's crash test passes none of them.
inline constexpr std::string_view kCommitmentCrashPoints[] = {
    "commitment_recorded",  // the request is durable; the N-ACTION-RQ is not yet answered
    "commitment_resolved",  // every item's fate is durable; the report is not yet sent
};

/// With GW_CRASH_AT=<point>:<n> in the environment, the n-th pass (from 1) of `point` ends
/// the process at once with _exit(86): no destructor, no flush, no unwinding. Thread-safe.
inline void crash_point([[maybe_unused]] std::string_view point) noexcept {
#ifdef GW_CRASH_POINTS
  struct Target {
    std::string point;
    long at = 0;
  };
  static const Target target = [] {
    Target t;
    const char* spec = std::getenv("GW_CRASH_AT");
    if (spec == nullptr) return t;
    const std::string text(spec);
    const auto colon = text.rfind(':');
    t.point = text.substr(0, colon);
    t.at = colon == std::string::npos ? 1 : std::strtol(text.c_str() + colon + 1, nullptr, 10);
    return t;
  }();
  static std::atomic<long> passes{0};
  if (target.at <= 0 || point != target.point) return;
  if (passes.fetch_add(1) + 1 == target.at) ::_exit(86);
#endif
}

}  // namespace gw::fault
