#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "formats/zip/zip.h"
#include "plugins/clouds/target.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::HasSubstr;

constexpr char kHello[] = "testdata/elf/static_hello.out";

const CloudTarget& Azure() { return *FindCloudTarget("azure_functions"); }

DeployableSpec HelloSpec() {
  DeployableSpec spec;
  spec.functions = {"hello"};
  spec.handler = kHello;
  return spec;
}

std::string Content(const std::vector<ArchiveInput>& layout, const std::string& path) {
  for (const ArchiveInput& input : layout) {
    if (input.path == path) return input.content;
  }
  ADD_FAILURE() << "no " << path << " in the layout";
  return "";
}

void ExpectInvalid(const DeployableSpec& spec, const std::string& fragment) {
  Status s = Azure().Check(spec, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(fragment));
}

TEST(AzureFunctions, WritesTheCustomHandlerHostJson) {
  Result<std::vector<ArchiveInput>> layout = Azure().Layout(HelloSpec());
  ASSERT_THAT(layout, IsOk());
  // Byte-exact: sorted keys, two-space indent, trailing newline.
  EXPECT_EQ(Content(*layout, "host.json"),
            "{\n"
            "  \"customHandler\": {\n"
            "    \"description\": {\n"
            "      \"arguments\": [],\n"
            "      \"defaultExecutablePath\": \"handler\",\n"
            "      \"workingDirectory\": \"\"\n"
            "    },\n"
            "    \"enableProxyingHttpRequest\": true\n"
            "  },\n"
            "  \"version\": \"2.0\"\n"
            "}\n");
}

TEST(AzureFunctions, WritesOneHttpFunctionJsonPerFunction) {
  DeployableSpec spec = HelloSpec();
  spec.functions = {"hello", "Orders_v2"};
  spec.options = {{"auth_level", "anonymous"}, {"methods", "post,get"}};
  Result<std::vector<ArchiveInput>> layout = Azure().Layout(spec);
  ASSERT_THAT(layout, IsOk());
  for (const char* name : {"hello", "Orders_v2"}) {
    Result<Json> json = ParseJsonStrict(Content(*layout, std::string(name) + "/function.json"), "function.json");
    ASSERT_THAT(json, IsOk());
    Json want = {{"bindings", Json::array({Json{{"type", "httpTrigger"},
                                                {"authLevel", "anonymous"},
                                                {"direction", "in"},
                                                {"name", "req"},
                                                {"methods", {"post", "get"}}},
                                           Json{{"type", "http"}, {"direction", "out"}, {"name", "res"}}})}};
    EXPECT_EQ(*json, want) << name;
  }
}

TEST(AzureFunctions, DefaultsToFunctionAuthAndGetPost) {
  Result<std::vector<ArchiveInput>> layout = Azure().Layout(HelloSpec());
  ASSERT_THAT(layout, IsOk());
  Result<Json> json = ParseJsonStrict(Content(*layout, "hello/function.json"), "function.json");
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ((*json)["bindings"][0]["authLevel"], "function");
  EXPECT_EQ((*json)["bindings"][0]["methods"], Json({"get", "post"}));
}

TEST(AzureFunctions, AddsTheExtensionBundleAndTimeoutWhenAsked) {
  DeployableSpec spec = HelloSpec();
  spec.options["extension_bundle"] = "[4.*, 5.0.0)";
  spec.timeout_seconds = 330;
  Result<std::vector<ArchiveInput>> layout = Azure().Layout(spec);
  ASSERT_THAT(layout, IsOk());
  Result<Json> host = ParseJsonStrict(Content(*layout, "host.json"), "host.json");
  ASSERT_THAT(host, IsOk());
  EXPECT_EQ((*host)["extensionBundle"],
            Json({{"id", "Microsoft.Azure.Functions.ExtensionBundle"}, {"version", "[4.*, 5.0.0)"}}));
  EXPECT_EQ((*host)["functionTimeout"], "00:05:30");
}

TEST(AzureFunctions, WritesAZipWithModes) {
  DeployableSpec spec = HelloSpec();
  ArchiveInput data;
  data.path = "static/index.html";
  data.content = "<p>hi</p>\n";
  spec.files.push_back(data);
  std::string out = test::TestTempPath("azure.zip");
  Result<WrittenDeployable> written = Azure().Write(spec, Azure().limits(), out);
  ASSERT_THAT(written, IsOk());
  auto source = OpenRandomAccessFile(out);
  ASSERT_THAT(source, IsOk());
  auto reader = ZipReader::Open(source->get());
  ASSERT_THAT(reader, IsOk());
  std::map<std::string, uint32_t> modes;
  for (const ZipEntryInfo& e : (*reader)->entries()) {
    if (!e.is_directory) modes[e.path] = e.mode;
  }
  EXPECT_EQ(modes,
            (std::map<std::string, uint32_t>{
                {"handler", 0755}, {"hello/function.json", 0644}, {"host.json", 0644}, {"static/index.html", 0644}}));
}

