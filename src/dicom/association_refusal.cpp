#include "association_refusal.hpp"

#include <dcmtk/dcmdata/dcuid.h>

#include <cstring>

#include "gateway/log/log.hpp"

namespace gw::dicom {

void log_rejection(const char* event, const std::string& calling_ae, const std::string& peer,
                   std::string_view reason) {
  log::warning(event).kv("calling_ae", calling_ae).kv("peer", peer).kv("reason", std::string(reason));
}

bool proposes_only_verification(T_ASC_Parameters* params) {
  const int count = ASC_countPresentationContexts(params);
  for (int i = 0; i < count; ++i) {
    T_ASC_PresentationContext context;
    if (ASC_getPresentationContext(params, i, &context).bad()) return false;
    if (std::strcmp(context.abstractSyntax, UID_VerificationSOPClass) != 0) return false;
  }
  return count > 0;
}

T_ASC_RejectParameters reject_parameters(AssociationRefusal refusal) {
  switch (refusal) {
    case AssociationRefusal::called_ae_not_recognized:
      return {ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
              ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED};
    case AssociationRefusal::calling_ae_not_recognized:
    case AssociationRefusal::calling_host_not_allowed:
      return {ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
              ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED};
    case AssociationRefusal::caller_limit:
    case AssociationRefusal::none:
      break;
  }
  return {ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
          ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED};
}

}  // namespace gw::dicom
