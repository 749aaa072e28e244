// "Did you mean" hints for license and exception ids that are not known: the closest id of the
// SPDX lists or of the model-license catalogue, for error messages that point at the fix.
//
// An id is close when it is the same ignoring case and every character but letters and digits
// ("Apache2.0", "apache_2.0" -> "Apache-2.0"; "LicenseRef-fnseal-Llama3.1" ->
// "LicenseRef-fnseal-Llama-3.1"; "Llama-3.1" -> "LicenseRef-fnseal-Llama-3.1"), or within a small
// edit distance of it, case ignored, a swap of two neighbours counting once (1 below 16 bytes,
// else 2). Among equally close ids the one sharing the longest prefix wins, then current SPDX ids
// over deprecated ones, then list order. Ids longer than 100 bytes get no hint. Thread-safe.
#ifndef FNSEAL_PROVENANCE_LICENSES_SUGGEST_H_
#define FNSEAL_PROVENANCE_LICENSES_SUGGEST_H_

#include <string>
#include <string_view>

namespace fnseal {

// The SPDX license id or catalogued LicenseRef-fnseal- id closest to `id`, or "" if none is close.
std::string SuggestLicenseId(std::string_view id);

// The catalogued LicenseRef-fnseal- id that `ref` (not itself catalogued) spells differently only
// in case and punctuation ("LicenseRef-fnseal-Llama3.1"), or "". Narrower than SuggestLicenseId:
// a LicenseRef a few edits from a catalogued one (LicenseRef-fnseal-OpenRAIL-M next to
// LicenseRef-fnseal-OpenRAIL) may well be another license.
std::string CatalogueSpellingOf(std::string_view ref);

// The SPDX exception id closest to `id`, or "" if none is close.
std::string SuggestExceptionId(std::string_view id);

// "; did you mean X?" for a non-empty suggestion, else `otherwise`.
std::string DidYouMean(const std::string& suggestion, std::string_view otherwise = "");

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_LICENSES_SUGGEST_H_
