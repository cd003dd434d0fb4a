#include "context_sender.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmnet/scu.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace gw::test {

ContextResult propose_and_send(const SendOptions& options, const std::string& sop_class,
                               const std::vector<std::string>& syntaxes, const std::string& file) {
  ContextResult result;
  DcmSCU scu;
  scu.setAETitle(options.calling_ae.c_str());
  scu.setPeerHostName(options.host.c_str());
  scu.setPeerPort(options.port);
  scu.setPeerAETitle(options.called_ae.c_str());
  scu.setACSETimeout(10);
  scu.setDIMSETimeout(30);
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  OFList<OFString> proposed;
  for (const auto& ts : syntaxes) proposed.push_back(ts.c_str());
  scu.addPresentationContext(sop_class.c_str(), proposed);
  OFCondition status = scu.initNetwork();
  if (status.good()) status = scu.negotiateAssociation();
  if (status.bad()) {
    // DcmSCU refuses to go on when no context was accepted: the association itself was.
    result.error = status.text();
    return result;
  }
  result.associated = true;
  T_ASC_PresentationContextID id = 0;
  for (const auto& ts : syntaxes) {  // DcmSCU finds only accepted contexts
    id = scu.findPresentationContextID(sop_class.c_str(), ts.c_str());
    if (id != 0) {
      result.accepted_syntax = ts;
      break;
    }
  }
  if (id != 0 && !file.empty()) {
    Uint16 rsp = 0;
    status = scu.sendSTORERequest(id, file.c_str(), nullptr, rsp);
    if (status.good()) result.status = rsp;
    else result.error = status.text();
  }
  if (status.good()) scu.releaseAssociation();
  else scu.abortAssociation();
  return result;
}

std::string dataset_bytes(const std::string& part10_file) {
  std::ifstream in(part10_file, std::ios::binary);
  const std::string all{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // Preamble, "DICM", then (0002,0000) UL: tag 4, VR 2, length 2, value 4 (PS3.10 7.1).
  if (all.size() < 144 || all.compare(128, 4, "DICM") != 0 || all.compare(132, 6, "\x02\x00\x00\x00UL", 6) != 0) {
    throw std::runtime_error(part10_file + " has no meta header group length");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(all.data() + 140);
  const std::size_t group = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::size_t>(p[3]) << 24);
  if (144 + group > all.size()) throw std::runtime_error(part10_file + ": meta header too long");
  return all.substr(144 + group);
}

void set_sop_class(const std::string& file, const std::string& sop_class) {
  DcmFileFormat ff;
  if (ff.loadFile(file.c_str()).bad()) throw std::runtime_error("cannot read " + file);
  ff.getDataset()->putAndInsertString(DCM_SOPClassUID, sop_class.c_str());
  ff.getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPClassUID, sop_class.c_str());
  if (ff.saveFile(file.c_str(), EXS_LittleEndianExplicit).bad()) {
    throw std::runtime_error("cannot write " + file);
  }
}

}  // namespace gw::test
