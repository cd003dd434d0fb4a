#pragma once
// DICOM string values as plain text, without DCMTK: the DCMTK adapter and instance_identity
// (the values the scanner kept) must trim a value the same way.
#include <string>

namespace gw::dicom {

/// A DICOM string value with leading and trailing spaces (and NULs) removed.
std::string trim_dicom(std::string value);

}  // namespace gw::dicom
