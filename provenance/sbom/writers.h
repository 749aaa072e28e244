// Internal to provenance/sbom: what the three writers share. Not a public header.
#ifndef FNSEAL_PROVENANCE_SBOM_WRITERS_H_
#define FNSEAL_PROVENANCE_SBOM_WRITERS_H_

#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "provenance/sbom/components.h"
#include "provenance/sbom/sbom.h"

namespace fnseal::sbom_internal {

// A LicenseRef- id used by some component, with the text the document records for it.
struct LicenseRefEntry {
  std::string id;
  std::string name;            // empty: unknown
  std::string url;             // empty: unknown
  std::string text;            // never empty: the license text, or the documented placeholder
  bool text_provided = false;  // false: `text` is the placeholder
};

// Everything a writer needs, prepared once: components in id order, the LicenseRefs, and the
// content digest that namespaces and serial numbers derive from.
struct Context {
  const ComponentSet* set = nullptr;
  const SbomOptions* options = nullptr;
  std::vector<const Component*> components;  // sorted by id
  const Component* root = nullptr;
  std::vector<LicenseRefEntry> license_refs;  // sorted by id
  std::string digest;                         // lowercase hex sha256 of the model, the options and the license refs
  std::map<std::string, std::string> purls;   // component id -> its purl (ComponentPurl), when it has one

  const Component* Find(const std::string& id) const;
  // The concluded expression given for `c`, or nullptr.
  const LicenseExpression* Concluded(const Component& c) const;
  // The purl of `c`, or "" when it has none.
  std::string Purl(const Component& c) const;
};

Result<Context> PrepareContext(const ComponentSet& set, const SbomOptions& options);

// `text` with every character outside [A-Za-z0-9.-] replaced by '-', runs collapsed, trimmed;
// at most 64 bytes; "x" if nothing is left.
std::string SafeIdPart(const std::string& text);
// The first `hex_chars` of sha256(text): keeps ids made with SafeIdPart distinct.
std::string ShortHash(const std::string& text, size_t hex_chars = 12);
// Every LicenseRef- id in `e` (leaves only), sorted, without duplicates.
std::vector<std::string> LicenseRefsOf(const LicenseExpression& e);

Json WriteSpdx23(const Context& context);
Json WriteSpdx3(const Context& context);
Json WriteCycloneDx(const Context& context);

}  // namespace fnseal::sbom_internal

#endif  // FNSEAL_PROVENANCE_SBOM_WRITERS_H_
