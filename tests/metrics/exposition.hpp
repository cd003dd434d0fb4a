#pragma once
// A reader of the Prometheus text format 0.0.4, enough for tests to check what a scrape holds
// and that it follows the naming conventions.
#include <map>
#include <string>
#include <vector>

namespace gw::test {

/// One sample line: `name{labels} value`.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

/// A parsed exposition: each family's # TYPE and every sample. Value type.
struct Exposition {
  std::map<std::string, std::string> types;  // family name -> counter, gauge, histogram, ...
  std::vector<Sample> samples;

  /// The value of the sample `name` whose labels include every pair of `labels`; the first
  /// match, or nullopt-like NaN when none.
  double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  bool has(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  /// The family a sample belongs to (a histogram's _bucket, _sum, _count are its family's).
  std::string family_of(const std::string& sample_name) const;
};

/// Throws std::runtime_error on a line it cannot read.
Exposition parse_exposition(const std::string& text);

/// Every way `e` departs from the conventions, one line each (empty: none): a counter not
/// ending in _total, a gauge or histogram that does, a sample of an undeclared family, a
/// negative value (no -1 sentinels), a histogram without a unit in its name.
std::vector<std::string> convention_problems(const Exposition& e);

}  // namespace gw::test
