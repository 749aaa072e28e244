#include "provenance/licenses/suggest.h"

#include <algorithm>
#include <vector>

#include "core/strings.h"
#include "provenance/licenses/license_list.h"
#include "provenance/licenses/model_licenses.h"

namespace fnseal {
namespace {

constexpr size_t kMaxSuggestedInput = 100;

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Lower-case letters and digits only.
std::string Squeeze(std::string_view s) {
  std::string out;
  for (char c : s) {
    c = LowerAscii(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

// Optimal string alignment distance (Levenshtein plus adjacent swaps), or limit + 1 when it is
// larger than `limit`.
size_t Distance(const std::string& a, const std::string& b, size_t limit) {
  const size_t n = a.size();
  const size_t m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return std::min(d[n][m], limit + 1);
}

size_t CommonPrefix(const std::string& a, const std::string& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

struct Candidate {
  std::string id;       // what to suggest
  std::string compare;  // what the input is compared with (the id, or a catalogue id's name part)
};

std::string Closest(std::string_view id, const std::vector<Candidate>& candidates) {
  if (id.empty() || id.size() > kMaxSuggestedInput) return "";
  const std::string squeezed = Squeeze(id);
  for (const Candidate& c : candidates) {
    if (!squeezed.empty() && Squeeze(c.compare) == squeezed) return c.id;
  }
  const size_t limit = id.size() < 16 ? 1 : 2;
  const std::string lower = AsciiLower(id);
  const Candidate* best = nullptr;
  size_t best_distance = limit + 1;
  size_t best_prefix = 0;
  for (const Candidate& c : candidates) {
    const std::string other = AsciiLower(c.compare);
    const size_t distance = Distance(lower, other, limit);
    const size_t prefix = CommonPrefix(lower, other);
    if (distance < best_distance || (distance == best_distance && distance <= limit && prefix > best_prefix)) {
      best = &c;
      best_distance = distance;
      best_prefix = prefix;
    }
  }
  return best == nullptr ? "" : best->id;
}

const std::vector<Candidate>& LicenseCandidates() {
  static const std::vector<Candidate> candidates = [] {
    std::vector<Candidate> out;
    for (bool deprecated : {false, true}) {
      ForEachSpdxLicense([&](const SpdxLicense& l) {
        if (l.deprecated == deprecated) out.push_back({l.id, l.id});
      });
    }
    for (const ModelLicense& m : ModelLicenseCatalogue()) out.push_back({m.id, m.id});
    for (const ModelLicense& m : ModelLicenseCatalogue()) {
      out.push_back({m.id, m.id.substr(kModelLicenseRefPrefix.size())});
    }
    return out;
  }();
  return candidates;
}

const std::vector<Candidate>& ExceptionCandidates() {
  static const std::vector<Candidate> candidates = [] {
    std::vector<Candidate> out;
    for (bool deprecated : {false, true}) {
      ForEachSpdxException([&](const SpdxException& e) {
        if (e.deprecated == deprecated) out.push_back({e.id, e.id});
      });
    }
    return out;
  }();
  return candidates;
}

}  // namespace

std::string SuggestLicenseId(std::string_view id) { return Closest(id, LicenseCandidates()); }

std::string CatalogueSpellingOf(std::string_view ref) {
  if (ref.size() > kMaxSuggestedInput || FindModelLicense(ref) != nullptr) return "";
  const std::string squeezed = Squeeze(ref);
  for (const ModelLicense& m : ModelLicenseCatalogue()) {
    if (Squeeze(m.id) == squeezed) return m.id;
  }
  return "";
}

std::string SuggestExceptionId(std::string_view id) { return Closest(id, ExceptionCandidates()); }

std::string DidYouMean(const std::string& suggestion, std::string_view otherwise) {
  return suggestion.empty() ? std::string(otherwise) : "; did you mean " + suggestion + "?";
}

}  // namespace fnseal
