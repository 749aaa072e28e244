#include "provenance/purl/purl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::HasSubstr;

namespace fnseal {
namespace {

std::string Canonical(std::string_view text) {
  Result<std::string> out = CanonicalPackageUrl(text);
  EXPECT_THAT(out, IsOk()) << text;
  return out.ok() ? *out : "";
}

TEST(PackageUrl, ParsesEveryComponent) {
  Result<PackageUrl> purl = ParsePackageUrl("pkg:npm/%40angular/core@16.2.0?arch=x86_64&vcs_url=git%2Bhttps#lib/x");
  ASSERT_THAT(purl, IsOk());
  EXPECT_EQ(purl->type, "npm");
  EXPECT_EQ(purl->namespace_path, "@angular");
  EXPECT_EQ(purl->name, "core");
  EXPECT_EQ(purl->version, "16.2.0");
  EXPECT_EQ(purl->qualifiers.at("arch"), "x86_64");
  EXPECT_EQ(purl->qualifiers.at("vcs_url"), "git+https");
  EXPECT_EQ(purl->subpath, "lib/x");
}

TEST(PackageUrl, CanonicalFormMatchesPackageurlJsEncoding) {
  // '+' and ':' stay in a version; qualifier values are form-encoded (':' and '/' escaped).
  EXPECT_EQ(Canonical("pkg:deb/debian/libc6-dev@2.36-9%2Bdeb12u14?arch=amd64"),
            "pkg:deb/debian/libc6-dev@2.36-9+deb12u14?arch=amd64");
  EXPECT_EQ(Canonical("pkg:deb/debian/attr@1:2.4.47-2?arch=source"), "pkg:deb/debian/attr@1:2.4.47-2?arch=source");
  EXPECT_EQ(Canonical("pkg:generic/tiny@1.0?download_url=https://example.com/a%20b.tgz"),
            "pkg:generic/tiny@1.0?download_url=https%3A%2F%2Fexample.com%2Fa%20b.tgz");
  EXPECT_EQ(Canonical("pkg:npm/%40scope/name@1.0.0"), "pkg:npm/%40scope/name@1.0.0");
  EXPECT_EQ(Canonical("pkg:deb/debian/libstdc++-12-dev@12.2.0-14"), "pkg:deb/debian/libstdc%2B%2B-12-dev@12.2.0-14");
  EXPECT_EQ(Canonical("pkg:generic/caf%C3%A9"), "pkg:generic/caf%C3%A9");
}

TEST(PackageUrl, NormalizesWhatIsCaseInsensitive) {
  EXPECT_EQ(Canonical("pkg:DEB/Debian/LibC6@1?ARCH=amd64"), "pkg:deb/debian/libc6@1?arch=amd64");
  EXPECT_EQ(Canonical("pkg:pypi/Django_Rest@1.0"), "pkg:pypi/django-rest@1.0");
  EXPECT_EQ(Canonical("pkg:huggingface/Example/Tiny@ABCDEF"), "pkg:huggingface/Example/Tiny@abcdef");
  EXPECT_EQ(Canonical("pkg:generic/Name@V1"), "pkg:generic/Name@V1");
}

TEST(PackageUrl, SortsQualifiersAndIgnoresSlashesAfterTheScheme) {
  EXPECT_EQ(Canonical("pkg://generic/x?b=2&a=1"), "pkg:generic/x?a=1&b=2");
}

TEST(PackageUrl, FormattingAValueAppliesTheSameRules) {
  PackageUrl purl;
  purl.type = "huggingface";
  purl.namespace_path = "stanfordnlp";
  purl.name = "sst2";
  EXPECT_THAT(FormatPackageUrl(purl), IsOk());
  EXPECT_EQ(*FormatPackageUrl(purl), "pkg:huggingface/stanfordnlp/sst2");
  purl.qualifiers["arch"] = "";
  EXPECT_THAT(FormatPackageUrl(purl), StatusIs(StatusCode::kInvalidArgument, HasSubstr("'arch' has an empty value")));
  purl.qualifiers = {{"Arch", "a"}, {"arch", "b"}};
  EXPECT_THAT(FormatPackageUrl(purl), StatusIs(StatusCode::kInvalidArgument, HasSubstr("given twice")));
  purl.qualifiers.clear();
  purl.namespace_path = "a//b";
  EXPECT_THAT(FormatPackageUrl(purl), StatusIs(StatusCode::kInvalidArgument, HasSubstr("empty segment")));
}

TEST(PackageUrl, RefusesMalformedText) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "scheme 'pkg:'"},
      {"npm/x", "scheme 'pkg:'"},
      {"PKG:npm/x", "scheme 'pkg:'"},
      {"pkg:npm", "no '/' after the type"},
      {"pkg:/x", "no '/' after the type"},  // the slashes after "pkg:" are ignored
      {"pkg:1npm/x", "does not start with a letter"},
      {"pkg:n_pm/x", "the type"},
      {"pkg:n%70m/x", "the type must not be percent-encoded"},
      {"pkg:npm/", "the name is empty"},
      {"pkg:npm/a/", "the name is empty"},
      {"pkg:npm/x@", "the version after '@' is empty"},
      {"pkg:npm/@scope/x", "unencoded '@'"},
      {"pkg:npm/a//x", "namespace has an empty segment"},
      {"pkg:npm/a%2Fb/x", "encoded '/'"},
      {"pkg:npm/x y", "must be percent-encoded"},
      {"pkg:npm/x\xc3\xa9", "must be percent-encoded"},
      {"pkg:npm/x{", "must be percent-encoded"},
      {"pkg:npm/x%2", "truncated percent-escape"},
      {"pkg:npm/x%zz", "malformed percent-escape"},
      {"pkg:npm/x%00", "control character"},
      {"pkg:npm/x%0A", "control character"},
      {"pkg:npm/x%C3", "not valid UTF-8"},
      {"pkg:npm/x%C0%AF", "not valid UTF-8"},        // overlong '/'
      {"pkg:npm/x%ED%A0%80", "not valid UTF-8"},     // a surrogate
      {"pkg:npm/x%F4%90%80%80", "not valid UTF-8"},  // past U+10FFFF
      {"pkg:npm/%20x", "starts or ends with a space"},
      {"pkg:npm/x?", "qualifiers after '?' are empty"},
      {"pkg:npm/x?a", "has no '='"},
      {"pkg:npm/x?a=", "empty value"},
      {"pkg:npm/x?a=1&&b=2", "empty 'key=value' pair"},
      {"pkg:npm/x?a=1&A=2", "given twice"},
      {"pkg:npm/x?1a=1", "starts with a digit"},
      {"pkg:npm/x?a%62=1", "must not be percent-encoded"},
      {"pkg:npm/x?a:b=1", "qualifier key"},
      {"pkg:npm/x?a=b+c", "unencoded '+'"},
      {"pkg:npm/x?a=1?b=2", "unencoded '?'"},
      {"pkg:npm/x#", "subpath after '#' is empty"},
      {"pkg:npm/x#a/../b", "'..' segment"},
      {"pkg:npm/x#a//b", "subpath has an empty segment"},
      {"pkg:npm/x#a#b", "unencoded '#' or '?'"},
      {"pkg:deb/libc6@1", "needs a namespace"},
      {"pkg:maven/x@1", "needs a namespace"},
      {"pkg:swift/a/x", "needs a version"},
      {"pkg:oci/a/x", "has no namespace"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(ParsePackageUrl(c.text), StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message))) << c.text;
  }
}

