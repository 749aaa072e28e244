// fnseal's catalogue of common model licenses that are not on the SPDX License List (OpenRAIL,
// Llama, Gemma, ...), compiled in from data/model_licenses.json. Each has a LicenseRef- id of the
// form "LicenseRef-fnseal-<Name>" (docs/licensing.md#model-license-catalogue), so SPDX
// expressions can name them and license policies can judge them by category.
//
// Licenses on the SPDX list (OpenMDW-1.0, the CDLA and Open Data Commons licenses) are not in the
// catalogue: use their SPDX ids. Thread-safe: the data is parsed once, on first use.
#ifndef FNSEAL_PROVENANCE_LICENSES_MODEL_LICENSES_H_
#define FNSEAL_PROVENANCE_LICENSES_MODEL_LICENSES_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "provenance/licenses/license_list.h"

namespace fnseal {

inline constexpr std::string_view kModelLicenseRefPrefix = "LicenseRef-fnseal-";

struct ModelLicense {
  std::string id;    // "LicenseRef-fnseal-Llama-3.1"
  std::string name;  // the license's own title
  std::string url;   // where the text is published; empty when no canonical address is known
  LicenseCategory category = LicenseCategory::kUnknown;
  std::string summary;  // fnseal's one-paragraph reading of the use restrictions (not legal advice)
};

// Every catalogued license, in the order of the data file.
const std::vector<ModelLicense>& ModelLicenseCatalogue();

// The catalogued license with exactly this id (LicenseRef- ids are case-sensitive), or nullptr.
// A "DocumentRef-x:LicenseRef-..." id is never catalogued: it is defined by the other document.
const ModelLicense* FindModelLicense(std::string_view id);

// {"id", "name", "url", "category", "summary"}.
Json ToJson(const ModelLicense& license);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_LICENSES_MODEL_LICENSES_H_
