// Received bytes → StudyFacts, in the order the gateway uses: DCMTK parses only what the
// scanner accepted (so DCMTK never sees a nesting bomb), then the facts are read.
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dctag.h>

#include <cstdint>
#include <span>

#include "dataset_facts.hpp"
#include "dataset_scanner.hpp"

namespace {

gw::dicom::TagKind dictionary_kind(std::uint32_t tag) {
  const DcmTag known(DcmTagKey(static_cast<Uint16>(tag >> 16), static_cast<Uint16>(tag & 0xFFFFu)));
  if (known.getEVR() == EVR_SQ) return gw::dicom::TagKind::sequence;
  if (known.getEVR() == EVR_UNKNOWN || known.getEVR() == EVR_UN) return gw::dicom::TagKind::unknown;
  return gw::dicom::TagKind::other;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gw::dicom::ScanLimits limits;
  limits.max_nesting = 8;
  limits.max_elements = 10'000;
  limits.max_inflated_bytes = 1 << 20;
  limits.dictionary = dictionary_kind;
  if (!gw::dicom::scan_dicom_bytes(std::span(data, size), limits).ok) return 0;

  DcmInputBufferStream stream;
  stream.setBuffer(data, static_cast<offile_off_t>(size));
  stream.setEos();
  DcmFileFormat file;
  file.transferInit();
  const OFCondition status = file.read(stream, EXS_Unknown, EGL_noChange, 4096);
  file.transferEnd();
  if (status.bad()) return 0;
  std::string problem;
  (void)gw::dicom::facts_from_dataset(*file.getDataset(), gw::AssociationInfo{}, &problem);
  return 0;
}
