// SBOM writers over one ComponentSet (components.h): SPDX 2.3 JSON, SPDX 3.0.1 JSON-LD (core,
// software, AI, dataset and simple-licensing profiles) and CycloneDX 1.6 JSON (an ML-BOM with
// model cards), and the same documents wrapped as in-toto Statement v1. docs/sbom.md describes how
// each format maps the model and the predicate types.
//
//   ASSIGN_OR_RETURN(SbomFormat format, ParseSbomFormat("spdx-3.0.1"));
//   ASSIGN_OR_RETURN(std::string document, WriteSbom(format, set, {}));
//
// Output is deterministic: the same set and options give the same bytes (compact JSON, sorted
// keys, components in id order). Nothing is random and no clock is read: the creation time is
// SbomOptions::created, and document namespaces, ids and the CycloneDX serial number are derived
// from a sha256 of the content. Functions are thread-safe if the resolver is.
#ifndef FNSEAL_PROVENANCE_SBOM_SBOM_H_
#define FNSEAL_PROVENANCE_SBOM_SBOM_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "provenance/licenses/expression.h"
#include "provenance/sbom/components.h"
#include "provenance/statement/statement.h"

namespace fnseal {

enum class SbomFormat { kSpdx23, kSpdx301, kCycloneDx16 };

// "spdx-2.3", "spdx-3.0.1" or "cyclonedx-1.6"; InvalidArgument listing them for anything else.
Result<SbomFormat> ParseSbomFormat(std::string_view name);
std::string_view SbomFormatName(SbomFormat format);

// The in-toto predicate types (the in-toto attestation framework's SPDX, SPDX 3 and CycloneDX
// predicates): "https://spdx.dev/Document/v2.3", "https://spdx.dev/Document/v3" and
// "https://cyclonedx.org/bom".
std::string_view SbomPredicateType(SbomFormat format);

// What is known about a license that is not on the SPDX list (a LicenseRef-), e.g. from a model
// license catalogue. Empty fields are unknown.
struct LicenseRefInfo {
  std::string name;
  std::string url;
  std::string summary;
  std::string text;  // the full license text, when the catalogue has it
};

// The fixed default creation time, for reproducible builds.
inline constexpr char kDefaultSbomCreated[] = "2000-01-01T00:00:00Z";

struct SbomOptions {
  // RFC 3339 UTC with seconds and "Z" ("2026-06-01T12:00:00Z"); InvalidArgument otherwise.
  std::string created = kDefaultSbomCreated;
  // Concluded licenses by component id (e.g. from a license review); components not listed are
  // NOASSERTION (SPDX) or left without a concluded license (SPDX 3, CycloneDX).
  std::map<std::string, LicenseExpression> concluded;
  // Looks up a LicenseRef- id ("LicenseRef-fnseal-OpenRAIL-M") for its name, URL and text; may be
  // empty. Used when no component ships a text for that id (docs/sbom.md, "License texts").
  std::function<std::optional<LicenseRefInfo>(std::string_view id)> license_ref_resolver;
};

// The document in `format`, as compact JSON with sorted keys (no trailing newline). Files must
// have been loaded (sha256 set): InvalidArgument otherwise, naming the component and file.
Result<std::string> WriteSbom(SbomFormat format, const ComponentSet& set, const SbomOptions& options = {});

struct SbomStatement {
  std::string predicate_type;
  std::string bytes;  // the serialized in-toto Statement v1 (compact, sorted keys)
};

// The document as the predicate of an in-toto Statement v1 about `subjects` (non-empty, each
// with a sha256 digest; InvalidArgument otherwise).
Result<SbomStatement> SbomAsStatement(SbomFormat format, const ComponentSet& set, const std::vector<Subject>& subjects,
                                      const SbomOptions& options = {});

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_SBOM_SBOM_H_
