#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/file.h"
#include "core/json.h"
#include "plugins/clouds/target.h"
#include "tests/support/test_support.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::fnseal::test::FreshTestDir;
using ::fnseal::test::ReadTestFile;
using ::testing::HasSubstr;

constexpr char kHello[] = "testdata/elf/static_hello.out";

const CloudTarget& Oci() { return *FindCloudTarget("oci_image"); }

DeployableSpec HelloSpec() {
  DeployableSpec spec;
  spec.functions = {"hello"};
  spec.handler = kHello;
  ArchiveInput greeting;
  greeting.path = "greeting.txt";
  greeting.content = "hello\n";
  spec.files.push_back(greeting);
  return spec;
}

void ExpectInvalid(const DeployableSpec& spec, const std::string& fragment) {
  Status s = Oci().Check(spec, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(fragment));
}

// The image config blob of the layout at `dir`, found through index.json and the manifest.
Json ImageConfig(const std::string& dir) {
  auto blob = [&](const Json& descriptor) {
    std::string digest = descriptor["digest"].get<std::string>();
    return Json::parse(ReadTestFile(dir + "/blobs/sha256/" + digest.substr(7)));
  };
  Json index = Json::parse(ReadTestFile(dir + "/index.json"));
  Json manifest = blob(index["manifests"][0]);
  return blob(manifest["config"]);
}

TEST(OciImage, IsRegisteredAsALayoutTarget) {
  ASSERT_NE(FindCloudTarget("oci_image"), nullptr);
  EXPECT_EQ(Oci().output_kind(), "oci-layout");
}

TEST(OciImage, PutsTheHandlerAtBootstrapAndTheFilesAsGiven) {
  Result<std::vector<ArchiveInput>> layout = Oci().Layout(HelloSpec());
  ASSERT_THAT(layout, IsOk());
  ASSERT_EQ(layout->size(), 2u);
  bool handler = false;
  for (const ArchiveInput& input : *layout) {
    if (input.path == "bootstrap") {
      handler = true;
      EXPECT_TRUE(input.executable);
      EXPECT_EQ(input.source_path, kHello);
    }
  }
  EXPECT_TRUE(handler);
}

TEST(OciImage, WritesAnImageThatRunsBootstrapOnPort) {
  const std::string dir = FreshTestDir() + "/image";
  DeployableSpec spec = HelloSpec();
  spec.options["port"] = "9000";
  Result<WrittenDeployable> written = Oci().Write(spec, Oci().limits(), dir);
  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->facts["platform"], "linux/amd64");
  EXPECT_EQ(written->facts["port"], "9000/tcp");
  EXPECT_THAT(written->facts["manifest"], HasSubstr("sha256:"));
  Json config = ImageConfig(dir);
  EXPECT_EQ(config["architecture"], "amd64");
  EXPECT_EQ(config["os"], "linux");
  EXPECT_EQ(config["config"]["Entrypoint"], Json::array({"/bootstrap"}));
  EXPECT_EQ(config["config"]["Env"], Json::array({"PORT=9000"}));
  EXPECT_TRUE(config["config"]["ExposedPorts"].contains("9000/tcp"));
  EXPECT_EQ(config["config"]["Labels"]["dev.fnseal.function"], "hello");
  EXPECT_EQ(config["config"]["User"], "65532:65532");
}

TEST(OciImage, NamesItselfFunctionColonVersionAndAnnotatesWhatTheBuildKnows) {
  const std::string dir = FreshTestDir() + "/image";
  DeployableSpec spec = HelloSpec();
  spec.options["version"] = "1.2.3";
  spec.options["source"] = "https://example.com/monorepo";
  spec.options["revision"] = "0123abcd";
  Result<WrittenDeployable> written = Oci().Write(spec, Oci().limits(), dir);
  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->facts["ref"], "hello:1.2.3");
  Json index = Json::parse(ReadTestFile(dir + "/index.json"));
  const Json& annotations = index["manifests"][0]["annotations"];
  EXPECT_EQ(annotations["org.opencontainers.image.ref.name"], "hello:1.2.3");
  EXPECT_EQ(annotations["org.opencontainers.image.title"], "hello");
  EXPECT_EQ(annotations["org.opencontainers.image.version"], "1.2.3");
  EXPECT_EQ(annotations["org.opencontainers.image.source"], "https://example.com/monorepo");
  EXPECT_EQ(annotations["org.opencontainers.image.revision"], "0123abcd");
  EXPECT_EQ(annotations["org.opencontainers.image.created"], "2000-01-01T00:00:00Z");
}

