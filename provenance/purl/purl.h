// Package URLs (purl, https://github.com/package-url/purl-spec): a strict parser and validator and
// one canonical form, so that an SBOM names a component the way GUAC and Dependency-Track match
// it against vulnerability data.
//
//   Result<PackageUrl> purl = ParsePackageUrl("pkg:deb/debian/libc6-dev@2.36-9+deb12u14?arch=amd64");
//   Result<std::string> text = FormatPackageUrl(*purl);
//
// The parser refuses what the specification leaves to guessing: characters that must be
// percent-encoded but are not, malformed or non-UTF-8 escapes, control characters, empty
// segments, duplicate or malformed qualifier keys, empty qualifier values and an unencoded '@' in
// a namespace. It normalizes what the specification calls case-insensitive (the type, qualifier
// keys, and the type-specific rules of the types it knows: deb, npm, pypi, github, ...). The
// canonical form percent-encodes as packageurl-js 2.0.1 does (docs/sbom.md), so both agree byte
// for byte. Errors are InvalidArgument, or ResourceExhausted beyond the limits. Thread-safe: plain
// functions over values.
#ifndef FNSEAL_PROVENANCE_PURL_PURL_H_
#define FNSEAL_PROVENANCE_PURL_PURL_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace fnseal {

// A package URL's components, decoded (no percent-escapes).
struct PackageUrl {
  std::string type;                               // lowercase, e.g. "deb"
  std::string namespace_path;                     // segments joined by '/'; empty when absent
  std::string name;                               // required
  std::string version;                            // empty when absent
  std::map<std::string, std::string> qualifiers;  // lowercase keys, non-empty values
  std::string subpath;                            // segments joined by '/'; empty when absent
};

// Documented limits (docs/sbom.md); exceeding one is ResourceExhausted.
struct PackageUrlLimits {
  size_t max_length = 4096;  // bytes of the purl text, and of each decoded component
  size_t max_qualifiers = 32;
  size_t max_segments = 32;  // namespace and subpath segments, each
};

// Parses `text`, checks it and applies the type's normalization. Errors say what is wrong and
// where: "purl: qualifier 'arch' has an empty value".
Result<PackageUrl> ParsePackageUrl(std::string_view text, const PackageUrlLimits& limits = {});

// The canonical text of `purl` after the same checks and normalization as ParsePackageUrl(), so a
// value built in code is held to the same rules: FormatPackageUrl(ParsePackageUrl(t)) parses
// again to the same value and formats to the same text.
Result<std::string> FormatPackageUrl(const PackageUrl& purl, const PackageUrlLimits& limits = {});

// ParsePackageUrl() then FormatPackageUrl().
Result<std::string> CanonicalPackageUrl(std::string_view text, const PackageUrlLimits& limits = {});

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_PURL_PURL_H_
