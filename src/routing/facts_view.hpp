#pragma once
// A study's facts as the compiled rules read them: each key looked up at most once per route.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/domain/study_facts.hpp"
#include "regex_group.hpp"

namespace gw::routing {

/// Lazily resolves the rule set's interned keys against one StudyFacts. One per route call, on
/// the calling thread; borrows both `facts` and `keys`, which must outlive it.
class FactsView {
 public:
  FactsView(const StudyFacts& facts, const std::vector<std::string>& keys,
            const std::vector<RegexGroup>& groups);

  /// The values of interned key `index`; empty when the study lacks it.
  std::span<const std::string> values(std::size_t index) const;
  const StudyFacts& facts() const noexcept { return facts_; }
  /// Whether any value of the group's key matches the pattern in `slot`; nullopt when the
  /// group cannot answer and the caller must run the pattern itself.
  std::optional<bool> regex_hit(int group, int slot) const;

 private:
  struct Slot {
    std::span<const std::string> values;
    bool resolved = false;
  };
  std::span<const std::string> lookup(const std::string& key) const;

  const StudyFacts& facts_;
  struct GroupResult {
    enum class State : char { unknown, answered, failed } state = State::unknown;
    std::vector<char> hits;
  };

  const std::vector<std::string>& keys_;
  const std::vector<RegexGroup>& groups_;
  mutable std::vector<Slot> slots_;
  mutable std::vector<GroupResult> group_results_;
};

}  // namespace gw::routing
