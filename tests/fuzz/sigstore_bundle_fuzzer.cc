// Fuzzes Sigstore bundle import. An accepted bundle yields exactly one signature whose keyid is
// the bundle's hint, and its envelope survives DSSE serialize -> parse unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provenance/signing/dsse.h"
#include "provenance/signing/sigstore_bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto envelope = fnseal::ImportSigstoreBundle(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!envelope.ok()) return 0;
  if (envelope->signatures.size() != 1 || envelope->signatures[0].signature.empty()) std::abort();
  auto again = fnseal::ParseDsseEnvelope(fnseal::SerializeDsseEnvelope(*envelope));
  if (!again.ok() || again->payload != envelope->payload || again->payload_type != envelope->payload_type ||
      again->signatures[0].signature != envelope->signatures[0].signature) {
    std::abort();
  }
  return 0;
}
