#include "formats/elf/closure.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "core/io.h"
#include "formats/elf/elf.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kFixtures[] = "testdata/elf/";
constexpr char kToolchain[] = "../fnseal_toolchain_libraries/shared/";

std::string Fixture(const std::string& name) { return kFixtures + name; }

// The candidates a handler's closure action offers: the toolchain's glibc plus `libraries`.
std::map<std::string, std::string> Candidates(const std::vector<std::string>& libraries) {
  std::map<std::string, std::string> candidates;
  for (const char* soname : {"libc.so.6", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}) {
    const std::string path = kToolchain + std::string(soname);
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
      std::fclose(f);
      candidates[soname] = path;
    }
  }
  for (const std::string& name : libraries) candidates[name] = Fixture(name);
  return candidates;
}

std::vector<std::string> Names(const Closure& closure) {
  std::vector<std::string> names;
  for (const ClosureLibrary& library : closure.libraries) names.push_back(library.name);
  return names;
}

std::string Loader() {
  auto source = OpenRandomAccessFile(Fixture("uses_mid.out"));
  if (!source.ok()) return "";
  auto info = ReadElfInfo(**source);
  return info.ok() ? info->interpreter.substr(info->interpreter.rfind('/') + 1) : "";
}

TEST(ResolveClosure, FollowsNeededLibrariesBreadthFirstAndAddsTheLoader) {
  auto closure = ResolveClosure(Fixture("uses_mid.out"), Candidates({"libmid.so", "libleaf.so"}));
  ASSERT_THAT(closure, IsOk());
  EXPECT_THAT(Names(*closure), ElementsAre("libmid.so", "libc.so.6", Loader(), "libleaf.so"));
  const ClosureLibrary& leaf = closure->libraries[3];
  EXPECT_EQ(leaf.depth, 2u);
  EXPECT_EQ(leaf.needed_by, "libmid.so");
  EXPECT_EQ(leaf.info.soname, "libleaf.so");
  EXPECT_EQ(closure->libraries[0].needed_by, "");
  EXPECT_THAT(closure->executable.runpath, ElementsAre("$ORIGIN/lib", "/opt/lib"));
}

TEST(ResolveClosure, NamesAMissingLibraryAndWhatNeedsIt) {
  auto closure = ResolveClosure(Fixture("uses_mid.out"), Candidates({"libmid.so"}));
  ASSERT_FALSE(closure.ok());
  EXPECT_EQ(closure.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(closure.status().message(), HasSubstr("'libleaf.so', needed by 'libmid.so', is none of the"));
  auto no_libc = ResolveClosure(Fixture("uses_mid.out"), {{"libmid.so", Fixture("libmid.so")}});
  EXPECT_THAT(no_libc.status().message(), HasSubstr("'libc.so.6', needed by the executable"));
}

TEST(ResolveClosure, FollowsACycleOnce) {
  auto closure = ResolveClosure(Fixture("uses_cycle.out"), Candidates({"libcycle_a.so", "libcycle_b.so"}));
  ASSERT_THAT(closure, IsOk());
  EXPECT_THAT(Names(*closure), ElementsAre("libcycle_a.so", "libc.so.6", Loader(), "libcycle_b.so"));
  EXPECT_THAT(closure->executable.rpath, ElementsAre("$ORIGIN/lib"));
  EXPECT_TRUE(closure->executable.runpath.empty());
}

TEST(ResolveClosure, RefusesChainsDeeperThanTheLimit) {
  ClosureLimits limits;
  limits.max_depth = 1;
  auto closure = ResolveClosure(Fixture("uses_mid.out"), Candidates({"libmid.so", "libleaf.so"}), limits);
  ASSERT_FALSE(closure.ok());
  EXPECT_EQ(closure.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(closure.status().message(), HasSubstr("'libleaf.so' is 2 DT_NEEDED links deep, over the limit of 1"));
}

TEST(ResolveClosure, RefusesMoreLibrariesThanTheLimit) {
  ClosureLimits limits;
  limits.max_libraries = 3;
  auto closure = ResolveClosure(Fixture("uses_cycle.out"), Candidates({"libcycle_a.so", "libcycle_b.so"}), limits);
  ASSERT_FALSE(closure.ok());
  EXPECT_EQ(closure.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(closure.status().message(), HasSubstr("more than 3 libraries"));
}

TEST(ResolveClosure, RefusesALibraryOfferedUnderAnotherName) {
  auto candidates = Candidates({"libleaf.so"});
  candidates["libmid.so"] = Fixture("libleaf.so");
  auto closure = ResolveClosure(Fixture("uses_mid.out"), candidates);
  ASSERT_FALSE(closure.ok());
  EXPECT_EQ(closure.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(closure.status().message(), HasSubstr("is offered as 'libmid.so' but its DT_SONAME is 'libleaf.so'"));
}

TEST(ResolveClosure, RefusesACandidateThatIsNotASharedObject) {
  auto candidates = Candidates({"libmid.so"});
  candidates["libleaf.so"] = Fixture("static_hello.out");
  auto closure = ResolveClosure(Fixture("uses_mid.out"), candidates);
  ASSERT_FALSE(closure.ok());
  EXPECT_EQ(closure.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(closure.status().message(), HasSubstr("library 'libleaf.so'"));
  EXPECT_THAT(closure.status().message(), HasSubstr("not a shared object"));
}

TEST(ResolveClosure, RefusesHostileCandidates) {
  auto candidates = Candidates({"libmid.so"});
  candidates["libleaf.so"] = "testdata/hostile/elf-verneed-self-loop.elf";
  auto closure = ResolveClosure(Fixture("uses_mid.out"), candidates);
  ASSERT_FALSE(closure.ok());
  EXPECT_THAT(closure.status().message(), HasSubstr("library 'libleaf.so'"));
}

TEST(ResolveClosure, GivesAStaticExecutableAnEmptyClosure) {
  auto closure = ResolveClosure(Fixture("static_hello.out"), {});
  ASSERT_THAT(closure, IsOk());
  EXPECT_TRUE(closure->libraries.empty());
}

}  // namespace
}  // namespace fnseal
