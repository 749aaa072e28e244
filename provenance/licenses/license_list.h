// The SPDX License List and exception list, compiled into the binary from data/spdx_licenses.json
// (generated from pinned npm packages by tools/licenses/generate_data.js), and fnseal's license
// categories from data/license_categories.json.
//
// SPDX ids are matched case-insensitively; lookups return the entry with the id's canonical case.
// Thread-safe: the data is parsed once, on first use, and never changes afterwards.
#ifndef FNSEAL_PROVENANCE_LICENSES_LICENSE_LIST_H_
#define FNSEAL_PROVENANCE_LICENSES_LICENSE_LIST_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fnseal {

struct SpdxLicense {
  std::string id;    // canonical case, e.g. "Apache-2.0"
  std::string name;  // empty when the source packages give no name
  bool deprecated = false;
  std::optional<bool> osi_approved;  // unset when the source packages say nothing
};

struct SpdxException {
  std::string id;
  bool deprecated = false;
};

// Policy categories (docs/licensing.md). kUnknown: not classified.
enum class LicenseCategory {
  kPermissive,
  kWeakCopyleft,
  kStrongCopyleft,
  kNonCommercial,
  kProprietary,
  kUnknown,
};

// "permissive", "weak-copyleft", "strong-copyleft", "non-commercial", "proprietary", "unknown".
std::string_view LicenseCategoryName(LicenseCategory category);
// The inverse of LicenseCategoryName; nullopt for any other string (exact case).
std::optional<LicenseCategory> ParseLicenseCategory(std::string_view name);

// The listed license with id `id` (any case), or nullptr.
const SpdxLicense* FindSpdxLicense(std::string_view id);
// The listed exception with id `id` (any case), or nullptr.
const SpdxException* FindSpdxException(std::string_view id);

// fnseal's built-in category of a listed license id in canonical case; kUnknown if unclassified.
LicenseCategory BuiltinLicenseCategory(std::string_view canonical_id);

// Facts about the compiled-in data.
struct SpdxListInfo {
  std::string license_list_version;  // the SPDX License List version the names come from
  std::string sources;               // "spdx-license-ids 3.0.24, ..." (npm packages and versions)
  size_t licenses = 0;
  size_t exceptions = 0;
  size_t classified = 0;
};
const SpdxListInfo& GetSpdxListInfo();

// Calls `visit` for every listed license id in canonical case, in code point order.
template <typename Visit>
void ForEachSpdxLicense(Visit visit);

// Calls `visit` for every listed exception id in canonical case, in the data file's order.
template <typename Visit>
void ForEachSpdxException(Visit visit);

namespace internal {
size_t SpdxLicenseCount();
const SpdxLicense& SpdxLicenseAt(size_t index);
size_t SpdxExceptionCount();
const SpdxException& SpdxExceptionAt(size_t index);
}  // namespace internal

template <typename Visit>
void ForEachSpdxLicense(Visit visit) {
  for (size_t i = 0; i < internal::SpdxLicenseCount(); ++i) visit(internal::SpdxLicenseAt(i));
}

template <typename Visit>
void ForEachSpdxException(Visit visit) {
  for (size_t i = 0; i < internal::SpdxExceptionCount(); ++i) visit(internal::SpdxExceptionAt(i));
}

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_LICENSES_LICENSE_LIST_H_
