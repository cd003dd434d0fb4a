#pragma once
// DcmDataset → StudyFacts: the one place DCMTK's element types become plain strings.
#include <dcmtk/dcmdata/dcdatset.h>

#include <string>

#include "dicom_text.hpp"
#include "gateway/domain/study_facts.hpp"

namespace gw::dicom {

/// The top-level text attributes of `dataset`, converted to UTF-8 from its Specific
/// Character Set, plus the association's calling_ae, called_ae and peer_address.
/// Converts `dataset` in place (it is our in-memory copy; the spooled file is untouched).
/// When the character set cannot be converted, bytes outside ASCII become U+FFFD and
/// `charset_problem` says why; routing goes on with what could be read.
StudyFacts facts_from_dataset(DcmDataset& dataset, const AssociationInfo& association,
                              std::string* charset_problem = nullptr);

}  // namespace gw::dicom
