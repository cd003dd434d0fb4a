#include "postgres_study_registry.hpp"

#include <limits>
#include <stdexcept>

#include "pg_connection.hpp"
#include "pg_rows.hpp"
#include "pg_schema.hpp"

namespace gw::registry {

using pg::Params;
using pg::Transaction;

std::unique_ptr<StudyRegistry> PostgresStudyRegistry::open(const std::string& uri,
                                                           const RegistryOptions& options) {
  std::unique_ptr<PostgresStudyRegistry> registry(new PostgresStudyRegistry(uri, options));
  pg::apply_schema(*registry->db_);
  if (options.serving) registry->refuse_a_live_twin();
  return registry;
}

void PostgresStudyRegistry::refuse_a_live_twin() {
  // A live daemon polls its due queue at least once a second, so its sessions changed state
  // moments ago; a session left by a machine that lost power idles until the server's TCP
  // keepalive ends it, and must not keep the node from starting again.
  const auto others = db_->exec(
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND "
      "pid <> pg_backend_pid() AND pid <> $2 AND state_change > now() - interval '10 seconds'",
      Params().add(application_name()).add(std::int64_t{reader_->backend_pid()}));
  if (others.integer(0, 0) > 0) {
    throw std::runtime_error("state database: a gateway named '" + options_.node_name +
                             "' already runs on this database; node.name must be unique in "
                             "the fleet");
  }
}

std::string PostgresStudyRegistry::application_name() const {
  // PostgreSQL keeps 63 bytes of it: node.name is at most 48 characters.
  return (options_.serving ? "dicom-gateway " : "dicom-gateway-cli ") + options_.node_name;
}

PostgresStudyRegistry::PostgresStudyRegistry(const std::string& uri, RegistryOptions options)
    : StudyRegistry(std::move(options)), uri_(uri) {
  db_ = connect();
  reader_ = connect();
}

PostgresStudyRegistry::~PostgresStudyRegistry() = default;

std::unique_ptr<pg::Connection> PostgresStudyRegistry::connect() const {
  pg::ConnectSettings settings{uri_, options_.password};
  settings.application_name = application_name();
  return std::make_unique<pg::Connection>(settings);
}

void PostgresStudyRegistry::batch(const std::function<void()>& work) {
  std::lock_guard lock(mutex_);
  if (in_batch_) {  // a batch inside a batch joins it
    work();
    return;
  }
  Transaction tx(*db_);
  in_batch_ = true;
  try {
    work();
  } catch (...) {
    in_batch_ = false;
    throw;  // tx rolls everything back
  }
  in_batch_ = false;
  tx.commit();
}

std::vector<Attempt> PostgresStudyRegistry::attempts(const std::string& uid) {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying(
      "SELECT at, outcome, http_status, error, duration_ms FROM attempts "
      "WHERE study_instance_uid = $1 ORDER BY at, id",
      Params().add(uid));
  std::vector<Attempt> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(Attempt{r.integer(i, 0), r.text(i, 1), static_cast<int>(r.integer(i, 2)),
                          r.text(i, 3), r.integer(i, 4)});
  }
  return out;
}

std::optional<StudyRecord> PostgresStudyRegistry::find(const std::string& uid) {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying(
      std::string("SELECT ") + pg::kColumns + " FROM studies WHERE study_instance_uid = $1",
      Params().add(uid));
  if (r.rows() == 0) return std::nullopt;
  return pg::read_record(r, 0);
}

std::vector<StudyRecord> PostgresStudyRegistry::list(std::optional<StudyState> state,
                                                     std::optional<TimestampMs> since) {
  std::lock_guard lock(mutex_);
  Params params;
  state ? params.add(std::string(to_string(*state))) : params.add_null();
  params.add(since.value_or(std::numeric_limits<std::int64_t>::min()));
  return pg::read_records(db_->exec_retrying(
      std::string("SELECT ") + pg::kColumns +
          " FROM studies WHERE ($1::text IS NULL OR state = $1) AND first_seen >= $2 "
          "ORDER BY first_seen, study_instance_uid",
      params));
}

