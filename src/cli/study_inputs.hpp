#pragma once
// The DICOM files given to `dicom-gateway route`, grouped into studies the way the gateway
// would see them: one routing per StudyInstanceUID, from the first file read.
#include <cstddef>
#include <string>
#include <vector>

#include "gateway/domain/study_facts.hpp"

namespace gw::app {

/// One study found among the inputs. Value type.
struct StudyInput {
  StudyFacts facts;        // read from `first_file`, with the simulated association
  std::string first_file;  // the first file read of this study
  std::size_t file_count = 0;
};

/// An input that could not be used, and why ("not a readable DICOM file: ..."). Value type.
struct InputProblem {
  std::string path;
  std::string message;
};

/// Every study found, in the order first seen, and every input that could not be used.
struct StudyInputs {
  std::vector<StudyInput> studies;
  std::vector<InputProblem> problems;
};

/// Reads `paths` in the order given: a file is read, a folder is walked recursively in name
/// order, skipping hidden entries (the spool's `.incoming` holds partial files). A file without
/// StudyInstanceUID is a problem, as the gateway refuses it. Thread-safe (no shared state).
StudyInputs gather_studies(const std::vector<std::string>& paths,
                           const AssociationInfo& association);

}  // namespace gw::app
