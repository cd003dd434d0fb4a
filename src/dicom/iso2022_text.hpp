#pragma once
// DICOM text with ISO 2022 code extensions (PS3.5 §6.1.2.5) → UTF-8, for the character
// sets DCMTK 3.6.7 cannot convert on Debian: its glibc iconv backend refuses
// "ISO 2022 IR 87" (JIS X 0208), "ISO 2022 IR 159", "ISO 2022 IR 149" and others.
#include <string>
#include <string_view>
#include <vector>

namespace gw::dicom {

/// Decodes one element value. `charsets` are the values of Specific Character Set
/// (0008,0005); the first names the initial state (empty = ASCII). The state returns to the
/// initial one at every delimiter (CR, LF, TAB, FF, '\\', and '^' '=' in person names), as
/// PS3.5 requires. Bytes that cannot be decoded become U+FFFD; never throws.
std::string iso2022_to_utf8(std::string_view value, const std::vector<std::string>& charsets,
                            bool person_name);

/// True when `charsets` uses code extensions (any term starting with "ISO 2022").
bool uses_code_extensions(const std::vector<std::string>& charsets);

}  // namespace gw::dicom
