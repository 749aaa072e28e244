// Fuzzes DSSE envelope parsing. An accepted envelope must survive serialize -> parse unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provenance/signing/dsse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = fnseal::ParseDsseEnvelope(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.ok()) return 0;
  auto again = fnseal::ParseDsseEnvelope(fnseal::SerializeDsseEnvelope(*parsed));
  if (!again.ok()) std::abort();
  if (again->payload != parsed->payload || again->payload_type != parsed->payload_type ||
      again->signatures.size() != parsed->signatures.size()) {
    std::abort();
  }
  for (size_t i = 0; i < parsed->signatures.size(); ++i) {
    if (again->signatures[i].signature != parsed->signatures[i].signature ||
        again->signatures[i].keyid != parsed->signatures[i].keyid) {
      std::abort();
    }
  }
  return 0;
}
