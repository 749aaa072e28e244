// Fuzzes the components file parser and the SBOM writers behind it. No input may crash or throw;
// an accepted file must have a root and resolvable references, and (with its files marked as
// read) every writer must turn it into a document that parses as strict JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"
#include "provenance/sbom/components.h"
#include "provenance/sbom/sbom.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto set = fnseal::ParseComponentsFile(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!set.ok()) {
    if (set.status().message().empty()) std::abort();
    return 0;
  }
  if (set->Find(set->root) == nullptr || set->components.empty()) std::abort();
  for (fnseal::Component& c : set->components) {
    for (const std::string& dep : c.depends_on) {
      if (set->Find(dep) == nullptr) std::abort();
    }
    for (auto* files : {&c.files, &c.license_texts}) {
      for (fnseal::ComponentFile& f : *files) {
        if (f.name.empty() || f.name[0] == '/' || f.path.empty() || f.path[0] == '/') std::abort();
        f.sha256 = std::string(64, 'a');
        f.sha1 = std::string(40, 'b');
        f.text = "text of " + f.name;
      }
    }
  }
  for (fnseal::SbomFormat format :
       {fnseal::SbomFormat::kSpdx23, fnseal::SbomFormat::kSpdx301, fnseal::SbomFormat::kCycloneDx16}) {
    auto document = fnseal::WriteSbom(format, *set);
    if (!document.ok()) std::abort();
    if (!fnseal::ParseJsonStrict(*document, "sbom").ok()) std::abort();
  }
  return 0;
}
