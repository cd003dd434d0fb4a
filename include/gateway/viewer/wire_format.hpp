#pragma once
// The JSON the Viewer API speaks (viewer-api.md, "Create a study"). Pure functions: no I/O,
// no Beast; the HTTPS client and tests share them.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/domain/registration_request.hpp"

namespace gw::viewer {

/// How much of a response body the gateway keeps for operators (and in CreateOutcome).
inline constexpr std::size_t max_kept_body_bytes = 4096;

/// The create body: studyInstanceUid, studyDescription and severity always; assignedTo and
/// expressCustomerId only when set; metadata only when non-empty. Pure; thread-safe.
/// Strings are emitted as UTF-8 as given (the domain guarantees valid UTF-8).
std::string to_json(const gw::RegistrationRequest& request);

/// True when `id` is "stu_" + 32 hex digits, the form of a viewer studyId. Pure; thread-safe.
bool is_study_id(std::string_view id) noexcept;

/// The `studyId` of a study object (or any JSON object carrying one at the top level), when it
/// is "stu_" + 32 hex digits; nullopt for malformed JSON, a missing or malformed id. Extra
/// fields are ignored, so new vendor fields do not break the gateway. Pure; thread-safe.
std::optional<std::string> parse_created_study(std::string_view body);

/// At most `max_bytes` bytes of `text` that are valid UTF-8 and therefore safe to put into a
/// JSON string or a log line: never ends inside a multi-byte sequence, and replaces each byte
/// that is not part of a valid sequence with U+FFFD. Pure; thread-safe.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes = max_kept_body_bytes);

}  // namespace gw::viewer
