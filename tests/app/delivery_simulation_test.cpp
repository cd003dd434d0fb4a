// Deterministic simulation of delivery, in the way FoundationDB and TigerBeetle test: the real
// dispatcher, lifecycle and registry (a real SQLite file), a fake clock, and a viewer that
// ignores Idempotency-Key and creates, refuses, loses answers or hangs as a seed decides. The
// process crashes (memory dropped, database reopened, start-up recovery) and stops cleanly at
// random points; operator commands arrive at random. After every step: no study was created
// more often than allowed. At the end, after a healthy period: every acknowledged study is
// registered (the viewer holds it) or failed with a reason; none is stuck.
//
// One seed replays exactly: GW_SIM_SEED=<n> runs only that seed; GW_SIM_SEEDS=<count> sets
// how many run (default 2000). The same simulation runs on PostgreSQL (a real server, a fresh
// database per seed): GW_SIM_PG_SEEDS=<count> (default 40).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "registration_dispatcher.hpp"
#include "registry_steps.hpp"
#include "postgres_server.hpp"
#include "sim_viewer.hpp"
#include "temp_dir.hpp"

namespace gw::app {
namespace {

using domain::EventKind;
using registry::StudyState;
using sim::SimViewer;

/// Everything a seed's run owns. A crash drops all of it but the database (a SQLite file, or
/// a PostgreSQL database: `db` is then its URI and `options` carries the password).
class Simulation {
 public:
  Simulation(std::uint64_t seed, std::string db, registry::RegistryOptions options = {})
      : seed_(seed), rng_(seed), db_(std::move(db)), options_(std::move(options)) {
    boot();
    operator_registry_ = registry::StudyRegistry::open(db_, options_);
  }
  ~Simulation() { crash(); }

  /// Runs `steps` random steps, then a healthy period; returns the first broken invariant.
  std::string run(int steps) {
    for (int i = 0; i < steps; ++i) {
      step();
      if (auto broken = check_creates(); !broken.empty()) return broken;
    }
    return heal_and_check();
  }

 private:
  void boot() {
    io_ = std::make_unique<boost::asio::io_context>();
    registry_ = registry::StudyRegistry::open(db_, options_);
    registry_->observe_transitions([this](const std::string& uid, StudyState from,
                                          EventKind event, StudyState to) {
      if (!allowed_row(from, event, to)) {
        illegal_ += uid + ": " + std::string(to_string(from)) + " + " +
                    std::string(to_string(event)) + " -> " + std::string(to_string(to)) + "\n";
      }
    });
    if (!viewer_) viewer_ = std::make_unique<SimViewer>(*io_, rng_);
    viewer_->rebind(*io_);
    DispatchSettings settings;
    settings.max_in_flight = 1 + static_cast<unsigned>(rng_() % 4);
    settings.retry.initial = std::chrono::milliseconds(200);
    settings.retry.max = std::chrono::seconds(5);
    settings.retry.probe_after_failures = 3;
    settings.clock = [this] { return now_; };
    settings.self_schedule = false;
    settings.seed = seed_ + ++lives_;
    dispatcher_ = std::make_shared<RegistrationDispatcher>(*io_, *registry_, *viewer_, settings);
    dispatcher_->start();
    io_->poll();
  }

  void crash() {
    if (!dispatcher_) return;
    viewer_->crash();
    dispatcher_.reset();
    io_.reset();  // drops every queued handler unrun, and with them the dispatcher
    registry_.reset();
  }

  void clean_stop() {
    dispatcher_->stop();
    viewer_->shutdown();
    io_->restart();
    io_->poll();
    crash();  // what is left in memory is dropped; the database holds the rest
  }

  void step() {
    const unsigned roll = static_cast<unsigned>(rng_() % 100);
    if (roll < 25) {
      arrive();
    } else if (roll < 65) {
      if (!viewer_->on_the_wire.empty()) {
        viewer_->answer(rng_() % viewer_->on_the_wire.size(), false);
      }
    } else if (roll < 85) {
      now_ += static_cast<registry::TimestampMs>(rng_() % 3000);
    } else if (roll < 90) {
      act_as_operator();
    } else if (roll < 94) {
      crash();
      boot();
    } else if (roll < 97) {
      clean_stop();
      boot();
    }  // else: the viewer hangs a while longer
    dispatcher_->wake();
    io_->restart();
    io_->poll();
  }

  void arrive() {
    const std::string uid = "1.2." + std::to_string(1 + rng_() % 12);
    const std::string sop = uid + "." + std::to_string(rng_() % 1000);
    const bool created = registry::test::record(*registry_, {uid, sop, 10, now_}, [&] {
      return registry::NewStudy{StudyState::pending, "rule", uid, {}};
    });
    acknowledged_.insert(uid);
    // A study forgotten and received again is a new registration: one more create allowed.
    if (created && forgotten_.erase(uid)) ++allowed_[uid];
  }

  void act_as_operator() {
    if (acknowledged_.empty()) return;
    auto it = acknowledged_.begin();
    std::advance(it, static_cast<long>(rng_() % acknowledged_.size()));
    const std::string uid = *it;
    const EventKind kinds[] = {EventKind::operator_retry, EventKind::operator_resend,
                               EventKind::operator_forget};
    const EventKind kind = kinds[rng_() % 3];
    const auto applied = operator_registry_->apply(uid, {kind}, {}, now_);
    if (!applied) return;  // refused: in flight, or not failed (retry)
    if (kind == EventKind::operator_resend) ++allowed_[uid];  // a new registration, by decision
    if (kind == EventKind::operator_forget) {
      acknowledged_.erase(uid);
      forgotten_.insert(uid);
    }
  }

