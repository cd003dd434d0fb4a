#include "self_signed_certificate.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace gw::sim {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what) {
  const unsigned long code = ERR_get_error();
  std::string message = std::string("self-signed certificate: ") + what;
  if (code != 0) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    message += ": " + std::string(reason);
  }
  throw std::runtime_error(message);
}

void check(int ok, const char* what) {
  if (ok != 1) fail(what);
}

// IP addresses must be iPAddress entries: clients match an IP host only against those.
NamesPtr subject_alt_names(const std::vector<std::string>& names) {
  NamesPtr list(sk_GENERAL_NAME_new_null());
  if (!list) fail("sk_GENERAL_NAME_new_null");
  for (const std::string& name : names) {
    GENERAL_NAME* entry = GENERAL_NAME_new();
    if (entry == nullptr) fail("GENERAL_NAME_new");
    if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str())) {
      GENERAL_NAME_set0_value(entry, GEN_IPADD, ip);
    } else {
      ERR_clear_error();  // not an IP address: a DNS name
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (dns == nullptr || ASN1_STRING_set(dns, name.data(), static_cast<int>(name.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        GENERAL_NAME_free(entry);
        fail("ASN1_STRING_set");
      }
      GENERAL_NAME_set0_value(entry, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(list.get(), entry) == 0) {
      GENERAL_NAME_free(entry);
      fail("sk_GENERAL_NAME_push");
    }
  }
  return list;
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!extension) fail("X509V3_EXT_conf_nid");
  check(X509_add_ext(cert, extension.get(), -1), "X509_add_ext");
}

BioPtr memory_bio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) fail("BIO_new");
  return bio;
}

std::string contents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string certificate_pem(X509* cert) {
  const BioPtr bio = memory_bio();
  check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
  return contents(bio.get());
}

std::string private_key_pem(EVP_PKEY* key) {
  const BioPtr bio = memory_bio();
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey");
  return contents(bio.get());
}

}  // namespace

CertificatePair make_self_signed_certificate(const std::vector<std::string>& names) {
  if (names.empty()) throw std::invalid_argument("self-signed certificate: no names");
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("EVP_EC_gen");

  CertPtr cert(X509_new());
  if (!cert) fail("X509_new");
  check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
  // A random serial, so a client's session cache never confuses two runs' certificates.
  BignumPtr serial(BN_new());
  if (!serial) fail("BN_new");
  check(BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "BN_rand");
  if (BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    fail("BN_to_ASN1_INTEGER");
  }
  // An hour of slack tolerates a client whose clock runs behind.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60L * 60) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 60 * 60) == nullptr) {
    fail("X509_gmtime_adj");
  }
  check(X509_set_pubkey(cert.get(), key.get()), "X509_set_pubkey");

  X509_NAME* subject = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("viewer-simulator"), -1,
                                   -1, 0),
        "X509_NAME_add_entry_by_txt");
  check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(names.front().c_str()),
                                   -1, -1, 0),
        "X509_NAME_add_entry_by_txt");
  check(X509_set_issuer_name(cert.get(), subject), "X509_set_issuer_name");

  const NamesPtr alt_names = subject_alt_names(names);
  check(X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, alt_names.get(), 0, X509V3_ADD_DEFAULT),
        "X509_add1_ext_i2d");
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  // Key identifiers keep strict verifiers (X509_V_FLAG_X509_STRICT) content with a CA cert.
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), NID_authority_key_identifier, "keyid:always");

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("X509_sign");

  return {certificate_pem(cert.get()), private_key_pem(key.get())};
}

}  // namespace gw::sim
