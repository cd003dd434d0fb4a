// dicom.check_called_ae, allowed_callers, always_allow_echo and per-caller limits, over real
// associations on loopback (DCMTK's DcmSCU against the in-process listener).
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>

#include "listener_fixture.hpp"

namespace gw::test {
namespace {

const std::string kInstance = std::string(GW_FIXTURE_DIR) + "/ct_chest_s1_i1.dcm";

std::shared_ptr<const CallerPolicy> callers(std::vector<AllowedCaller> list,
                                            bool always_allow_echo = true) {
  auto policy = std::make_shared<CallerPolicy>();
  policy->allowed_callers = std::move(list);
  policy->always_allow_echo = always_allow_echo;
  return policy;
}

AllowedCaller caller(std::string ae, std::string host = {}, unsigned max = 0) {
  AllowedCaller c;
  c.ae_title = std::move(ae);
  c.host = std::move(host);
  if (!c.host.empty()) c.network = CidrBlock::parse(c.host);
  c.max_associations = max;
  return c;
}

/// An association held open by the test, for limits: CT Image Storage and Verification.
class OpenAssociation {
 public:
  explicit OpenAssociation(const SendOptions& o) {
    scu_.setAETitle(o.calling_ae.c_str());
    scu_.setPeerHostName(o.host.c_str());
    scu_.setPeerPort(o.port);
    scu_.setPeerAETitle(o.called_ae.c_str());
    scu_.setACSETimeout(10);
    scu_.setDIMSETimeout(30);
    scu_.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    OFList<OFString> syntaxes;
    syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    scu_.addPresentationContext(UID_CTImageStorage, syntaxes);
    scu_.addPresentationContext(UID_VerificationSOPClass, syntaxes);
    associated_ = scu_.initNetwork().good() && scu_.negotiateAssociation().good();
  }
  ~OpenAssociation() {
    if (associated_) scu_.releaseAssociation();
  }
  bool associated() const { return associated_; }
  /// The C-STORE status, or -1 when the association broke.
  int store(const std::string& file) {
    Uint16 status = 0;
    return scu_.sendSTORERequest(0, file.c_str(), nullptr, status).good() ? status : -1;
  }
  bool echo() { return scu_.sendECHORequest(0).good(); }

 private:
  DcmSCU scu_;
  bool associated_ = false;
};

using AssociationPolicy = ListenerFixture;

TEST_F(AssociationPolicy, AWrongCalledAeTitleIsRejected) {
  start();
  const auto before = rejected("called_ae_not_recognized");
  options_.called_ae = "SOMEONE_ELSE";
  const auto result = send_files(options_, {kInstance});
  EXPECT_FALSE(result.associated);
  EXPECT_EQ(rejected("called_ae_not_recognized"), before + 1);
  EXPECT_EQ(sink_.stored(), 0u);
}

TEST_F(AssociationPolicy, AnyCalledAeTitleIsServedWhenTheCheckIsOff) {
  auto policy = std::make_shared<CallerPolicy>();
  policy->check_called_ae = false;
  settings_.policy = policy;
  start();
  options_.called_ae = "SOMEONE_ELSE";
  EXPECT_TRUE(send_files(options_, {kInstance}).associated);
}

TEST_F(AssociationPolicy, AnUnlistedCallerIsRejected) {
  settings_.policy = callers({caller("PACS_A")});
  start();
  const auto before = rejected("calling_ae_not_recognized");
  const auto result = send_files(options_, {kInstance});  // calling AE TEST_SCU
  EXPECT_FALSE(result.associated);
  EXPECT_EQ(rejected("calling_ae_not_recognized"), before + 1);
  options_.calling_ae = "PACS_A";
  EXPECT_TRUE(send_files(options_, {kInstance}).associated);
  EXPECT_EQ(sink_.stored(), 1u);
}

TEST_F(AssociationPolicy, AListedCallerFromAnotherAddressIsRejected) {
  // Both are loopback; the sender connects from 127.0.0.1.
  settings_.policy = callers({caller("TEST_SCU", "127.0.0.2")});
  start();
  const auto before = rejected("calling_host_not_allowed");
  EXPECT_FALSE(send_files(options_, {kInstance}).associated);
  EXPECT_EQ(rejected("calling_host_not_allowed"), before + 1);

  listener_->set_caller_policy(callers({caller("TEST_SCU", "127.0.0.0/8")}));
  EXPECT_TRUE(send_files(options_, {kInstance}).associated) << "a reloaded policy applies at once";
}

TEST_F(AssociationPolicy, AnUnlistedCallerMayStillEchoWhenAlwaysAllowEchoIsOn) {
  settings_.policy = callers({caller("PACS_A")});
  start();
  EXPECT_TRUE(echo(options_));
  EXPECT_FALSE(send_files(options_, {kInstance}).associated) << "but not store";

  listener_->set_caller_policy(callers({caller("PACS_A")}, /*always_allow_echo=*/false));
  EXPECT_FALSE(echo(options_));
}

TEST_F(AssociationPolicy, ACallerOverItsLimitIsRejectedWhileItsOpenAssociationStillStores) {
  settings_.policy = callers({caller("TEST_SCU", "", 1)});
  start();
  OpenAssociation first(options_);
  ASSERT_TRUE(first.associated());
  const auto before = rejected("caller_limit");
  EXPECT_FALSE(send_files(options_, {kInstance}).associated);
  EXPECT_EQ(rejected("caller_limit"), before + 1);
  EXPECT_EQ(first.store(kInstance), 0x0000);
  EXPECT_EQ(sink_.stored(), 1u);
}

}  // namespace
}  // namespace gw::test
