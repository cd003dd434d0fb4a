#pragma once
// A compiled `match`: a tree of all / any / not over attribute tests, evaluated per study.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "facts_view.hpp"
#include "value_test.hpp"

namespace gw::routing {

/// One node of a compiled match. Immutable after compilation; evaluation is const and thread-safe.
struct Condition {
  enum class Kind { all, any, negation, test, exists };
  Kind kind = Kind::all;
  std::vector<Condition> children;  // all / any / negation; `all` sorted cheapest first
  std::size_t key = 0;              // test / exists: index into the interned keys
  ValueTest test;                   // test
  bool exists = true;               // exists: the wanted presence
  std::size_t order = 0;            // position among its siblings as written
  int cost = 0;                     // for ordering siblings
  std::string text;                 // as the administrator wrote it, for explanations
  std::string canonical;            // equal for conditions that test the same thing the same way

  bool evaluate(const FactsView& facts) const;
  /// nullopt when the condition holds; else why not, naming the first failing part as written
  /// and the values seen.
  std::optional<std::string> failure(const FactsView& facts) const;
};

}  // namespace gw::routing
