#include "presentation_contexts.hpp"

#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string_view>

#include "gateway/domain/uid.hpp"

namespace gw::dicom {
namespace {

/// The first of `preferred` that the context proposes; nullptr when none.
const char* choose_syntax(const T_ASC_PresentationContext& context,
                          const std::vector<std::string>& preferred) {
  for (const auto& syntax : preferred) {
    for (unsigned i = 0; i < context.transferSyntaxCount; ++i) {
      if (syntax == context.proposedTransferSyntaxes[i]) return syntax.c_str();
    }
  }
  return nullptr;
}

/// A SOP class that only --accept_unknown_sop_classes takes: a valid UID DCMTK has no name for
/// (so never a known query, retrieve or print service).
bool is_unknown_sop_class(const char* uid) {
  return is_valid_uid(uid) && dcmFindNameOfUID(uid) == nullptr;
}

}  // namespace

std::vector<std::string> accepted_storage_sop_classes(const PresentationPolicy& policy) {
  std::vector<std::string> classes(dcmAllStorageSOPClassUIDs,
                                   dcmAllStorageSOPClassUIDs + numberOfDcmAllStorageSOPClassUIDs);
  const std::set<std::string> known(classes.begin(), classes.end());
  for (const auto& extra : policy.extra_sop_classes) {
    if (!known.contains(extra) &&
        std::find(classes.begin(), classes.end(), extra) == classes.end()) {
      classes.push_back(extra);
    }
  }
  return classes;
}

std::vector<std::string> accepted_transfer_syntaxes(const PresentationPolicy& policy) {
  if (!policy.transfer_syntaxes.empty()) return policy.transfer_syntaxes;
  std::vector<std::string> syntaxes;
  for (const auto& ts : known_transfer_syntaxes()) syntaxes.emplace_back(ts.uid);
  return syntaxes;
}

std::vector<std::string> verification_transfer_syntaxes() {
  return {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
          UID_BigEndianExplicitTransferSyntax};
}

OFCondition accept_storage_contexts(T_ASC_Parameters* params, const PresentationPolicy& policy,
                                    bool storage_commitment) {
  const std::vector<std::string> classes = accepted_storage_sop_classes(policy);
  const std::set<std::string, std::less<>> storage(classes.begin(), classes.end());
  const std::vector<std::string> syntaxes = accepted_transfer_syntaxes(policy);
  const std::vector<std::string> echo_syntaxes = verification_transfer_syntaxes();

  const int count = ASC_countPresentationContexts(params);
  for (int i = 0; i < count; ++i) {
    T_ASC_PresentationContext context;
    OFCondition status = ASC_getPresentationContext(params, i, &context);
    if (status.bad()) return status;
    const std::string_view sop_class = context.abstractSyntax;

    const char* chosen = nullptr;
    bool abstract_known = true;
    if (sop_class == UID_VerificationSOPClass ||
        (storage_commitment && sop_class == UID_StorageCommitmentPushModelSOPClass)) {
      chosen = choose_syntax(context, echo_syntaxes);
    } else if (storage.contains(sop_class) ||
               (policy.accept_unknown_sop_classes && is_unknown_sop_class(context.abstractSyntax))) {
      chosen = choose_syntax(context, syntaxes);
    } else {
      abstract_known = false;
    }

    if (chosen) {
      status = ASC_acceptPresentationContext(params, context.presentationContextID, chosen);
    } else {
      status = ASC_refusePresentationContext(
          params, context.presentationContextID,
          abstract_known ? ASC_P_TRANSFERSYNTAXESNOTSUPPORTED : ASC_P_ABSTRACTSYNTAXNOTSUPPORTED);
    }
    if (status.bad()) return status;
  }
  return EC_Normal;
}

}  // namespace gw::dicom