TEST(AzureFunctions, FollowsTheHostsFunctionNameRules) {
  DeployableSpec spec = HelloSpec();
  for (const char* good : {"a", "Hello", "x-1_y", "Z9"}) {
    spec.functions = {good};
    EXPECT_THAT(Azure().Check(spec, nullptr), IsOk()) << good;
  }
  spec.functions = {std::string(128, 'f')};
  EXPECT_THAT(Azure().Check(spec, nullptr), IsOk());
  spec.functions = {std::string(129, 'f')};
  ExpectInvalid(spec, "1 to 128 characters");
  spec.functions = {"1st"};
  ExpectInvalid(spec, "must start with a letter");
  spec.functions = {"_x"};
  ExpectInvalid(spec, "must start with a letter");
  spec.functions = {"a.b"};
  ExpectInvalid(spec, "only letters, digits, '-' and '_'");
  spec.functions = {"a/b"};
  ExpectInvalid(spec, "only letters, digits, '-' and '_'");
  spec.functions = {"HOST"};
  ExpectInvalid(spec, "'host' is reserved");
  spec.functions = {"Orders", "orders"};
  ExpectInvalid(spec, "'orders' is given twice");
  spec.functions = {};
  ExpectInvalid(spec, "at least one function");
}

TEST(AzureFunctions, RefusesBadOptionsSettingsAndCollisions) {
  DeployableSpec spec = HelloSpec();
  spec.options = {{"auth_level", "public"}};
  ExpectInvalid(spec, "auth_level 'public' is not anonymous, function or admin");
  spec.options = {{"methods", "get,fetch"}};
  ExpectInvalid(spec, "'fetch' is not one of");
  spec.options = {{"methods", "get,get"}};
  ExpectInvalid(spec, "'get' is given twice");
  spec.options = {{"methods", ""}};
  ExpectInvalid(spec, "'' is not one of");
  spec.options = {{"route", "x"}};
  ExpectInvalid(spec, "no option 'route'");
  spec = HelloSpec();
  spec.memory_mb = 512;
  ExpectInvalid(spec, "no memory setting");
  spec = HelloSpec();
  spec.timeout_seconds = 601;
  ExpectInvalid(spec, "timeout must be 1 to 600 seconds; got 601");
  spec = HelloSpec();
  ArchiveInput host;
  host.path = "host.json";
  spec.files.push_back(host);
  ExpectInvalid(spec, "'host.json' is written by azure_functions");
  spec.files[0].path = "hello/function.json";
  ExpectInvalid(spec, "'hello/function.json' is written by azure_functions");
  spec = HelloSpec();
  spec.handler_name = "../handler";
  EXPECT_EQ(Azure().Check(spec, nullptr).code(), StatusCode::kInvalidArgument);
  spec = HelloSpec();
  spec.handler = test::TestTempPath("missing");
  EXPECT_EQ(Azure().Check(spec, nullptr).code(), StatusCode::kNotFound);
}

TEST(AzureFunctions, AcceptsAStaticHandlerAndRefusesNewGlibcAndACxxRuntime) {
  DeployableSpec spec = HelloSpec();
  std::map<std::string, std::string> facts;
  ASSERT_THAT(Azure().Check(spec, &facts), IsOk());
  EXPECT_EQ(facts["linking"], "static");
  // Debian 12's toolchain binds __libc_start_main to GLIBC_2.34; the Functions 4.x images are
  // Debian 11 (glibc 2.31).
  spec.handler = "testdata/elf/glibc_only.out";
  ExpectInvalid(spec, "needs a newer glibc than the Azure Functions Linux host (GLIBC_2.31): GLIBC_2.34 "
                      "(__libc_start_main)");
  spec.handler = "testdata/elf/needs_libstdcxx.out";
  ExpectInvalid(spec, "needs libstdc++.so.6, libgcc_s.so.1, which the Azure Functions Linux host does not provide");
}

TEST(AzureFunctions, CustomHandlerNameIsTheDefaultExecutablePath) {
  DeployableSpec spec = HelloSpec();
  spec.handler_name = "bin/server";
  Result<std::vector<ArchiveInput>> layout = Azure().Layout(spec);
  ASSERT_THAT(layout, IsOk());
  Result<Json> host = ParseJsonStrict(Content(*layout, "host.json"), "host.json");
  ASSERT_THAT(host, IsOk());
  EXPECT_EQ((*host)["customHandler"]["description"]["defaultExecutablePath"], "bin/server");
  bool found = false;
  for (const ArchiveInput& input : *layout) {
    if (input.path == "bin/server") found = input.executable && input.source_path == kHello;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace fnseal
