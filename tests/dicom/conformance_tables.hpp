#pragma once
// The SOP class and transfer syntax tables of docs/conformance-statement.md, rendered from the
// code and read back from the markdown, so the test can compare them and print the table to paste.
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/presentation_policy.hpp"

namespace gw::test {

inline constexpr std::string_view kSopClassesBegin = "<!-- sop-classes:begin -->";
inline constexpr std::string_view kSopClassesEnd = "<!-- sop-classes:end -->";
inline constexpr std::string_view kTransferSyntaxesBegin = "<!-- transfer-syntaxes:begin -->";
inline constexpr std::string_view kTransferSyntaxesEnd = "<!-- transfer-syntaxes:end -->";

/// The markdown block (markers included) listing the storage SOP classes `policy` accepts.
std::string sop_class_table(const PresentationPolicy& policy);

/// The markdown block (markers included) listing the transfer syntaxes, most preferred first.
std::string transfer_syntax_table(const PresentationPolicy& policy);

/// The UIDs of the table rows between `begin` and `end` in `markdown`, in order: in each row
/// starting with '|', the first `backticked` valid UID. Empty when a marker is missing.
std::vector<std::string> table_uids(std::string_view markdown, std::string_view begin,
                                    std::string_view end);

}  // namespace gw::test
