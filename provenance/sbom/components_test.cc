#include "provenance/sbom/components.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/file.h"
#include "core/sha256.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::HasSubstr;

namespace fnseal {
namespace {

constexpr char kExampleDir[] = "testdata/sbom/example";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A file with one component `component` (a JSON object's members) besides the root.
std::string WithComponent(const std::string& component) {
  return R"({"fnsealComponents": 1, "function": "f", "root": "//f",
    "components": [{"id": "//f", "kind": "code", "name": "f", "license": "MIT"}, {)" +
         component + "}]}";
}

std::string Error(const std::string& json, StatusCode code = StatusCode::kInvalidArgument,
                  const ComponentsLimits& limits = {}) {
  Result<ComponentSet> set = ParseComponentsFile(json, limits);
  EXPECT_FALSE(set.ok()) << json;
  if (set.ok()) return "";
  EXPECT_EQ(set.status().code(), code) << set.status().ToString();
  return set.status().message();
}

TEST(ComponentsFile, ParsesEveryFieldOfTheExample) {
  Result<ComponentSet> set = ParseComponentsFile(ReadText(std::string(kExampleDir) + "/components.json"));
  ASSERT_THAT(set, IsOk());
  EXPECT_EQ(set->function, "hello");
  EXPECT_EQ(set->root, "//examples/hello:hello");
  ASSERT_EQ(set->components.size(), 5u);
  const Component* hello = set->Find("//examples/hello:hello");
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->kind, ComponentKind::kCode);
  EXPECT_EQ(hello->version, "1.0.0");
  EXPECT_EQ(hello->supplier, "Example Corp");
  EXPECT_EQ(hello->copyright, "Copyright 2026 Example Corp");
  ASSERT_EQ(hello->files.size(), 1u);
  EXPECT_EQ(hello->files[0].name, "bootstrap");
  EXPECT_EQ(hello->files[0].sha256, "");  // not read by the parser
  EXPECT_EQ(hello->depends_on,
            (std::vector<std::string>{"//third_party/tinyjson:tinyjson", "//examples/sentiment:model"}));
  const Component* model = set->Find("//examples/sentiment:model");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->kind, ComponentKind::kModel);
  EXPECT_EQ(model->license.kind, LicenseExpression::Kind::kLicenseRef);
  EXPECT_EQ(model->base_model, "//examples/sentiment:distilbert");
  EXPECT_EQ(model->datasets, (std::vector<std::string>{"//examples/sentiment:sst2", "imdb-reviews"}));
  EXPECT_EQ(model->source_uri, "https://huggingface.co/example/tiny-sentiment");
  EXPECT_EQ(ToString(set->Find("//third_party/tinyjson:tinyjson")->license), "MIT OR Apache-2.0 WITH LLVM-exception");
  EXPECT_EQ(set->Find("//third_party/tinyjson:tinyjson")->purl, "pkg:github/example/tinyjson@0.3.1");  // canonical
  EXPECT_EQ(set->Find("//nope"), nullptr);
}

TEST(ComponentsFile, RefusesAMalformedPurlNamingTheComponent) {
  EXPECT_EQ(Error(WithComponent(R"("id": "//a", "kind": "code", "name": "a", "license": "MIT",
                                   "purl": "pkg:npm/x?arch=")")),
            "component '//a': purl: qualifier 'arch' has an empty value");
  EXPECT_EQ(Error(WithComponent(R"("id": "//a", "kind": "code", "name": "a", "license": "MIT", "purl": "npm/x")")),
            "component '//a': purl: does not start with the scheme 'pkg:'");
  EXPECT_EQ(Error(WithComponent(R"("id": "//a", "kind": "code", "name": "a", "license": "MIT", "purl": "")")),
            "component '//a': purl is empty (leave it out instead)");
}

// The purl ComponentPurl() gives a component parsed from `component` (a JSON object's members).
std::string PurlOf(const std::string& component) {
  Result<ComponentSet> set = ParseComponentsFile(WithComponent(component));
  EXPECT_THAT(set, IsOk()) << component;
  if (!set.ok()) return "<error>";
  Result<std::string> purl = ComponentPurl(set->components[1]);
  EXPECT_THAT(purl, IsOk()) << component;
  return purl.ok() ? *purl : "<error>";
}

TEST(ComponentPurl, DerivesHuggingFaceModelsAndDataSets) {
  EXPECT_EQ(PurlOf(R"("id": "//m", "kind": "model", "name": "tiny", "version": "0.1.0", "license": "MIT",
                      "sourceUri": "https://huggingface.co/example/tiny-sentiment")"),
            "pkg:huggingface/example/tiny-sentiment");
  EXPECT_EQ(PurlOf(R"("id": "//d", "kind": "dataset", "name": "sst2", "license": "MIT",
                      "sourceUri": "https://huggingface.co/datasets/stanfordnlp/sst2/")"),
            "pkg:huggingface/stanfordnlp/sst2");
  // A revision's commit hash is the purl's version (lowercase); another version is not.
  EXPECT_EQ(PurlOf(R"("id": "//m", "kind": "model", "name": "m", "license": "MIT",
                      "version": "043235D6088ECD3DD5FB5CA3592B6913FD516027",
                      "sourceUri": "https://huggingface.co/distilbert/distilbert-base-uncased")"),
            "pkg:huggingface/distilbert/distilbert-base-uncased@043235d6088ecd3dd5fb5ca3592b6913fd516027");
  // A file on the hub, a data set's page for a model, or a hub page is a generic download.
  EXPECT_EQ(PurlOf(R"("id": "//m", "kind": "model", "name": "m", "version": "1", "license": "MIT",
                      "sourceUri": "https://huggingface.co/a/b/resolve/main/m.onnx")"),
            "pkg:generic/m@1?download_url=https%3A%2F%2Fhuggingface.co%2Fa%2Fb%2Fresolve%2Fmain%2Fm.onnx");
  EXPECT_EQ(PurlOf(R"("id": "//m", "kind": "model", "name": "m", "license": "MIT",
                      "sourceUri": "https://huggingface.co/datasets/a/b")"),
            "pkg:generic/m?download_url=https%3A%2F%2Fhuggingface.co%2Fdatasets%2Fa%2Fb");
  EXPECT_EQ(PurlOf(R"("id": "//m", "kind": "model", "name": "m", "license": "MIT",
                      "sourceUri": "https://huggingface.co/spaces/a")"),
            "pkg:generic/m?download_url=https%3A%2F%2Fhuggingface.co%2Fspaces%2Fa");
}

TEST(ComponentPurl, DerivesNpmDebianAndGitPurls) {
  EXPECT_EQ(PurlOf(R"("id": "//n", "kind": "code", "name": "x", "version": "8.17.1", "license": "MIT",
                      "url": "https://www.npmjs.com/package/ajv")"),
            "pkg:npm/ajv@8.17.1");
  EXPECT_EQ(PurlOf(R"("id": "//n", "kind": "code", "name": "x", "version": "4.1.3", "license": "MIT",
                      "url": "https://registry.npmjs.org/@sigstore/verify/-/verify-4.1.3.tgz")"),
            "pkg:npm/%40sigstore/verify@4.1.3");
  EXPECT_EQ(PurlOf(R"("id": "//g", "kind": "code", "name": "libstdc++-12-dev", "version": "12.2.0-14",
                      "supplier": "Debian", "license": "MIT")"),
            "pkg:deb/debian/libstdc%2B%2B-12-dev@12.2.0-14");
  EXPECT_EQ(PurlOf(R"("id": "//d", "kind": "dataset", "name": "d", "license": "MIT",
                      "sourceUri": "git+https://example.com/d.git")"),
            "pkg:generic/d?vcs_url=git%2Bhttps%3A%2F%2Fexample.com%2Fd.git");
}

TEST(ComponentPurl, GivesNoneWhenNothingIdentifiesThePackage) {
  // A home page is not where the code comes from; Debian without a version is no package.
  EXPECT_EQ(PurlOf(R"("id": "//c", "kind": "code", "name": "c", "license": "MIT", "url": "https://example.com")"), "");
  EXPECT_EQ(PurlOf(R"("id": "//c", "kind": "code", "name": "c", "supplier": "Debian", "license": "MIT")"), "");
  EXPECT_EQ(PurlOf(R"("id": "//m", "kind": "model", "name": "m", "license": "MIT", "sourceUri": "local")"), "");
}

TEST(ComponentPurl, AnExplicitPurlWinsAndIsChecked) {
  EXPECT_EQ(PurlOf(R"("id": "//m", "kind": "model", "name": "m", "license": "MIT", "purl": "pkg:generic/m@2",
                      "sourceUri": "https://huggingface.co/a/b")"),
            "pkg:generic/m@2");
  Component c;
  c.id = "//built-in-code";
  c.purl = "pkg:npm/x?a";
  EXPECT_THAT(ComponentPurl(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("component '//built-in-code': purl:")));
}

TEST(ComponentsFile, LoadHashesFilesAndReadsLicenseTexts) {
  Result<ComponentSet> set = LoadComponentsFile(std::string(kExampleDir) + "/components.json", kExampleDir);
  ASSERT_THAT(set, IsOk());
  const Component* hello = set->Find("//examples/hello:hello");
  const std::string bootstrap = ReadText(std::string(kExampleDir) + "/hello/bootstrap");
  EXPECT_EQ(hello->files[0].sha256, Sha256Hex(bootstrap));
  EXPECT_EQ(hello->files[0].size, bootstrap.size());
  EXPECT_EQ(hello->files[0].sha1, "9db6f074fca0a903137b91c7c866b21d4e7205a7");  // sha1sum hello/bootstrap
  EXPECT_EQ(hello->files[0].text, "");                                          // shipped files are hashed, not kept
  const std::string license = ReadText(std::string(kExampleDir) + "/hello/LICENSE");
  EXPECT_EQ(hello->license_texts[0].text, license);
  EXPECT_EQ(hello->license_texts[0].sha256, Sha256Hex(license));
}

TEST(ComponentsFile, LoadNamesTheComponentOfAMissingFile) {
  const std::string dir = ::testing::TempDir() + "/components-missing";
  RemoveTree(dir);
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  ASSERT_THAT(WriteFileAtomic(dir + "/c.json", WithComponent(R"("id": "//g", "kind": "code", "name": "g",
      "license": "MIT", "files": [{"name": "g", "path": "missing/g.bin"}])")), IsOk());
  Result<ComponentSet> set = LoadComponentsFile(dir + "/c.json", dir);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), StatusCode::kNotFound);
  EXPECT_NE(set.status().message().find("component '//g': file 'missing/g.bin'"), std::string::npos)
      << set.status().message();
}

TEST(ComponentsFile, LoadRefusesOversizedLicenseTextsAndDirectories) {
  const std::string dir = ::testing::TempDir() + "/components-big";
  RemoveTree(dir);
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((dir + "/sub").c_str(), 0755), 0);
  ASSERT_THAT(WriteFileAtomic(dir + "/LICENSE", std::string(2000, 'x')), IsOk());
  Result<ComponentSet> set = ParseComponentsFile(WithComponent(R"("id": "//g", "kind": "code", "name": "g",
      "license": "MIT", "licenseTexts": [{"name": "LICENSE", "path": "LICENSE"}])"));
  ASSERT_THAT(set, IsOk());
  ComponentsLimits limits;
  limits.max_license_text_size = 1000;
  Status loaded = LoadComponentFiles(dir, &*set, limits);
  EXPECT_EQ(loaded.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(loaded.message().find("license text 'LICENSE' is 2000 bytes"), std::string::npos) << loaded.message();

  Result<ComponentSet> dir_set = ParseComponentsFile(WithComponent(R"("id": "//g", "kind": "code", "name": "g",
      "license": "MIT", "files": [{"name": "sub", "path": "sub"}])"));
  ASSERT_THAT(dir_set, IsOk());
  Status dir_loaded = LoadComponentFiles(dir, &*dir_set);
  EXPECT_EQ(dir_loaded.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dir_loaded.message().find("is not a regular file"), std::string::npos) << dir_loaded.message();
}

TEST(ComponentsFile, RefusesUnknownFieldsAndWrongTypes) {
  EXPECT_NE(Error(R"({"fnsealComponents": 1, "function": "f", "root": "//f", "components": [], "extra": 1})")
                .find("unknown field 'extra'"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT", "licence": "MIT")"))
                .find("component '//g': unknown field 'licence'"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT",
                    "files": [{"name": "a", "path": "a", "sha256": "00"}])"))
                .find("unknown field 'sha256' in files[0]"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": 7, "license": "MIT")"))
                .find("component '//g': name must be a string"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT", "dependsOn": "//f")"))
                .find("dependsOn must be an array"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "library", "name": "g", "license": "MIT")"))
                .find("kind 'library' is not code, model or dataset"),
            std::string::npos);
  EXPECT_NE(
      Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g")")).find("component '//g' has no 'license'"),
      std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT", "sourceUri": "x")"))
                .find("sourceUri is only for models and data sets"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "dataset", "name": "g", "license": "MIT", "datasets": [])"))
                .find("datasets is only for models"),
            std::string::npos);
  EXPECT_NE(Error(R"({"fnsealComponents": 2, "function": "f", "root": "//f", "components": []})")
                .find("fnsealComponents must be 1"),
            std::string::npos);
  EXPECT_NE(Error(R"([1])").find("must be a JSON object"), std::string::npos);
}

TEST(ComponentsFile, RefusesDuplicateIdsAndKeys) {
  EXPECT_NE(Error(WithComponent(R"("id": "//f", "kind": "code", "name": "g", "license": "MIT")"))
                .find("component id '//f' is given twice"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "id": "//h", "kind": "code", "name": "g", "license": "MIT")"))
                .find("has the key 'id' twice"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT",
                    "dependsOn": ["//f", "//f"])"))
                .find("dependsOn[1] '//f' is given twice"),
            std::string::npos);
}

TEST(ComponentsFile, EveryIdMustResolve) {
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT", "dependsOn": ["//x"])"))
                .find("component '//g': dependsOn[0] '//x' is not a component in the file"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT", "dependsOn": ["//g"])"))
                .find("names the component itself"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "model", "name": "g", "license": "MIT", "datasets": ["//x"])"))
                .find("datasets[0] '//x' looks like an id but is not a component"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "model", "name": "g", "license": "MIT", "datasets": ["//f"])"))
                .find("'//f' is a code, not a dataset"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "model", "name": "g", "license": "MIT", "baseModel": "//f")"))
                .find("baseModel '//f' is a code, not a model"),
            std::string::npos);
  EXPECT_NE(
      Error(WithComponent(R"("id": "//g", "kind": "model", "name": "g", "license": "MIT", "baseModel": "@hub//x")"))
          .find("baseModel '@hub//x' looks like an id"),
      std::string::npos);
  EXPECT_NE(Error(R"({"fnsealComponents": 1, "function": "f", "root": "//r",
                     "components": [{"id": "//f", "kind": "code", "name": "f", "license": "MIT"}]})")
                .find("root '//r' is not a component in the file"),
            std::string::npos);
  // Free-text names are fine.
  Result<ComponentSet> set = ParseComponentsFile(WithComponent(R"("id": "//g", "kind": "model", "name": "g",
      "license": "MIT", "baseModel": "bert-base", "datasets": ["imdb"])"));
  EXPECT_THAT(set, IsOk());
}

TEST(ComponentsFile, InvalidLicenseNamesTheComponentAndColumn) {
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT AND")"))
                .find("component '//g': license: column 8"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "DocumentRef-d:LicenseRef-x")"))
                .find("references to other documents are not supported"),
            std::string::npos);
}

TEST(ComponentsFile, RefusesUnsafeNamesAndPaths) {
  for (const char* name : {"/etc/passwd", "../x", "a/../../x", "a//b", "a\\\\b"}) {
    const std::string json = WithComponent(std::string(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT",
        "files": [{"name": ")") + name + R"(", "path": "a"}])");
    EXPECT_NE(Error(json).find("files[0].name is unsafe"), std::string::npos) << name;
  }
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT",
                    "licenseTexts": [{"name": "LICENSE", "path": "/etc/shadow"}])"))
                .find("licenseTexts[0].path is unsafe"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT",
                    "files": [{"name": "a", "path": "a"}, {"name": "a", "path": "b"}])"))
                .find("files[1].name 'a' is given twice"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g\u0000x", "kind": "code", "name": "g", "license": "MIT")"))
                .find("contains a control character"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g\nh", "license": "MIT")"))
                .find("component '//g': name contains a control character"),
            std::string::npos);
  Result<ComponentSet> wrapped = ParseComponentsFile(WithComponent(R"("id": "//g", "kind": "code", "name": "g",
      "license": "MIT", "copyright": "Copyright 2025 A\nCopyright 2026 B")"));
  EXPECT_THAT(wrapped, IsOk());
}

TEST(ComponentsFile, EnforcesEveryLimit) {
  ComponentsLimits small;
  small.max_components = 1;
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT")"),
                  StatusCode::kResourceExhausted, small)
                .find("2 components, more than the limit of 1"),
            std::string::npos);
  small = {};
  small.max_files_per_component = 1;
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT",
                    "files": [{"name": "a", "path": "a"}, {"name": "b", "path": "b"}])"),
                  StatusCode::kResourceExhausted, small)
                .find("files has 2 entries, more than the limit of 1"),
            std::string::npos);
  small = {};
  small.max_depends_on = 1;
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "model", "name": "g", "license": "MIT",
                    "datasets": ["a", "b"])"),
                  StatusCode::kResourceExhausted, small)
                .find("datasets has 2 entries"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": ")" + std::string(4097, 'n') +
                                R"(", "license": "MIT")"),
                  StatusCode::kResourceExhausted)
                .find("name is 4097 bytes, more than the limit of 4096"),
            std::string::npos);
  small = {};
  small.max_file_size = 100;
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT")"),
                  StatusCode::kResourceExhausted, small)
                .find("more than the limit of 100"),
            std::string::npos);
  EXPECT_NE(Error(WithComponent(R"("id": "//g", "kind": "code", "name": "g", "license": "MIT",
                    "files": [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]])"),
                  StatusCode::kResourceExhausted)
                .find("nests deeper than the limit of 16"),
            std::string::npos);
}

