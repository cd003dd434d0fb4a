#include "dataset_facts.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>

#include <cstdio>
#include <vector>

#include "iso2022_text.hpp"

namespace gw::dicom {
namespace {

// Longer values are not routing material (and were not loaded: see the read limit).
constexpr Uint32 kMaxFactLength = 1024;

/// Keeps ASCII, replaces every other byte with U+FFFD: the fallback when the dataset's
/// character set cannot be converted, so that routing still sees something readable.
std::string ascii_or_replacement(const std::string& raw) {
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    if (c >= 0x20 && c < 0x7F) out += static_cast<char>(c);
    else out += "\xEF\xBF\xBD";
  }
  return out;
}

std::string tag_key(const DcmTag& tag) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%04X%04X", static_cast<unsigned>(tag.getGroup()),
                static_cast<unsigned>(tag.getElement()));
  return buf;
}

enum class TextMode { utf8, iso2022, ascii_only };

std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\\') {
      out.push_back(trim_dicom(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

/// VRs whose bytes follow the Specific Character Set (PS3.5 §6.1.2.3); others are ASCII.
bool follows_charset(DcmEVR vr) {
  return vr == EVR_SH || vr == EVR_LO || vr == EVR_ST || vr == EVR_LT || vr == EVR_UT ||
         vr == EVR_PN || vr == EVR_UC;
}

/// VRs that hold one value whatever backslashes they contain.
bool single_valued(DcmEVR vr) { return vr == EVR_ST || vr == EVR_LT || vr == EVR_UT; }

StudyFacts::Values read_values(DcmElement& element, TextMode mode,
                               const std::vector<std::string>& charsets) {
  const DcmEVR vr = element.getTag().getEVR();
  StudyFacts::Values values;
  if (mode == TextMode::iso2022 && follows_charset(vr)) {
    OFString raw;
    if (element.getOFStringArray(raw).bad()) return values;
    const std::string text =
        iso2022_to_utf8(std::string_view(raw.c_str(), raw.length()), charsets, vr == EVR_PN);
    if (single_valued(vr)) values.push_back(trim_dicom(text));
    else values = split_values(text);
    return values;
  }
  const unsigned long vm = element.getVM();
  for (unsigned long v = 0; v < vm; ++v) {
    OFString value;
    if (element.getOFString(value, v).bad()) continue;
    std::string text = trim_dicom(std::string(value.c_str(), value.length()));
    values.push_back(mode == TextMode::ascii_only ? ascii_or_replacement(text) : std::move(text));
  }
  return values;
}

}  // namespace

StudyFacts facts_from_dataset(DcmDataset& dataset, const AssociationInfo& association,
                              std::string* charset_problem) {
  // Without a Specific Character Set only ASCII is allowed: other bytes are not trusted.
  OFString charset;
  dataset.findAndGetOFStringArray(DCM_SpecificCharacterSet, charset);
  const std::vector<std::string> charsets = split_values(trim_dicom(charset.c_str()));
  TextMode mode = charsets.empty() ? TextMode::ascii_only : TextMode::utf8;
  if (mode == TextMode::utf8 && charset != "ISO_IR 192") {
    const OFCondition status = dataset.convertToUTF8();
    if (status.bad()) {
      // DCMTK's iconv backend refuses some ISO 2022 sets (IR 87, 159, 149…): decode those
      // ourselves; anything else unknown keeps its ASCII and marks the rest as unreadable.
      mode = uses_code_extensions(charsets) ? TextMode::iso2022 : TextMode::ascii_only;
      if (charset_problem && mode == TextMode::ascii_only) {
        *charset_problem = "cannot convert from '" + std::string(charset.c_str()) +
                           "' to UTF-8: " + status.text();
      }
    }
  }

  StudyFacts facts;
  facts.association = association;
  for (unsigned long i = 0; i < dataset.card(); ++i) {
    DcmElement* element = dataset.getElement(i);
    if (!element || !element->isaString() || !element->isLeaf()) continue;
    if (element->getLength() > kMaxFactLength || !element->valueLoaded()) continue;
    DcmTag tag = element->getTag();  // a copy: getTagName() is not const in DCMTK
    if (tag.getGroup() == 0x0002) continue;  // file meta information, not the study's
    StudyFacts::Values values = read_values(*element, mode, charsets);
    const char* keyword = tag.getTagName();
    if (keyword && *keyword && std::string_view(keyword) != DcmTag_ERROR_TagName) {
      facts.set(keyword, values);
    }
    facts.set(tag_key(tag), std::move(values));
  }
  facts.study_instance_uid = facts.first("StudyInstanceUID");
  facts.set_association(association);
  return facts;
}

}  // namespace gw::dicom
