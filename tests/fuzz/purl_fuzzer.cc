// Fuzzes package URL parsing. No input may crash; an accepted purl's canonical form must parse
// again to the same components and format to the same text (the canonical form is a fixed point).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provenance/purl/purl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto purl = fnseal::ParsePackageUrl(text);
  if (!purl.ok()) {
    if (purl.status().message().empty()) std::abort();
    return 0;
  }
  auto canonical = fnseal::FormatPackageUrl(*purl);
  if (!canonical.ok()) return 0;  // only the limits may refuse it: escapes make the text longer
  auto again = fnseal::ParsePackageUrl(*canonical);
  if (!again.ok() || again->type != purl->type || again->namespace_path != purl->namespace_path ||
      again->name != purl->name || again->version != purl->version || again->qualifiers != purl->qualifiers ||
      again->subpath != purl->subpath) {
    std::abort();
  }
  auto twice = fnseal::FormatPackageUrl(*again);
  if (!twice.ok() || *twice != *canonical) std::abort();
  return 0;
}
