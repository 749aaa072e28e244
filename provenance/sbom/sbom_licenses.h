// Reads the licenses out of a bill of materials, so that a license policy can judge every
// component of a function: a fnseal components file (components.h), an SPDX 2.3 JSON document, a
// CycloneDX 1.4-1.6 JSON BOM, or an in-toto Statement v1 whose predicate is one of the two SBOMs
// (as fnseal bundles carry them, sbom.h SbomPredicateType). SPDX 3.0.1 JSON-LD is not read yet
// (Unimplemented). docs/licensing.md ("Checking an SBOM") describes the mapping and the limits.
//
//   ASSIGN_OR_RETURN(SbomLicenses sbom, LoadSbomLicensesFile("fn.spdx.json"));
//   for (const SbomLicense& c : sbom.components) EvaluateLicense(policy, c.license, c.component);
//
// The input is untrusted: parsing is strict JSON (no duplicate keys) within SbomReadLimits, and a
// field fnseal reads with the wrong type, or a license that is not a valid SPDX expression, is
// InvalidArgument naming the field's path ("packages[3].licenseDeclared: column 5: ..."). Fields
// fnseal does not read are ignored. Functions are thread-safe.
#ifndef FNSEAL_PROVENANCE_SBOM_SBOM_LICENSES_H_
#define FNSEAL_PROVENANCE_SBOM_SBOM_LICENSES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "provenance/licenses/expression.h"

namespace fnseal {

// Documented limits (docs/licensing.md); exceeding one is ResourceExhausted.
struct SbomReadLimits {
  uint64_t max_file_size = 16 << 20;  // the document
  size_t max_components = 10000;      // packages or components (nested ones included)
  size_t max_licenses = 64;           // CycloneDX `licenses` entries per component
  size_t max_depth = 32;              // JSON nesting
  size_t max_string = 8192;           // bytes of a name, id or license string fnseal reads
};

// One component's license as the document states it.
struct SbomLicense {
  std::string component;      // components file: its id; SPDX: the package name; CycloneDX: bom-ref, else name
  std::string source;         // the field it came from: "packages[2].licenseConcluded", "components[0].licenses"
  LicenseExpression license;  // NOASSERTION when the document gives none or only a license name
  std::string note;           // why it is NOASSERTION, or empty
};

struct SbomLicenses {
  std::string format;                   // "fnsealComponents", "spdx-2.3" or "cyclonedx-<specVersion>"
  bool in_toto = false;                 // the document was the predicate of an in-toto statement
  std::vector<SbomLicense> components;  // in document order
};

// Parses `json` (one of the documents above, recognised by its content). InvalidArgument for
// anything else or a malformed field (naming its path), ResourceExhausted beyond `limits`,
// Unimplemented for SPDX 3.
Result<SbomLicenses> ParseSbomLicenses(std::string_view json, const SbomReadLimits& limits = {});

// Reads the file at `path` (at most limits.max_file_size bytes) and parses it; errors name the path.
Result<SbomLicenses> LoadSbomLicensesFile(const std::string& path, const SbomReadLimits& limits = {});

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_SBOM_SBOM_LICENSES_H_
