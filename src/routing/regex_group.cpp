#include "regex_group.hpp"

#include <re2/re2.h>
#include <re2/set.h>

namespace gw::routing {

struct RegexGroup::Impl {
  Impl() : set(options(), re2::RE2::UNANCHORED) {}
  static re2::RE2::Options options() {
    re2::RE2::Options o;
    o.set_log_errors(false);
    return o;
  }
  re2::RE2::Set set;
  bool compiled = false;
};

RegexGroup::RegexGroup(std::size_t key) : key_(key), impl_(std::make_unique<Impl>()) {}
RegexGroup::RegexGroup(RegexGroup&&) noexcept = default;
RegexGroup& RegexGroup::operator=(RegexGroup&&) noexcept = default;
RegexGroup::~RegexGroup() = default;

int RegexGroup::add(const std::string& pattern) {
  std::string error;
  const int slot = impl_->set.Add(pattern, &error);
  if (slot >= 0) size_ = static_cast<std::size_t>(slot) + 1;
  return slot;
}

void RegexGroup::compile() { impl_->compiled = size_ > 0 && impl_->set.Compile(); }

bool RegexGroup::match(std::string_view value, std::vector<int>& scratch,
                       std::vector<char>& hits) const {
  if (!impl_->compiled) return false;
  re2::RE2::Set::ErrorInfo info{};
  scratch.clear();
  if (!impl_->set.Match(value, &scratch, &info)) {
    if (info.kind != re2::RE2::Set::kNoError) return false;
    return true;  // no pattern matched
  }
  for (int slot : scratch) hits[static_cast<std::size_t>(slot)] = 1;
  return true;
}

}  // namespace gw::routing
