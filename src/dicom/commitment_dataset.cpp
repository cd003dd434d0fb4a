#include "commitment_dataset.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include "dataset_facts.hpp"

namespace gw::dicom {
namespace {

std::string item_string(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFString(tag, value).bad()) return {};
  return trim_dicom(std::string(value.c_str(), value.length()));
}

void add_reference(DcmDataset& out, const DcmTagKey& sequence, const domain::CommitmentItem& item,
                   bool with_reason) {
  DcmItem* entry = nullptr;
  if (out.findOrCreateSequenceItem(sequence, entry, -2).bad() || entry == nullptr) return;
  entry->putAndInsertString(DCM_ReferencedSOPClassUID, item.sop_class_uid.c_str());
  entry->putAndInsertString(DCM_ReferencedSOPInstanceUID, item.sop_instance_uid.c_str());
  if (with_reason) {
    entry->putAndInsertUint16(DCM_FailureReason, static_cast<Uint16>(item.failure));
  }
}

}  // namespace

domain::CommitmentRequest commitment_from_dataset(DcmDataset* dataset) {
  domain::CommitmentRequest request;
  if (dataset == nullptr) return request;
  request.transaction_uid = item_string(*dataset, DCM_TransactionUID);
  DcmSequenceOfItems* sequence = nullptr;
  if (dataset->findAndGetSequence(DCM_ReferencedSOPSequence, sequence).bad() || !sequence) {
    return request;
  }
  for (unsigned long i = 0; i < sequence->card(); ++i) {
    DcmItem* item = sequence->getItem(i);
    if (item == nullptr) continue;
    request.items.push_back({item_string(*item, DCM_ReferencedSOPClassUID),
                             item_string(*item, DCM_ReferencedSOPInstanceUID),
                             domain::CommitFailure::none});
  }
  return request;
}

void fill_event_information(const domain::CommitmentRequest& resolved, DcmDataset& out) {
  out.putAndInsertString(DCM_TransactionUID, resolved.transaction_uid.c_str());
  for (const auto& item : resolved.items) {
    const bool failed = item.failure != domain::CommitFailure::none;
    add_reference(out, failed ? DCM_FailedSOPSequence : DCM_ReferencedSOPSequence, item, failed);
  }
}

}  // namespace gw::dicom
