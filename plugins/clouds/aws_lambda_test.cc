#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "core/file.h"
#include "formats/zip/zip.h"
#include "plugins/clouds/target.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::HasSubstr;

constexpr char kHello[] = "testdata/elf/glibc_only.out";
constexpr char kArc4random[] = "testdata/elf/needs_glibc_2_36.out";
constexpr char kStatic[] = "testdata/elf/static_hello.out";
constexpr char kCxx[] = "testdata/elf/needs_libstdcxx.out";

const CloudTarget& Lambda() { return *FindCloudTarget("aws_lambda"); }

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
  Status s = Lambda().Check(spec, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(fragment));
}

TEST(AwsLambda, PublishesLambdasQuotas) {
  TargetLimits l = Lambda().limits();
  EXPECT_EQ(l.max_archive_size, 52428800u);
  EXPECT_EQ(l.max_content_size, 262144000u);
  EXPECT_EQ(l.min_memory_mb, 128u);
  EXPECT_EQ(l.max_memory_mb, 10240u);
  EXPECT_EQ(l.max_timeout_seconds, 900u);
}

TEST(AwsLambda, PutsTheHandlerAtBootstrapWithModes) {
  std::string out = test::TestTempPath("hello-lambda.zip");
  Result<WrittenDeployable> written = Lambda().Write(HelloSpec(), Lambda().limits(), out);
  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->facts.at("machine"), "x86_64");
  EXPECT_EQ(written->facts.at("linking"), "dynamic");
  EXPECT_EQ(written->facts.at("needed"), "libc.so.6");
  EXPECT_EQ(written->facts.at("max_glibc"), "GLIBC_2.34");

  auto source = OpenRandomAccessFile(out);
  ASSERT_THAT(source, IsOk());
  auto reader = ZipReader::Open(source->get());
  ASSERT_THAT(reader, IsOk());
  std::map<std::string, uint32_t> modes;
  for (const ZipEntryInfo& e : (*reader)->entries()) modes[e.path] = e.mode;
  EXPECT_EQ(modes, (std::map<std::string, uint32_t>{{"bootstrap", 0755}, {"greeting.txt", 0644}}));
  Result<std::string> handler = ReadFile(kHello);
  ASSERT_THAT(handler, IsOk());
  EXPECT_EQ(written->content_size, handler->size() + 6);
}

TEST(AwsLambda, SameInputsInAnotherOrderGiveTheSameBytes) {
  DeployableSpec a = HelloSpec();
  ArchiveInput lib;
  lib.path = "lib/data.bin";
  lib.content = std::string(300, 'd');
  a.files.push_back(lib);
  DeployableSpec b = a;
  std::swap(b.files[0], b.files[1]);
  ASSERT_THAT(Lambda().Write(a, Lambda().limits(), test::TestTempPath("order-a.zip")), IsOk());
  ASSERT_THAT(Lambda().Write(b, Lambda().limits(), test::TestTempPath("order-b.zip")), IsOk());
  EXPECT_EQ(ReadFile(test::TestTempPath("order-a.zip")).value(), ReadFile(test::TestTempPath("order-b.zip")).value());
}

TEST(AwsLambda, AcceptsAStaticHandler) {
  DeployableSpec spec = HelloSpec();
  spec.handler = kStatic;
  std::map<std::string, std::string> facts;
  Status s = Lambda().Check(spec, &facts);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(facts.at("linking"), "static");
  EXPECT_EQ(facts.count("max_glibc"), 0u);
}

TEST(AwsLambda, RefusesAHandlerNeedingNewerGlibcAndNamesTheSymbol) {
  DeployableSpec spec = HelloSpec();
  spec.handler = kArc4random;
  std::string out = test::TestTempPath("new-glibc.zip");
  Result<WrittenDeployable> written = Lambda().Write(spec, Lambda().limits(), out);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(written.status().message(),
              HasSubstr("needs a newer glibc than Lambda's provided.al2023 runtime (GLIBC_2.34): "
                        "GLIBC_2.36 (arc4random)"));
  EXPECT_FALSE(PathExists(out));
}