TEST(OciImage, AnnotatesTheSourceCheckoutOfAStampedBuildUnlessOptionsOverrideIt) {
  const std::string dir = FreshTestDir() + "/image";
  DeployableSpec spec = HelloSpec();
  spec.source_url = "https://example.com/monorepo";
  spec.source_revision = "89abcdef";
  ASSERT_THAT(Oci().Write(spec, Oci().limits(), dir), IsOk());
  Json annotations = Json::parse(ReadTestFile(dir + "/index.json"))["manifests"][0]["annotations"];
  EXPECT_EQ(annotations["org.opencontainers.image.source"], "https://example.com/monorepo");
  EXPECT_EQ(annotations["org.opencontainers.image.revision"], "89abcdef");

  const std::string overridden = FreshTestDir() + "/overridden";
  spec.options["revision"] = "0123abcd";
  spec.source_url.clear();  // a checkout without a remote: no source annotation
  ASSERT_THAT(Oci().Write(spec, Oci().limits(), overridden), IsOk());
  annotations = Json::parse(ReadTestFile(overridden + "/index.json"))["manifests"][0]["annotations"];
  EXPECT_FALSE(annotations.contains("org.opencontainers.image.source"));
  EXPECT_EQ(annotations["org.opencontainers.image.revision"], "0123abcd");
}

TEST(OciImage, RunsAsTheUserTheOptionNamesAndRefusesNames) {
  DeployableSpec spec = HelloSpec();
  spec.options["user"] = "0:0";
  std::map<std::string, std::string> facts;
  Status s = Oci().Check(spec, &facts);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(facts["user"], "0:0");
  spec.options["user"] = "nobody";
  ExpectInvalid(spec, "user 'nobody' is not UID or UID:GID in digits");
}

TEST(OciImage, RefusesADynamicallyLinkedHandlerForAnImageFromScratch) {
  DeployableSpec spec = HelloSpec();
  spec.handler = "testdata/elf/glibc_only.out";
  ExpectInvalid(spec, "is dynamically linked (interpreter '/lib64/ld-linux-x86-64.so.2', needs libc.so.6), but an "
                      "image from scratch has no shared libraries at all; link it statically");
}

TEST(OciImage, GivesTheSameBytesForTheSameSpec) {
  const std::string base = FreshTestDir();
  ASSERT_THAT(Oci().Write(HelloSpec(), Oci().limits(), base + "/a"), IsOk());
  ASSERT_THAT(Oci().Write(HelloSpec(), Oci().limits(), base + "/b"), IsOk());
  EXPECT_EQ(ReadTestFile(base + "/a/index.json"), ReadTestFile(base + "/b/index.json"));
}

TEST(OciImage, RefusesAnExistingOutputAndLeavesItAlone) {
  const std::string dir = FreshTestDir() + "/image";
  ASSERT_THAT(Oci().Write(HelloSpec(), Oci().limits(), dir), IsOk());
  const std::string index = ReadTestFile(dir + "/index.json");
  Result<WrittenDeployable> again = Oci().Write(HelloSpec(), Oci().limits(), dir);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadTestFile(dir + "/index.json"), index);
}

TEST(OciImage, RefusesContentOverAGivenLimitWritingNothing) {
  const std::string dir = FreshTestDir() + "/image";
  TargetLimits limits;
  limits.max_content_size = 100;
  Result<WrittenDeployable> written = Oci().Write(HelloSpec(), limits, dir);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(written.status().message(), HasSubstr("over the limit of 100"));
  EXPECT_FALSE(PathExists(dir));
}

TEST(OciImage, ChecksItsSettings) {
  DeployableSpec two = HelloSpec();
  two.functions.push_back("other");
  ExpectInvalid(two, "exactly one function name");
  DeployableSpec port = HelloSpec();
  port.options["port"] = "70000";
  ExpectInvalid(port, "port '70000' is not a number in 1..65535");
  DeployableSpec option = HelloSpec();
  option.options["memory"] = "512";
  ExpectInvalid(option, "oci_image has no option 'memory'");
  DeployableSpec memory = HelloSpec();
  memory.memory_mb = 512;
  ExpectInvalid(memory, "no memory or timeout setting");
  DeployableSpec name = HelloSpec();
  name.handler_name = "server";
  ExpectInvalid(name, "--handler-name must be 'bootstrap'");
  DeployableSpec clash = HelloSpec();
  clash.files[0].path = "bootstrap";
  ExpectInvalid(clash, "is where the handler goes");
  DeployableSpec compression = HelloSpec();
  compression.options["layer_compression"] = "xz";
  ExpectInvalid(compression, "layer_compression must be gzip or zstd");
  DeployableSpec missing = HelloSpec();
  missing.handler = "no/such/handler";
  EXPECT_EQ(Oci().Check(missing, nullptr).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace fnseal
