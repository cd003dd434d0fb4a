#include "facts_view.hpp"

namespace gw::routing {

FactsView::FactsView(const StudyFacts& facts, const std::vector<std::string>& keys,
                     const std::vector<RegexGroup>& groups)
    : facts_(facts), keys_(keys), groups_(groups), slots_(keys.size()), group_results_(groups.size()) {}

std::optional<bool> FactsView::regex_hit(int group, int slot) const {
  GroupResult& result = group_results_[static_cast<std::size_t>(group)];
  if (result.state == GroupResult::State::unknown) {
    const RegexGroup& g = groups_[static_cast<std::size_t>(group)];
    result.hits.assign(g.size(), 0);
    result.state = GroupResult::State::answered;
    std::vector<int> scratch;
    for (const auto& value : values(g.key())) {
      if (!g.match(value, scratch, result.hits)) {
        result.state = GroupResult::State::failed;
        break;
      }
    }
  }
  if (result.state == GroupResult::State::failed) return std::nullopt;
  return result.hits[static_cast<std::size_t>(slot)] != 0;
}

std::span<const std::string> FactsView::values(std::size_t index) const {
  Slot& slot = slots_[index];
  if (!slot.resolved) {
    slot.values = lookup(keys_[index]);
    slot.resolved = true;
  }
  return slot.values;
}

std::span<const std::string> FactsView::lookup(const std::string& key) const {
  if (const auto* found = facts_.find(key)) return {found->data(), found->size()};
  // The intake copies the association into `attributes`; fall back to the struct so facts built
  // by hand (tests, tools) still route by calling AE.
  const auto& a = facts_.association;
  const std::string* field = key == "calling_ae"     ? &a.calling_ae
                             : key == "called_ae"    ? &a.called_ae
                             : key == "peer_address" ? &a.peer_address
                                                     : nullptr;
  if (field && !field->empty()) return {field, 1};
  return {};
}

}  // namespace gw::routing