TEST(AwsLambda, RefusesAHandlerNeedingALibraryTheRuntimeLacksAndSaysHowToFixIt) {
  DeployableSpec spec = HelloSpec();
  spec.handler = kCxx;
  std::string out = test::TestTempPath("needs-libstdcxx.zip");
  Result<WrittenDeployable> written = Lambda().Write(spec, Lambda().limits(), out);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(written.status().message(),
              HasSubstr("needs libstdc++.so.6, libgcc_s.so.1, which Lambda's provided.al2023 runtime does not provide"));
  EXPECT_THAT(written.status().message(), HasSubstr("linkage = \"static\""));
  EXPECT_FALSE(PathExists(out));
}

TEST(AwsLambda, RefusesHandlersThatAreNotLinuxExecutables) {
  DeployableSpec spec = HelloSpec();
  std::string script = test::TestTempPath("script.sh");
  ASSERT_THAT(WriteFileAtomic(script, "#!/bin/sh\necho hi\n", 0755), IsOk());
  spec.handler = script;
  ExpectInvalid(spec, "is not an executable aws_lambda can run: not an ELF file");
  spec.handler = "testdata/hostile/elf-32bit.elf";
  ExpectInvalid(spec, "only 64-bit");
  spec.handler = "testdata/hostile/elf-verneed-self-loop.elf";
  EXPECT_EQ(Lambda().Check(spec, nullptr).code(), StatusCode::kDataLoss);
  spec.handler = test::TestTempPath("missing");
  EXPECT_EQ(Lambda().Check(spec, nullptr).code(), StatusCode::kNotFound);
  spec.handler = "testdata";
  ExpectInvalid(spec, "is not a regular file");
}

TEST(AwsLambda, RefusesBadNamesSettingsAndCollisions) {
  DeployableSpec spec = HelloSpec();
  spec.functions = {};
  ExpectInvalid(spec, "exactly one function");
  spec.functions = {"a", "b"};
  ExpectInvalid(spec, "exactly one function");
  spec.functions = {"has space"};
  ExpectInvalid(spec, "only letters, digits, '-' and '_'");
  spec.functions = {std::string(65, 'f')};
  ExpectInvalid(spec, "1 to 64 characters");
  spec = HelloSpec();
  spec.handler_name = "main";
  ExpectInvalid(spec, "runs the file named 'bootstrap'");
  spec = HelloSpec();
  spec.memory_mb = 64;
  ExpectInvalid(spec, "memory must be 128 to 10240 MB; got 64");
  spec.memory_mb = 10240;
  spec.timeout_seconds = 901;
  ExpectInvalid(spec, "timeout must be 1 to 900 seconds; got 901");
  spec = HelloSpec();
  spec.options["auth_level"] = "anonymous";
  ExpectInvalid(spec, "no option 'auth_level'");
  spec = HelloSpec();
  spec.files[0].path = "bootstrap";
  ExpectInvalid(spec, "'bootstrap' is where aws_lambda puts the handler");
}

TEST(AwsLambda, SizeLimitsNameTheLimitAndTheSizeAndLeaveNothing) {
  Result<std::string> handler = ReadFile(kHello);
  ASSERT_THAT(handler, IsOk());
  std::string out = test::TestTempPath("limited.zip");
  TargetLimits unzipped = Lambda().limits();
  unzipped.max_content_size = handler->size();  // the greeting tips it over
  Result<WrittenDeployable> written = Lambda().Write(HelloSpec(), unzipped, out);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(written.status().message(), "the deployable is " + std::to_string(handler->size() + 6) +
                                            " bytes unzipped, over aws_lambda's limit of " +
                                            std::to_string(handler->size()) + " bytes");
  EXPECT_FALSE(PathExists(out));

  TargetLimits zipped = Lambda().limits();
  zipped.max_archive_size = 1000;
  written = Lambda().Write(HelloSpec(), zipped, out);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(written.status().message(), HasSubstr(" bytes zipped, over aws_lambda's limit of 1000 bytes"));
  EXPECT_FALSE(PathExists(out));
}

}  // namespace
}  // namespace fnseal
