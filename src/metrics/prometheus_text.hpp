#pragma once
// The small pieces of the Prometheus text format 0.0.4: numbers and label sets.
#include <string>
#include <string_view>

#include "gateway/metrics/registry.hpp"

namespace gw::metrics::text {

/// A sample value: shortest round-trip form, +Inf, -Inf or NaN.
std::string number(double v);
/// `{a="x",b="y"}` with `extra` (e.g. le="0.5") last; empty when there are no labels.
std::string label_set(const Labels& labels, std::string_view extra = {});
/// HELP text escaping: backslash and newline.
std::string escape_help(std::string_view help);

}  // namespace gw::metrics::text
