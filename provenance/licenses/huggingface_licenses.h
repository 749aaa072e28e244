// Hugging Face Hub license ids (the `license:` field of a model or data set card) converted to
// SPDX license expressions, from data/hf_licenses.json. Ids of SPDX-listed licenses map to their
// SPDX id ("apache-2.0" -> "Apache-2.0", "odbl" -> "ODbL-1.0"), model licenses to fnseal's
// catalogue (model_licenses.h: "llama3.1" -> "LicenseRef-fnseal-Llama-3.1"), "unknown" to
// NOASSERTION, and "other" to "LicenseRef-<license_name, sanitized>" (docs/licensing.md).
//
// Thread-safe: the data is parsed once, on first use.
#ifndef FNSEAL_PROVENANCE_LICENSES_HUGGINGFACE_LICENSES_H_
#define FNSEAL_PROVENANCE_LICENSES_HUGGINGFACE_LICENSES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace fnseal {

// Where a mapping came from.
enum class HfLicenseSource {
  kSpdx,         // the Hub id names a license on the SPDX list
  kCatalogue,    // the Hub id names a license in fnseal's model-license catalogue
  kNoAssertion,  // "unknown": the card makes no assertion
  kOther,        // "other": a LicenseRef- made from license_name
};

// "spdx", "catalogue", "noassertion", "other".
std::string_view HfLicenseSourceName(HfLicenseSource source);

struct HfLicenseMapping {
  std::string hf_id;       // the Hub id, lower case
  std::string expression;  // an SPDX license expression that ParseLicenseExpression accepts
  HfLicenseSource source = HfLicenseSource::kSpdx;
  std::string license_name;  // for "other": as given on the card
  std::string license_link;  // as given on the card (kept for "other"; may be empty)
};

// Maps a card's `license`, `license_name` and `license_link`. Hub ids match case-insensitively.
// InvalidArgument naming the id for an id not on the Hub's list, for a family id such as "gpl"
// (which does not say which license), and for "other" without a license_name that has at least
// one letter or digit; license_name and license_link are ignored for ids other than "other".
Result<HfLicenseMapping> MapHuggingFaceLicense(std::string_view hf_id, std::string_view license_name,
                                               std::string_view license_link);

// The LicenseRef- id for a card's license_name: "LicenseRef-" followed by the name with every run
// of characters outside [A-Za-z0-9.] replaced by one '-', and '-' trimmed at both ends; at most
// 120 characters after the prefix. InvalidArgument when nothing is left.
Result<std::string> LicenseRefForName(std::string_view license_name);

// {"huggingface", "expression", "source", ["licenseName"], ["licenseLink"]}.
Json ToJson(const HfLicenseMapping& mapping);

// Every listed Hub id with its expression, in code point order of the id; and the family ids.
const std::vector<std::pair<std::string, std::string>>& HuggingFaceLicenseTable();
const std::vector<std::string>& HuggingFaceLicenseFamilies();

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_LICENSES_HUGGINGFACE_LICENSES_H_
