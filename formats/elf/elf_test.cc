#include "formats/elf/elf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/file.h"
#include "core/io.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

constexpr char kHello[] = "testdata/elf/glibc_only.out";
constexpr char kArc4random[] = "testdata/elf/needs_glibc_2_36.out";
constexpr char kStatic[] = "testdata/elf/static_hello.out";
constexpr char kMinimal[] = "testdata/fuzz/elf_info/minimal-dynamic.elf";

Result<ElfInfo> ReadPath(const std::string& path, const ElfLimits& limits = {}) {
  ASSIGN_OR_RETURN(auto source, OpenRandomAccessFile(path));
  return ReadElfInfo(*source, limits);
}

Result<ElfInfo> ReadBytes(const std::string& bytes, const ElfLimits& limits = {}) {
  auto source = RandomAccessString(bytes);
  return ReadElfInfo(*source, limits);
}

const ElfVersionNeed* FindNeed(const ElfInfo& info, const std::string& version) {
  for (const ElfVersionNeed& need : info.version_needs) {
    if (need.version == version) return &need;
  }
  return nullptr;
}

// The (version, symbol) pairs of undefined versioned symbols as `objdump -T` prints them:
// "0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.34) __libc_start_main".
std::set<std::pair<std::string, std::string>> ObjdumpVersionedImports(const std::string& path) {
  std::set<std::pair<std::string, std::string>> pairs;
  std::string command = "objdump -T '" + path + "' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return pairs;
  char line[4096];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::string text = line;
    if (text.find("*UND*") == std::string::npos) continue;
    size_t open = text.find('(');
    size_t close = text.find(')', open);
    if (open == std::string::npos || close == std::string::npos) continue;
    std::string version = text.substr(open + 1, close - open - 1);
    size_t start = text.find_first_not_of(' ', close + 1);
    size_t end = text.find_first_of(" \n", start);
    pairs.emplace(version, text.substr(start, end - start));
  }
  ::pclose(pipe);
  return pairs;
}

std::set<std::pair<std::string, std::string>> OurVersionedImports(const ElfInfo& info) {
  std::set<std::pair<std::string, std::string>> pairs;
  for (const ElfVersionNeed& need : info.version_needs) {
    for (const std::string& symbol : need.symbols) pairs.emplace(need.version, symbol);
  }
  return pairs;
}

TEST(ElfInfo, ReadsTheExampleHandlerBuiltByTheToolchain) {
  Result<ElfInfo> info = ReadPath(kHello);
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->machine, "x86_64");
  EXPECT_FALSE(info->statically_linked());
  EXPECT_NE(info->interpreter.find("ld-linux"), std::string::npos) << info->interpreter;
  EXPECT_NE(std::find(info->needed.begin(), info->needed.end(), "libc.so.6"), info->needed.end());
  const ElfVersionNeed* start = FindNeed(*info, "GLIBC_2.34");
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->file, "libc.so.6");
  EXPECT_NE(std::find(start->symbols.begin(), start->symbols.end(), "__libc_start_main"), start->symbols.end());
  // Debian 12's toolchain targets glibc 2.36, yet this program needs nothing newer than 2.34.
  for (const ElfVersionNeed& need : info->version_needs) {
    auto version = ParseGlibcVersion(need.version);
    if (version) {
      EXPECT_FALSE((GlibcVersion{2, 34, 0} < *version)) << need.version;
    }
  }
}

TEST(ElfInfo, NamesTheSymbolThatNeedsGlibc236) {
  Result<ElfInfo> info = ReadPath(kArc4random);
  ASSERT_THAT(info, IsOk());
  const ElfVersionNeed* need = FindNeed(*info, "GLIBC_2.36");
  ASSERT_NE(need, nullptr);
  EXPECT_EQ(need->file, "libc.so.6");
  EXPECT_EQ(need->symbols, std::vector<std::string>{"arc4random"});
}

TEST(ElfInfo, RecognizesAStaticExecutable) {
  Result<ElfInfo> info = ReadPath(kStatic);
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->statically_linked());
  EXPECT_TRUE(info->version_needs.empty());
}

TEST(ElfInfo, AgreesWithObjdumpOnRealExecutables) {
  for (const char* path : {kHello, kArc4random}) {
    Result<ElfInfo> info = ReadPath(path);
    ASSERT_THAT(info, IsOk()) << path << ": " << info.status().ToString();
    auto want = ObjdumpVersionedImports(path);
    ASSERT_FALSE(want.empty()) << "objdump -T printed no versioned imports for " << path;
    EXPECT_EQ(OurVersionedImports(*info), want) << path;
  }
}