// Per node: rows keyed by (node, rule), so that one node's restart zeroes its own counts only.
void PostgresStudyRegistry::reset_rule_hits(const std::vector<std::string>& rules,
                                            TimestampMs since) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->exec("DELETE FROM rule_hits WHERE node = $1", Params().add(options_.node_name));
  std::int64_t position = 0;
  for (const auto& rule : rules) {
    db_->exec("INSERT INTO rule_hits (node, rule, position, hits, since) VALUES ($1, $2, $3, 0, $4) "
              "ON CONFLICT (node, rule) DO NOTHING",
              Params().add(options_.node_name).add(rule).add(++position).add(since));
  }
  tx.commit();
}

void PostgresStudyRegistry::count_rule_hit(pg::Connection& db, const std::string& rule,
                                           TimestampMs at) {
  db.exec(
      "INSERT INTO rule_hits (node, rule, position, hits, since) VALUES ($1, $2, "
      "(SELECT COALESCE(MAX(position), 0) + 1 FROM rule_hits WHERE node = $1), 1, $3) "
      "ON CONFLICT (node, rule) DO UPDATE SET hits = rule_hits.hits + 1",
      Params().add(options_.node_name).add(rule).add(at));
}

std::vector<std::pair<std::string, std::int64_t>> PostgresStudyRegistry::rule_hits(
    TimestampMs* since) {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying(
      "SELECT rule, hits, since FROM rule_hits WHERE node = $1 ORDER BY position",
      Params().add(options_.node_name));
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.emplace_back(r.text(i, 0), r.integer(i, 1));
    if (since) *since = r.integer(i, 2);
  }
  return out;
}

std::optional<TimestampMs> PostgresStudyRegistry::oldest_waiting() {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying(
      "SELECT MIN(first_seen) FROM studies WHERE state IN ('pending', 'in_flight')");
  if (r.is_null(0, 0)) return std::nullopt;
  return r.integer(0, 0);
}

std::vector<std::pair<StudyState, std::int64_t>> PostgresStudyRegistry::count_by_state() {
  std::lock_guard lock(mutex_);
  const auto r = db_->exec_retrying("SELECT state, COUNT(*) FROM studies GROUP BY state");
  std::vector<std::pair<StudyState, std::int64_t>> out;
  for (auto state : {StudyState::pending, StudyState::in_flight, StudyState::registered,
                     StudyState::failed, StudyState::ignored, StudyState::receiving}) {
    std::int64_t count = 0;
    for (int i = 0; i < r.rows(); ++i) {
      if (r.text(i, 0) == to_string(state)) count = r.integer(i, 1);
    }
    out.emplace_back(state, count);
  }
  return out;
}

void PostgresStudyRegistry::renew_claims(TimestampMs now) {
  std::lock_guard lock(mutex_);
  db_->exec("UPDATE studies SET lease_until = $1 WHERE state = 'in_flight' AND claimed_by = $2",
            Params().add(now + options_.claim_lease.count()).add(options_.node_name));
}

std::string PostgresStudyRegistry::unavailable_reason() {
  // Asked on every /readyz probe: one round trip on a connection of its own, at most once a
  // second, and never waited for: a probe already running answers the last result.
  std::unique_lock probe(probe_mutex_, std::try_to_lock);
  const auto now = std::chrono::steady_clock::now();
  if (probe && (probed_ == std::chrono::steady_clock::time_point{} ||
                now - probed_ >= std::chrono::seconds(1))) {
    probed_ = now;
    std::string reason;
    try {
      // Short deadlines: a readiness probe answers in a few seconds even from a frozen host.
      if (!probe_) {
        pg::ConnectSettings settings{uri_, options_.password};
        settings.answer_deadline = std::chrono::seconds(2);
        settings.connect_timeout = std::chrono::seconds(2);
        settings.application_name = application_name();
        probe_ = std::make_unique<pg::Connection>(settings);
      }
      probe_->exec_retrying("SELECT 1");
    } catch (const std::exception& e) {
      std::string cause = e.what();
      const std::string prefix = "state database: ";
      if (cause.starts_with(prefix)) cause.erase(0, prefix.size());
      reason = "the state database does not answer: " + cause;
    }
    std::lock_guard lock(reason_mutex_);
    reason_ = std::move(reason);
  }
  std::lock_guard lock(reason_mutex_);
  return reason_;
}

}  // namespace gw::registry