// Every components-*.json in the hostile corpus is refused with a specific error, never crashes.
TEST(ComponentsFile, RefusesTheHostileCorpus) {
  struct Case {
    const char* file;
    StatusCode code;
    const char* fragment;
  };
  for (const Case& c : {
           Case{"components-absolute-name.json", StatusCode::kInvalidArgument, "files[0].name is unsafe"},
           Case{"components-dotdot-path.json", StatusCode::kInvalidArgument, "licenseTexts[0].path is unsafe"},
           Case{"components-duplicate-id.json", StatusCode::kInvalidArgument, "is given twice"},
           Case{"components-unresolved-depends.json", StatusCode::kInvalidArgument, "is not a component in the file"},
           Case{"components-bad-license.json", StatusCode::kInvalidArgument, "license: column"},
           Case{"components-deep-nesting.json", StatusCode::kResourceExhausted, "nests deeper"},
           Case{"components-duplicate-key.json", StatusCode::kInvalidArgument, "twice"},
           Case{"components-too-many-depends.json", StatusCode::kResourceExhausted, "more than the limit of 1000"},
           Case{"components-purl-duplicate-qualifier.json", StatusCode::kInvalidArgument,
                "purl: qualifier 'download_url' is given twice"},
           Case{"components-purl-overlong-slash.json", StatusCode::kInvalidArgument, "purl: the name is not valid UTF-8"},
       }) {
    Result<ComponentSet> set = ParseComponentsFile(ReadText(std::string("testdata/hostile/") + c.file));
    ASSERT_FALSE(set.ok()) << c.file;
    EXPECT_EQ(set.status().code(), c.code) << c.file << ": " << set.status().ToString();
    EXPECT_NE(set.status().message().find(c.fragment), std::string::npos) << c.file << ": " << set.status().message();
  }
}

}  // namespace
}  // namespace fnseal