TEST(ElfInfo, ReadsTheMinimalReference) {
  Result<std::string> bytes = ReadFile(kMinimal);
  ASSERT_THAT(bytes, IsOk());
  Result<ElfInfo> info = ReadBytes(*bytes);
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->interpreter, "/lib64/ld-linux-x86-64.so.2");
  EXPECT_EQ(info->needed, std::vector<std::string>{"libc.so.6"});
  ASSERT_EQ(info->version_needs.size(), 2u);
  EXPECT_EQ(info->version_needs[0].version, "GLIBC_2.2.5");
  EXPECT_EQ(info->version_needs[0].symbols, std::vector<std::string>{"printf"});
  EXPECT_EQ(info->version_needs[1].version, "GLIBC_2.36");
  EXPECT_EQ(info->version_needs[1].symbols, std::vector<std::string>{"arc4random"});
}

TEST(ElfInfo, EveryTruncationIsAnErrorNeverACrash) {
  Result<std::string> bytes = ReadFile(kMinimal);
  ASSERT_THAT(bytes, IsOk());
  for (size_t n = 0; n < bytes->size(); ++n) {
    Result<ElfInfo> info = ReadBytes(bytes->substr(0, n));
    ASSERT_FALSE(info.ok()) << "accepted the first " << n << " bytes";
    StatusCode code = info.status().code();
    EXPECT_TRUE(code == StatusCode::kDataLoss || code == StatusCode::kInvalidArgument) << info.status().ToString();
  }
}

TEST(ElfInfo, EnforcesItsLimits) {
  Result<std::string> bytes = ReadFile(kMinimal);
  ASSERT_THAT(bytes, IsOk());
  struct Case {
    ElfLimits limits;
    const char* fragment;
  };
  ElfLimits file, symbols, records, section;
  file.max_file_size = 100;
  symbols.max_symbols = 2;
  records.max_version_records = 2;
  section.max_section_size = 40;
  for (const Case& c : {Case{file, "over the limit of 100"}, Case{symbols, "3 dynamic symbols"},
                        Case{records, "more than 2 version need records"}, Case{section, "over the limit of 40"}}) {
    Result<ElfInfo> info = ReadBytes(*bytes, c.limits);
    ASSERT_FALSE(info.ok()) << c.fragment;
    EXPECT_EQ(info.status().code(), StatusCode::kResourceExhausted) << info.status().ToString();
    EXPECT_NE(info.status().message().find(c.fragment), std::string::npos) << info.status().ToString();
  }
}

TEST(ElfInfo, RefusesHostileFiles) {
  struct Case {
    const char* name;
    StatusCode code;
    const char* fragment;
  };
  const Case cases[] = {
      {"elf-truncated-header.elf", StatusCode::kDataLoss, "truncated ELF header"},
      {"elf-32bit.elf", StatusCode::kInvalidArgument, "only 64-bit"},
      {"elf-big-endian.elf", StatusCode::kInvalidArgument, "only little-endian"},
      {"elf-section-past-eof.elf", StatusCode::kDataLoss, "runs past the end of the file"},
      {"elf-too-many-sections.elf", StatusCode::kResourceExhausted, "60000 sections"},
      {"elf-verneed-huge-count.elf", StatusCode::kDataLoss, "declares 4294967295 entries"},
      {"elf-verneed-self-loop.elf", StatusCode::kDataLoss, "records overlap"},
      {"elf-verneed-wrap.elf", StatusCode::kDataLoss, "runs past the section"},
      {"elf-verneed-overlap.elf", StatusCode::kDataLoss, "records overlap"},
      {"elf-versym-unknown-index.elf", StatusCode::kDataLoss, "version index 9"},
      {"elf-unterminated-string.elf", StatusCode::kDataLoss, "does not end with a NUL"},
  };
  for (const Case& c : cases) {
    Result<ElfInfo> info = ReadPath(std::string("testdata/hostile/") + c.name);
    ASSERT_FALSE(info.ok()) << c.name;
    EXPECT_EQ(info.status().code(), c.code) << c.name << ": " << info.status().ToString();
    EXPECT_NE(info.status().message().find(c.fragment), std::string::npos)
        << c.name << ": " << info.status().ToString();
  }
}

