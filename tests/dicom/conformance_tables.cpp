#include "conformance_tables.hpp"

#include <dcmtk/dcmdata/dcuid.h>

#include <sstream>

#include "gateway/domain/uid.hpp"
#include "presentation_contexts.hpp"

namespace gw::test {

std::string sop_class_table(const PresentationPolicy& policy) {
  std::ostringstream out;
  out << kSopClassesBegin << "\n| SOP Class | SOP Class UID | Role |\n|---|---|---|\n";
  for (const auto& uid : dicom::accepted_storage_sop_classes(policy)) {
    const char* name = dcmFindNameOfUID(uid.c_str());
    out << "| " << (name ? name : "(configured: dicom.extra_sop_classes)") << " | `" << uid
        << "` | SCP |\n";
  }
  out << kSopClassesEnd << "\n";
  return out.str();
}

std::string transfer_syntax_table(const PresentationPolicy& policy) {
  std::ostringstream out;
  out << kTransferSyntaxesBegin
      << "\n| Preference | Transfer Syntax | UID | `dicom.transfer_syntaxes` name |\n|---|---|---|---|\n";
  unsigned rank = 0;
  for (const auto& uid : dicom::accepted_transfer_syntaxes(policy)) {
    const TransferSyntaxName* ts = find_transfer_syntax(uid);
    out << "| " << ++rank << " | " << (ts ? ts->description : "?") << " | `" << uid << "` | `"
        << (ts ? ts->name : "?") << "` |\n";
  }
  out << kTransferSyntaxesEnd << "\n";
  return out.str();
}

std::vector<std::string> table_uids(std::string_view markdown, std::string_view begin,
                                    std::string_view end) {
  std::vector<std::string> uids;
  const auto from = markdown.find(begin);
  const auto to = markdown.find(end);
  if (from == std::string_view::npos || to == std::string_view::npos || to < from) return uids;
  std::istringstream lines(std::string(markdown.substr(from + begin.size(), to - from - begin.size())));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '|') continue;
    for (std::size_t open = line.find('`'); open != std::string::npos;) {
      const std::size_t close = line.find('`', open + 1);
      if (close == std::string::npos) break;
      const std::string token = line.substr(open + 1, close - open - 1);
      if (is_valid_uid(token)) {
        uids.push_back(token);
        break;
      }
      open = line.find('`', close + 1);
    }
  }
  return uids;
}

}  // namespace gw::test
