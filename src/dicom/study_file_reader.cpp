#include "gateway/dicom/study_file_reader.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "dataset_facts.hpp"

namespace gw::dicom {

std::optional<StudyFacts> read_study_facts(const std::filesystem::path& file,
                                           const AssociationInfo& association, std::string& error) {
  DcmFileFormat format;
  // Values longer than 4 KiB (pixel data) stay on disk; facts never need them.
  const OFCondition status = format.loadFileUntilTag(file.c_str(), EXS_Unknown, EGL_noChange,
                                                     4096, ERM_autoDetect, DCM_PixelData);
  if (status.bad()) {
    error = std::string("not a readable DICOM file: ") + status.text();
    return std::nullopt;
  }
  return facts_from_dataset(*format.getDataset(), association);
}

bool is_known_keyword(std::string_view keyword) {
  const std::string name(keyword);
  const DcmDataDictionary& dictionary = dcmDataDict.rdlock();
  const bool known = dictionary.findEntry(name.c_str()) != nullptr;
  dcmDataDict.rdunlock();
  return known;
}

}  // namespace gw::dicom
