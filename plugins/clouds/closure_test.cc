// The closure a target ships (ClosureLayout) and how CheckHandlerLinkage judges it, with
// executables and shared objects built by the toolchain (testdata/elf) and the toolchain's glibc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "plugins/clouds/target.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kElf[] = "testdata/elf/";
constexpr char kToolchain[] = "../fnseal_toolchain_libraries/shared/";
constexpr char kLoader[] = "ld-linux-x86-64.so.2";

const HandlerBase kLambda = {"aws_lambda", "Lambda's provided.al2023 runtime",
                             {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", kLoader},
                             "GLIBC_2.34"};
const HandlerBase kScratch = {"oci_image", "an image from scratch", {}, ""};

// A closure file naming (name, path) libraries, written to the test's temp directory.
std::string ClosureFile(const std::string& file_name, const std::vector<std::pair<std::string, std::string>>& libs) {
  Json libraries = Json::array();
  for (const auto& [name, path] : libs) libraries.push_back({{"name", name}, {"path", path}});
  const std::string path = test::TestTempPath(file_name);
  EXPECT_THAT(WriteFileAtomic(path, PrettyJsonDump({{"libraries", libraries}})), IsOk());
  return path;
}

DeployableSpec Spec(const std::string& handler, const std::string& closure) {
  DeployableSpec spec;
  spec.functions = {"fn"};
  spec.handler = kElf + handler;
  spec.options[kClosureOption] = closure;
  return spec;
}

// The cycle fixture's closure, as the closure action resolves it.
std::string CycleClosure() {
  return ClosureFile("cycle.json", {{"libcycle_a.so", std::string(kElf) + "libcycle_a.so"},
                                    {"libc.so.6", std::string(kToolchain) + "libc.so.6"},
                                    {kLoader, std::string(kToolchain) + kLoader},
                                    {"libcycle_b.so", std::string(kElf) + "libcycle_b.so"}});
}

std::map<std::string, bool> Paths(const std::vector<ArchiveInput>& files) {
  std::map<std::string, bool> paths;
  for (const ArchiveInput& f : files) paths[f.path] = f.executable;
  return paths;
}

TEST(ClosureLayout, ShipsWhatTheBaseLacksNextToTheHandler) {
  DeployableSpec spec = Spec("uses_cycle.out", CycleClosure());
  auto lambda = ClosureLayout(spec, "bootstrap", kLambda);
  ASSERT_THAT(lambda, IsOk());
  EXPECT_THAT(Paths(*lambda), UnorderedElementsAre(Pair("lib/libcycle_a.so", false), Pair("lib/libcycle_b.so", false)));
  auto nested = ClosureLayout(spec, "bin/handler", kLambda);
  ASSERT_THAT(nested, IsOk());
  EXPECT_THAT(Paths(*nested), UnorderedElementsAre(Pair("bin/lib/libcycle_a.so", false),
                                                   Pair("bin/lib/libcycle_b.so", false)));
  std::map<std::string, std::string> facts;
  ASSERT_THAT(CheckHandlerLinkage(spec.handler, kLambda, &facts, *lambda), IsOk());
  EXPECT_EQ(facts["shipped"], "lib/libcycle_a.so, lib/libcycle_b.so");
  EXPECT_EQ(facts["linking"], "dynamic");
}

TEST(ClosureLayout, ShipsLibcAndTheLoaderIntoAnImageFromScratch) {
  DeployableSpec spec = Spec("uses_cycle.out", CycleClosure());
  auto scratch = ClosureLayout(spec, "bootstrap", kScratch);
  ASSERT_THAT(scratch, IsOk());
  EXPECT_THAT(Paths(*scratch),
              UnorderedElementsAre(Pair("lib/libcycle_a.so", false), Pair("lib/libcycle_b.so", false),
                                   Pair("lib/libc.so.6", false), Pair(std::string("lib64/") + kLoader, true)));
  std::map<std::string, std::string> facts;
  Status status = CheckHandlerLinkage(spec.handler, kScratch, &facts, *scratch);
  ASSERT_THAT(status, IsOk());
}

TEST(ClosureLayout, NothingWithoutTheOptionAndRefusesMalformedFiles) {
  DeployableSpec spec = Spec("uses_cycle.out", "");
  spec.options.clear();
  auto none = ClosureLayout(spec, "bootstrap", kScratch);
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());
  const std::string bad = test::TestTempPath("bad.json");
  for (const char* text : {"{}", R"({"libraries": [{"name": "../x", "path": "p"}]})", "not json"}) {
    ASSERT_THAT(WriteFileAtomic(bad, text), IsOk());
    auto layout = ClosureLayout(Spec("uses_cycle.out", bad), "bootstrap", kScratch);
    ASSERT_FALSE(layout.ok()) << text;
    EXPECT_EQ(layout.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(CheckHandlerLinkage, RefusesAClosureThatLacksALibrary) {
  DeployableSpec spec = Spec("uses_cycle.out", ClosureFile("no_b.json", {{"libcycle_a.so", std::string(kElf) + "libcycle_a.so"}}));
  auto shipped = ClosureLayout(spec, "bootstrap", kLambda);
  ASSERT_THAT(shipped, IsOk());
  Status status = CheckHandlerLinkage(spec.handler, kLambda, nullptr, *shipped);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("needs libcycle_b.so (for libcycle_a.so), which Lambda's provided.al2023 "
                                          "runtime does not provide"));
  EXPECT_THAT(status.message(), HasSubstr("and its closure does not ship"));
}

TEST(CheckHandlerLinkage, RefusesAnImageWithoutTheLoader) {
  DeployableSpec spec = Spec("uses_cycle.out", ClosureFile("no_loader.json", {
                                                                 {"libcycle_a.so", std::string(kElf) + "libcycle_a.so"},
                                                                 {"libcycle_b.so", std::string(kElf) + "libcycle_b.so"},
                                                                 {"libc.so.6", std::string(kToolchain) + "libc.so.6"},
                                                             }));
  auto shipped = ClosureLayout(spec, "bootstrap", kScratch);
  ASSERT_THAT(shipped, IsOk());
  Status status = CheckHandlerLinkage(spec.handler, kScratch, nullptr, *shipped);
  EXPECT_THAT(status.message(), HasSubstr("needs the loader '/lib64/ld-linux-x86-64.so.2', which an image from "
                                          "scratch does not provide and its closure does not ship"));
}

TEST(CheckHandlerLinkage, RefusesAHandlerThatDoesNotSearchTheShippedLibraries) {
  DeployableSpec spec = Spec("glibc_only.out", ClosureFile("glibc.json", {
                                                                 {"libc.so.6", std::string(kToolchain) + "libc.so.6"},
                                                                 {kLoader, std::string(kToolchain) + kLoader},
                                                             }));
  auto shipped = ClosureLayout(spec, "bootstrap", kScratch);
  ASSERT_THAT(shipped, IsOk());
  Status status = CheckHandlerLinkage(spec.handler, kScratch, nullptr, *shipped);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("does not search $ORIGIN/lib (DT_RPATH)"));
}

TEST(CheckHandlerLinkage, RefusesAShippedLibraryThatLacksANeededVersion) {
  // uses_mid.out's libmid.so needs LEAF_2.0 of libleaf.so; libcycle_b.so shipped under that name
  // defines no version.
  DeployableSpec spec = Spec("uses_mid.out", ClosureFile("wrong_leaf.json", {
                                                               {"libmid.so", std::string(kElf) + "libmid.so"},
                                                               {"libleaf.so", std::string(kElf) + "libcycle_b.so"},
                                                               {"libcycle_a.so", std::string(kElf) + "libcycle_a.so"},
                                                               {"libcycle_b.so", std::string(kElf) + "libcycle_b.so"},
                                                           }));
  auto shipped = ClosureLayout(spec, "bootstrap", kLambda);
  ASSERT_THAT(shipped, IsOk());
  Status status = CheckHandlerLinkage(spec.handler, kLambda, nullptr, *shipped);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("versions its shipped libraries do not define: LEAF_2.0 of libleaf.so "
                                          "(leaf, for libmid.so)"));
}

TEST(CheckHandlerLinkage, JudgesTheGlibcNeedsOfShippedLibrariesAgainstTheBase) {
  DeployableSpec spec = Spec("uses_mid.out", ClosureFile("stdcxx.json", {
                                                           {"libmid.so", std::string(kElf) + "libmid.so"},
                                                           {"libleaf.so", std::string(kElf) + "libleaf.so"},
                                                           {"libstdc++.so.6", std::string(kToolchain) + "libstdc++.so.6"},
                                                           {"libgcc_s.so.1", std::string(kToolchain) + "libgcc_s.so.1"},
                                                       }));
  auto shipped = ClosureLayout(spec, "bootstrap", kLambda);
  ASSERT_THAT(shipped, IsOk());
  Status status = CheckHandlerLinkage(spec.handler, kLambda, nullptr, *shipped);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("GLIBC_2.36 (arc4random, for libstdc++.so.6)"));
}

}  // namespace
}  // namespace fnseal