TEST(PackageUrl, EnforcesTheLimits) {
  PackageUrlLimits limits;
  limits.max_length = 32;
  limits.max_qualifiers = 2;
  limits.max_segments = 2;
  EXPECT_THAT(ParsePackageUrl("pkg:generic/" + std::string(40, 'x'), limits),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than the limit of 32")));
  EXPECT_THAT(ParsePackageUrl("pkg:generic/x?a=1&b=2&c=3", limits),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than 2 qualifiers")));
  EXPECT_THAT(ParsePackageUrl("pkg:generic/a/b/c/x", limits),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than 2 segments")));
  EXPECT_THAT(ParsePackageUrl("pkg:generic/x#a/b/c", limits),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than 2 segments")));
  // Escapes make the canonical form longer than the text it came from.
  EXPECT_THAT(CanonicalPackageUrl("pkg:generic/x?u=::::::::::", limits),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than the limit of 32")));
}

TEST(PackageUrl, CanonicalFormIsAFixedPoint) {
  for (const char* text : {"pkg:deb/debian/libc6-dev@2.36-9+deb12u14?arch=amd64",
                           "pkg:generic/sst2-sample?download_url=https%3A%2F%2Fexample.com%2Fd%3Fq%3D1%26r%3D%2B",
                           "pkg:npm/%40a/b@1.0.0-rc.1#dist/x.js", "pkg:huggingface/example/tiny-sentiment",
                           "pkg:generic/a%23b%3Fc%40d@1%402"}) {
    const std::string once = Canonical(text);
    EXPECT_EQ(Canonical(once), once) << text;
  }
}

}  // namespace
}  // namespace fnseal
