#pragma once
// One operator applied to one attribute value, compiled once at load (RE2 programs included).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/cidr_block.hpp"
#include "gateway/routing/rule_spec.hpp"

namespace re2 {
class RE2;
}

namespace gw::routing {

/// A compiled equals / in / regex / glob / prefix / suffix / contains / cidr test.
/// Immutable once built; `matches` is const, allocation-free and thread-safe.
class ValueTest {
 public:
  ValueTest() = default;
  /// Compiles `op` over `operands`. On failure returns a test that never matches and sets `error`
  /// (RE2's message for regexes) with the index of the offending operand in `error_operand`.
  static ValueTest compile(Operator op, const std::vector<std::string>& operands, bool ignore_case,
                           std::string& error, std::size_t& error_operand);

  bool matches(std::string_view value) const noexcept;
  /// regex and glob: the pattern as a RE2::Set member (flags inlined); empty otherwise.
  const std::string& set_pattern() const noexcept { return set_pattern_; }
  /// Where this test's answer lives in the route's RegexGroup results; -1 when it has none.
  void join_group(int group, int slot) noexcept { group_ = group, slot_ = slot; }
  int group() const noexcept { return group_; }
  int slot() const noexcept { return slot_; }
  /// Relative evaluation cost, so cheap tests of an `all` run before regexes.
  int cost() const noexcept;

 private:
  Operator op_ = Operator::equals;
  bool ignore_case_ = false;
  std::vector<std::string> operands_;  // lower-cased when ignore_case_
  std::shared_ptr<const re2::RE2> regex_;  // regex and glob
  std::vector<CidrBlock> networks_;
  std::string set_pattern_;
  int group_ = -1;
  int slot_ = -1;
};

/// The RE2 pattern (anchored, dot matches newline) equivalent to a shell glob: `*`, `?`,
/// `[abc]`, `[a-z]`, `[!x]`; everything else literal.
std::string glob_to_regex(std::string_view glob);

}  // namespace gw::routing
