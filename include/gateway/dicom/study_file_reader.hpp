#pragma once
// Reads study facts from a DICOM file on disk (for `dicom-gateway route` and start-up checks).
#include <filesystem>
#include <optional>
#include <string>

#include "gateway/domain/study_facts.hpp"

namespace gw::dicom {

/// The facts of the study `file` belongs to, or nullopt with `error` set when the file
/// is not a readable DICOM file.
std::optional<StudyFacts> read_study_facts(const std::filesystem::path& file,
                                           const AssociationInfo& association, std::string& error);

/// True when `keyword` names an attribute in DCMTK's data dictionary ("StudyDescription").
bool is_known_keyword(std::string_view keyword);

}  // namespace gw::dicom