TEST(ElfInfo, RefusesFilesThatAreNotExecutables) {
  Result<ElfInfo> text = ReadBytes("#!/bin/sh\necho hi\n");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(text.status().message(), "not an ELF file");
  Result<std::string> bytes = ReadFile(kMinimal);
  ASSERT_THAT(bytes, IsOk());
  std::string relocatable = *bytes;
  relocatable[16] = 1;  // ET_REL
  Result<ElfInfo> object = ReadBytes(relocatable);
  ASSERT_FALSE(object.ok());
  EXPECT_NE(object.status().message().find("is not an executable"), std::string::npos);
  std::string arm32 = *bytes;
  arm32[18] = 40;  // EM_ARM
  Result<ElfInfo> arm = ReadBytes(arm32);
  ASSERT_FALSE(arm.ok());
  EXPECT_NE(arm.status().message().find("machine 40 is not supported"), std::string::npos);
}

constexpr char kLeaf[] = "testdata/elf/libleaf.so";
constexpr char kMid[] = "testdata/elf/libmid.so";

Result<ElfInfo> ReadSharedBytes(const std::string& bytes, const ElfLimits& limits = {}) {
  auto source = RandomAccessString(bytes);
  return ReadElfInfo(*source, limits, ElfFileKind::kSharedObject);
}

// The names `objdump -p` lists under "Version definitions:", the base entry (flags 0x01) left out.
std::vector<std::string> ObjdumpVersionDefinitions(const std::string& path) {
  std::vector<std::string> names;
  std::string command = "objdump -p '" + path + "' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return names;
  char line[4096];
  bool in_section = false;
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::string text = line;
    if (text.rfind("Version definitions:", 0) == 0) {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    if (text == "\n" || text.rfind("Version References:", 0) == 0) break;
    char flags[32], hash[32], name[1024];
    int index = 0;
    // "2 0x00 0x0297f860 GLIBCXX_3.4"; parent lines ("\tGLIBCXX_3.4") do not match.
    if (std::sscanf(line, "%d %31s %31s %1023s", &index, flags, hash, name) == 4 && std::string(flags) != "0x01") {
      names.push_back(name);
    }
  }
  ::pclose(pipe);
  return names;
}

