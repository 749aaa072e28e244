// Fuzzes attestation file parsing (DSSE envelope, JSON Lines, Sigstore bundle) and verification
// with a fixed key: a parsed file holds at least one envelope, its envelopes written back as JSON
// Lines parse to the same payloads, and verification never crashes whatever it decides.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "provenance/signing/keys.h"
#include "provenance/verification/attestation_verifier.h"

namespace {

// testdata/keys/ed25519.pub.pem: a test key, so that verification runs to its end.
constexpr char kTestKey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAlTWatwmFvqIJ4nW96h641HNe0nPymHqymi+j48p6eTs=\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fnseal::PublicKey* key = [] {
    auto parsed = fnseal::PublicKey::FromPem(kTestKey);
    if (!parsed.ok()) std::abort();
    return new fnseal::PublicKey(*parsed);
  }();
  auto file = fnseal::ParseAttestationFile(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!file.ok()) return 0;
  if (file->envelopes.empty()) std::abort();
  std::string lines;
  for (const fnseal::DsseEnvelope& e : file->envelopes) lines += fnseal::SerializeDsseEnvelope(e) + "\n";
  auto again = fnseal::ParseAttestationFile(lines);
  if (!again.ok() || again->envelopes.size() != file->envelopes.size()) std::abort();
  for (size_t i = 0; i < file->envelopes.size(); ++i) {
    if (again->envelopes[i].payload != file->envelopes[i].payload) std::abort();
  }
  (void)fnseal::VerifyAttestations(*file, {*key}, 1, {});
  return 0;
}
