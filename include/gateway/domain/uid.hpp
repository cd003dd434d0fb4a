#pragma once
#include <string_view>

namespace gw {

/// True when `uid` is a valid DICOM UID (PS3.5 §9.1): 1..64 characters of digits and
/// dots, no empty component, no leading zero in a component longer than one digit.
/// A valid UID is also safe to use as a file name (no '/', never "." or "..").
bool is_valid_uid(std::string_view uid) noexcept;

}  // namespace gw
