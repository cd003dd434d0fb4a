#include "raw_store_sender.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <algorithm>

#include "dicom_bytes.hpp"

namespace gw::test {
namespace {

/// The C-STORE-RQ command set, implicit VR little endian (PS3.7 §6.3.1, §9.3.1.1).
std::vector<std::uint8_t> store_command(const std::string& sop_class, const std::string& sop_instance) {
  DicomBytes body(false);
  body.element(0x0000, 0x0002, "UI", sop_class)
      .tag(0x0000, 0x0100).u32(2).u16(0x0001)   // CommandField: C-STORE-RQ
      .tag(0x0000, 0x0110).u32(2).u16(1)        // MessageID
      .tag(0x0000, 0x0700).u32(2).u16(0)        // Priority: medium
      .tag(0x0000, 0x0800).u32(2).u16(0x0000)   // CommandDataSetType: a dataset follows
      .element(0x0000, 0x1000, "UI", sop_instance);
  DicomBytes command(false);
  command.tag(0x0000, 0x0000).u32(4).u32(static_cast<std::uint32_t>(body.bytes().size())).raw(body.bytes());
  return command.bytes();
}

OFCondition write_pdv(T_ASC_Association* assoc, DUL_DATAPDV type, const std::uint8_t* data,
                      std::size_t size, bool last) {
  DUL_PDV pdv{};
  pdv.fragmentLength = size;
  pdv.presentationContextID = 1;
  pdv.pdvType = type;
  pdv.lastPDV = last ? OFTrue : OFFalse;
  pdv.data = const_cast<std::uint8_t*>(data);
  DUL_PDVLIST list{};
  list.count = 1;
  list.pdv = &pdv;
  return DUL_WritePDVs(&assoc->DULassociation, &list);
}

}  // namespace

RawStoreResult send_raw_store(std::uint16_t port, const std::string& sop_class,
                              const std::string& sop_instance, const std::string& transfer_syntax,
                              const std::vector<std::uint8_t>& dataset) {
  RawStoreResult result;
  T_ASC_Network* net = nullptr;
  T_ASC_Parameters* params = nullptr;
  T_ASC_Association* assoc = nullptr;
  OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, 10, &net);
  if (cond.good()) cond = ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU);
  if (cond.good()) {
    ASC_setAPTitles(params, "TEST_SCU", "AVARA_GW", nullptr);
    const std::string peer = "127.0.0.1:" + std::to_string(port);
    ASC_setPresentationAddresses(params, "localhost", peer.c_str());
    const char* syntaxes[] = {transfer_syntax.c_str()};
    cond = ASC_addPresentationContext(params, 1, sop_class.c_str(), syntaxes, 1);
  }
  if (cond.good()) cond = ASC_requestAssociation(net, params, &assoc);
  if (cond.good() && ASC_countAcceptedPresentationContexts(params) != 1) {
    cond = makeOFCondition(OFM_dcmnet, 999, OF_error, "presentation context not accepted");
  }
  if (cond.good()) {
    const auto command = store_command(sop_class, sop_instance);
    cond = write_pdv(assoc, DUL_COMMANDPDV, command.data(), command.size(), true);
    // Fragments well below the 131072-byte PDU the gateway negotiates.
    constexpr std::size_t kFragment = 16 * 1024;
    for (std::size_t at = 0; cond.good() && at < dataset.size(); at += kFragment) {
      const std::size_t size = std::min(kFragment, dataset.size() - at);
      cond = write_pdv(assoc, DUL_DATASETPDV, dataset.data() + at, size, at + size == dataset.size());
    }
  }
  if (cond.good()) {
    T_DIMSE_Message response{};
    T_ASC_PresentationContextID context = 0;
    DcmDataset* detail = nullptr;
    cond = DIMSE_receiveCommand(assoc, DIMSE_BLOCKING, 0, &context, &response, &detail);
    if (cond.good() && response.CommandField == DIMSE_C_STORE_RSP) {
      result.status = response.msg.CStoreRSP.DimseStatus;
      OFString comment;
      if (detail && detail->findAndGetOFString(DCM_ErrorComment, comment).good()) {
        result.error_comment = comment.c_str();
      }
    }
    delete detail;
  }
  if (cond.bad()) result.error = cond.text();
  if (assoc) {
    if (cond.good()) ASC_releaseAssociation(assoc);
    else ASC_abortAssociation(assoc);
    ASC_destroyAssociation(&assoc);
  } else if (params) {
    ASC_destroyAssociationParameters(&params);
  }
  if (net) ASC_dropNetwork(&net);
  return result;
}

}  // namespace gw::test
