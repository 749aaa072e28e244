// Fuzzes the SBOM license reader behind `fnseal license check --sbom`. No input may crash or throw;
// an error must have a message, and every license read must be a valid expression whose
// normalized text parses back to itself, with a component name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provenance/licenses/expression.h"
#include "provenance/sbom/sbom_licenses.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto sbom = fnseal::ParseSbomLicenses(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!sbom.ok()) {
    if (sbom.status().message().empty()) std::abort();
    return 0;
  }
  for (const fnseal::SbomLicense& c : sbom->components) {
    if (c.component.empty() || c.source.empty()) std::abort();
    auto again = fnseal::ParseLicenseExpression(fnseal::ToString(c.license));
    if (!again.ok() || fnseal::ToString(*again) != fnseal::ToString(c.license)) std::abort();
  }
  return 0;
}