// The offset of the section of `type` in an ELF64 file, from its section headers.
size_t SectionOffset(const std::string& bytes, uint32_t type, size_t* header = nullptr) {
  auto le = [&bytes](size_t at, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  const uint64_t shoff = le(40, 8);
  const uint64_t shnum = le(60, 2);
  for (uint64_t i = 0; i < shnum; ++i) {
    const size_t at = shoff + i * 64;
    if (le(at + 4, 4) == type) {
      if (header != nullptr) *header = at;
      return le(at + 24, 8);
    }
  }
  return 0;
}

TEST(ElfSharedObject, ReadsSonameDefinitionsAndNeeds) {
  auto source = OpenRandomAccessFile(kMid);
  ASSERT_THAT(source, IsOk());
  auto mid = ReadElfInfo(**source, {}, ElfFileKind::kSharedObject);
  ASSERT_THAT(mid, IsOk());
  EXPECT_EQ(mid->soname, "libmid.so");
  EXPECT_EQ(mid->needed, (std::vector<std::string>{"libleaf.so"}));
  const ElfVersionNeed* leaf_need = FindNeed(*mid, "LEAF_2.0");
  ASSERT_NE(leaf_need, nullptr);
  EXPECT_EQ(leaf_need->file, "libleaf.so");
  EXPECT_EQ(leaf_need->symbols, std::vector<std::string>{"leaf"});

  auto leaf_source = OpenRandomAccessFile(kLeaf);
  ASSERT_THAT(leaf_source, IsOk());
  auto leaf = ReadElfInfo(**leaf_source, {}, ElfFileKind::kSharedObject);
  ASSERT_THAT(leaf, IsOk());
  EXPECT_EQ(leaf->version_definitions, (std::vector<std::string>{"LEAF_1.0", "LEAF_2.0"}));
  EXPECT_EQ(leaf->version_definitions, ObjdumpVersionDefinitions(kLeaf));
}

TEST(ElfSharedObject, AgreesWithObjdumpOnTheToolchainsLibraries) {
  for (const char* name : {"libstdc++.so.6", "libgcc_s.so.1", "libc.so.6"}) {
    const std::string path = std::string("../fnseal_toolchain_libraries/shared/") + name;
    auto source = OpenRandomAccessFile(path);
    ASSERT_THAT(source, IsOk()) << path;
    auto info = ReadElfInfo(**source, {}, ElfFileKind::kSharedObject);
    ASSERT_THAT(info, IsOk()) << name << ": " << info.status().ToString();
    EXPECT_EQ(info->soname, name);
    std::vector<std::string> expected = ObjdumpVersionDefinitions(path);
    ASSERT_FALSE(expected.empty()) << name;
    EXPECT_EQ(info->version_definitions, expected) << name;
  }
}

TEST(ElfSharedObject, EachKindRefusesTheOther) {
  auto leaf = ReadPath(kLeaf);
  ASSERT_FALSE(leaf.ok());
  EXPECT_THAT(leaf.status().message(), ::testing::HasSubstr("shared library, not an executable"));
  auto source = OpenRandomAccessFile(kStatic);
  ASSERT_THAT(source, IsOk());
  auto executable = ReadElfInfo(**source, {}, ElfFileKind::kSharedObject);
  ASSERT_FALSE(executable.ok());
  EXPECT_EQ(executable.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(executable.status().message(), ::testing::HasSubstr("not a shared object"));
}

TEST(ElfSharedObject, RefusesHostileVersionDefinitions) {
  Result<std::string> bytes = ReadFile(kLeaf);
  ASSERT_THAT(bytes, IsOk());
  size_t header = 0;
  const size_t verdef = SectionOffset(*bytes, 0x6ffffffd, &header);
  ASSERT_NE(verdef, 0u);
  struct Case {
    size_t at;  // offset of the field, from the first Verdef (or, for sh_info, the section header)
    std::string value;
    const char* fragment;
  };
  const Case cases[] = {
      {verdef + 16, std::string("\x04\0\0\0", 4), "links to an overlapping entry"},  // vd_next 4
      {verdef + 6, std::string("\0\0", 2), "has no name"},                            // vd_cnt 0
      {verdef + 8, std::string("\x01\x02\x03\x04", 4), "wrong hash"},               // vd_hash
      {verdef + 12, std::string("\x04\0\0\0", 4), "inside the entry"},              // vd_aux 4
      {verdef + 12, std::string("\xf0\xff\xff\xff", 4), "past the section"},        // vd_aux past the end
      {verdef + 4, std::string("\0\0", 2), "index 0"},                                // vd_ndx 0
      {header + 44, std::string("\xff\xff\xff\xff", 4), "declares 4294967295 entries"},  // sh_info
  };
  for (const Case& c : cases) {
    std::string hostile = *bytes;
    hostile.replace(c.at, c.value.size(), c.value);
    auto info = ReadSharedBytes(hostile);
    ASSERT_FALSE(info.ok()) << c.fragment;
    EXPECT_EQ(info.status().code(), StatusCode::kDataLoss) << info.status().ToString();
    EXPECT_THAT(info.status().message(), ::testing::HasSubstr(c.fragment));
  }
  ElfLimits records;
  records.max_version_records = 2;
  auto limited = ReadSharedBytes(*bytes, records);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
}

TEST(ElfSharedObject, EveryTruncationIsAnErrorNeverACrash) {
  Result<std::string> bytes = ReadFile(kLeaf);
  ASSERT_THAT(bytes, IsOk());
  for (size_t n = 0; n < bytes->size(); n += 7) {
    Result<ElfInfo> info = ReadSharedBytes(bytes->substr(0, n));
    ASSERT_FALSE(info.ok()) << "accepted the first " << n << " bytes";
  }
}

TEST(GlibcVersion, ParsesGlibcVersionNamesOnly) {
  auto v = ParseGlibcVersion("GLIBC_2.2.5");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major, 2u);
  EXPECT_EQ(v->minor, 2u);
  EXPECT_EQ(v->patch, 5u);
  EXPECT_EQ(v->ToString(), "GLIBC_2.2.5");
  EXPECT_EQ(ParseGlibcVersion("GLIBC_2.34")->ToString(), "GLIBC_2.34");
  EXPECT_TRUE(*ParseGlibcVersion("GLIBC_2.4") < *ParseGlibcVersion("GLIBC_2.34"));
  EXPECT_TRUE(*ParseGlibcVersion("GLIBC_2.34") < *ParseGlibcVersion("GLIBC_2.36"));
  EXPECT_FALSE(*ParseGlibcVersion("GLIBC_2.34") < *ParseGlibcVersion("GLIBC_2.3.4"));
  for (const char* bad : {"GLIBC_PRIVATE", "GLIBCXX_3.4", "GLIBC_2", "GLIBC_2.", "GLIBC_.2", "GLIBC_2.3.4.5",
                          "GLIBC_99999.1", "GLIBC_2.34x", "glibc_2.34", ""}) {
    EXPECT_FALSE(ParseGlibcVersion(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace fnseal
