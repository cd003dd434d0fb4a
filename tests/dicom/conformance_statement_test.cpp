// docs/conformance-statement.md lists exactly the SOP classes and transfer syntaxes the default
// configuration accepts. On a mismatch the test prints the table to paste between the markers
// (print_conformance_tables prints both).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "conformance_tables.hpp"
#include "gateway/config/config_loader.hpp"
#include "presentation_contexts.hpp"

namespace {

const std::string kRouting =
    "routing:\n  default:\n    assign: { express_customer_id: cus_0123456789abcdef0123456789abcdef }\n";

std::string statement() {
  std::ifstream in(std::string(GW_SOURCE_DIR) + "/docs/conformance-statement.md");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

gw::PresentationPolicy default_policy() {
  const auto loaded = gw::config::load_config_text(kRouting, "default.yaml", {});
  if (!loaded.config) throw std::runtime_error("the default configuration does not load");
  return loaded.config->dicom.presentation;
}

TEST(ConformanceStatement, ListsExactlyTheStorageSopClassesAccepted) {
  const auto policy = default_policy();
  const auto listed = gw::test::table_uids(statement(), gw::test::kSopClassesBegin,
                                           gw::test::kSopClassesEnd);
  EXPECT_EQ(listed, gw::dicom::accepted_storage_sop_classes(policy))
      << "paste into docs/conformance-statement.md:\n"
      << gw::test::sop_class_table(policy);
}

TEST(ConformanceStatement, ListsExactlyTheTransferSyntaxesAcceptedInPreferredOrder) {
  const auto policy = default_policy();
  const auto listed = gw::test::table_uids(statement(), gw::test::kTransferSyntaxesBegin,
                                           gw::test::kTransferSyntaxesEnd);
  EXPECT_EQ(listed, gw::dicom::accepted_transfer_syntaxes(policy))
      << "paste into docs/conformance-statement.md:\n"
      << gw::test::transfer_syntax_table(policy);
}

TEST(ConformanceTables, ReadsTheFirstBacktickedUidOfEachRowBetweenTheMarkers) {
  const std::string md = "| `1.2.3` |\n<!-- sop-classes:begin -->\n| A | x |\n|---|---|\n"
                         "| CT | `not a uid` `1.2.840.10008.5.1.4.1.1.2` | `9.9` |\n"
                         "<!-- sop-classes:end -->\n| `4.5` |\n";
  EXPECT_EQ(gw::test::table_uids(md, gw::test::kSopClassesBegin, gw::test::kSopClassesEnd),
            (std::vector<std::string>{"1.2.840.10008.5.1.4.1.1.2"}));
}

}  // namespace
