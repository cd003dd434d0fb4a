#pragma once
// Which build this is: the project's version and the commit it was built from. Reported by
// `dicom-gateway --version`, the start-up log line, the console's status and the
// dicom_gateway_build_info metric, and used as the .deb's version, so that an administrator
// can always tell which build runs.
#include <string_view>

namespace gw::build_info {

/// The project version from CMakeLists.txt, e.g. "0.2.0".
std::string_view version() noexcept;
/// The abbreviated commit hash, or "unknown" when built outside a git checkout.
std::string_view commit() noexcept;
/// Commits on the branch up to this one; orders builds of one version ("0" when unknown).
std::string_view commit_count() noexcept;
/// "0.2.0 (commit be67983)": the form printed by --version and logged at start-up.
std::string_view description() noexcept;

}  // namespace gw::build_info