  std::string check_creates() {
    if (!illegal_.empty()) return "transitions outside the table:\n" + illegal_;
    for (const auto& [uid, count] : viewer_->creates) {
      if (count > allowed(uid)) {
        return uid + " created " + std::to_string(count) + " times, allowed " +
               std::to_string(allowed(uid));
      }
    }
    return {};
  }

  /// The API works again and nothing crashes: everything must settle.
  std::string heal_and_check() {
    for (int round = 0; round < 400; ++round) {
      while (!viewer_->on_the_wire.empty()) viewer_->answer(0, true);
      now_ += 5000;
      dispatcher_->wake();
      io_->restart();
      io_->poll();
      if (auto broken = check_creates(); !broken.empty()) return broken;
    }
    std::ostringstream problems;
    for (const std::string& uid : acknowledged_) {
      const auto study = registry_->find(uid);
      if (!study) {
        problems << uid << ": acknowledged but unknown\n";
      } else if (study->state == StudyState::registered) {
        if (viewer_->creates[uid] == 0) problems << uid << ": registered, but the viewer lacks it\n";
      } else if (study->state != StudyState::failed || study->last_error.empty()) {
        problems << uid << ": stuck in " << to_string(study->state) << "\n";
      }
    }
    return problems.str();
  }

  int allowed(const std::string& uid) const {
    const auto it = allowed_.find(uid);
    return 1 + (it == allowed_.end() ? 0 : it->second);
  }

  static bool allowed_row(StudyState from, EventKind event, StudyState to) {
    static const auto table = domain::transition_table();
    for (const auto& row : table) {
      if (row.from == from && row.event == event && row.to == to) return true;
    }
    return false;
  }

  std::uint64_t seed_;
  std::mt19937_64 rng_;
  std::string db_;
  registry::RegistryOptions options_;
  registry::TimestampMs now_ = 1'700'000'000'000;
  unsigned lives_ = 0;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<registry::StudyRegistry> registry_;
  std::unique_ptr<registry::StudyRegistry> operator_registry_;  // `studies …` from a shell
  std::unique_ptr<SimViewer> viewer_;
  std::shared_ptr<RegistrationDispatcher> dispatcher_;
  std::set<std::string> acknowledged_;
  std::set<std::string> forgotten_;
  std::map<std::string, int> allowed_;  // creates allowed beyond the first
  std::string illegal_;
};

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text ? std::strtoull(text, nullptr, 10) : fallback;
}

TEST(DeliverySimulation, NoSeedCreatesAStudyTwiceLosesOneOrLeavesOneStuck) {
  // tmpfs when there is one: the invariants are about order, not the disk's speed.
  // Without one every commit waits for the disk (about 1 ms here): 300 seeds then, not 2,000.
  const bool shm = std::filesystem::is_directory("/dev/shm");
  if (shm) setenv("TMPDIR", "/dev/shm", 1);
  test::TempDir dir;
  const std::uint64_t only = env_number("GW_SIM_SEED", 0);
  const std::uint64_t seeds = only ? 1 : env_number("GW_SIM_SEEDS", shm ? 2000 : 300);
  if (!shm) std::cout << "no /dev/shm: " << seeds << " seeds on " << dir.path() << '\n';
  int failures = 0;
  for (std::uint64_t i = 0; i < seeds && failures < 3; ++i) {
    const std::uint64_t seed = only ? only : i + 1;
    const auto db = dir / ("sim-" + std::to_string(seed) + ".db");
    std::string broken;
    {
      Simulation simulation(seed, db.string());
      broken = simulation.run(150);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
    if (broken.empty()) continue;
    ++failures;
    ADD_FAILURE() << "seed " << seed << " (replay: GW_SIM_SEED=" << seed
                  << " build/tests/app/app_tests --gtest_filter='DeliverySimulation.*'):\n"
                  << broken;
  }
}

TEST(DeliverySimulation, OnPostgreSqlNoSeedCreatesAStudyTwiceLosesOneOrLeavesOneStuck) {
  // The same seeds, invariants and crashes with the state in a real PostgreSQL 15: a crash
  // closes the process's connections (the server rolls back what was open), and start-up
  // recovery requeues the node's own claims. Fewer seeds: each commit is a round trip.
  test::PostgresServer server;
  registry::RegistryOptions options;
  options.password = server.password();
  const std::uint64_t only = env_number("GW_SIM_SEED", 0);
  const std::uint64_t seeds = only ? 1 : env_number("GW_SIM_PG_SEEDS", 40);
  int failures = 0;
  for (std::uint64_t i = 0; i < seeds && failures < 3; ++i) {
    const std::uint64_t seed = only ? only : i + 1;
    server.recreate_database("sim");
    std::string broken;
    {
      Simulation simulation(seed, server.uri("sim"), options);
      broken = simulation.run(150);
    }
    if (broken.empty()) continue;
    ++failures;
    ADD_FAILURE() << "seed " << seed << " on PostgreSQL (replay: GW_SIM_SEED=" << seed
                  << " build/tests/app/app_tests --gtest_filter='DeliverySimulation.OnPostgreSql*'):\n"
                  << broken;
  }
}

}  // namespace
}  // namespace gw::app
