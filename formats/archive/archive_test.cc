#include "formats/archive/archive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>

#include "core/file.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::HasSubstr;

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::FreshTestDir();
    inputs_.resize(3);
    inputs_[0].path = "bootstrap";
    inputs_[0].content = "#!/bin/sh\n";
    inputs_[0].executable = true;
    inputs_[1].path = "data/a.txt";
    inputs_[1].content = "alpha";
    inputs_[2].path = "data/deeper/b.txt";
    inputs_[2].content = std::string(70000, 'b');
  }

  std::string WriteArchive(const std::string& name, ArchiveFormat format) {
    std::string path = dir_ + "/" + name;
    StringSink sink;
    if (format == ArchiveFormat::kZip) {
      EXPECT_THAT(WriteZip(inputs_, &sink), IsOk());
    } else {
      auto plan = PlanTar(inputs_);
      EXPECT_THAT(plan, IsOk());
      EXPECT_THAT(WriteTar(*plan, &sink), IsOk());
    }
    std::string bytes = sink.Release();
    if (format == ArchiveFormat::kTarZstd) bytes = *ZstdCompress(bytes);
    EXPECT_THAT(WriteFileAtomic(path, bytes), IsOk());
    return path;
  }

  // Names in the test directory other than the archives themselves.
  std::vector<std::string> Leftovers() {
    std::vector<std::string> names;
    FILE* ls = ::popen(("ls -A '" + dir_ + "'").c_str(), "r");
    char line[4096];
    while (std::fgets(line, sizeof(line), ls)) {
      std::string name(line);
      name.pop_back();
      if (name.find(".tar") == std::string::npos && name.find(".zip") == std::string::npos) names.push_back(name);
    }
    ::pclose(ls);
    return names;
  }

  std::string dir_;
  std::vector<ArchiveInput> inputs_;
};

TEST_F(ArchiveTest, DetectsEachFormat) {
  EXPECT_EQ(*DetectArchiveFormat(WriteArchive("a.tar", ArchiveFormat::kTar)), ArchiveFormat::kTar);
  EXPECT_EQ(*DetectArchiveFormat(WriteArchive("a.tar.zst", ArchiveFormat::kTarZstd)), ArchiveFormat::kTarZstd);
  EXPECT_EQ(*DetectArchiveFormat(WriteArchive("a.zip", ArchiveFormat::kZip)), ArchiveFormat::kZip);
  EXPECT_EQ(DetectArchiveFormat(dir_ + "/none").status().code(), StatusCode::kNotFound);
}

TEST_F(ArchiveTest, WalksTheSameEntriesInEveryFormat) {
  std::vector<std::string> reference;
  for (auto [name, format] : {std::pair{"w.tar", ArchiveFormat::kTar}, std::pair{"w.tar.zst", ArchiveFormat::kTarZstd},
                              std::pair{"w.zip", ArchiveFormat::kZip}}) {
    std::vector<std::string> seen;
    Status s = ForEachArchiveEntry(WriteArchive(name, format), [&](const ArchiveEntry& e, const ContentReader& read) {
      StringSink sink;
      RETURN_IF_ERROR(read(&sink));
      seen.push_back(e.path + (e.is_directory ? "/" : "") + " " + std::to_string(e.mode) + " " +
                     std::to_string(sink.data().size()));
      return OkStatus();
    });
    ASSERT_THAT(s, IsOk());
    if (reference.empty()) reference = seen;
    EXPECT_EQ(seen, reference) << name;
  }
  EXPECT_EQ(reference.size(), 5u);
}

TEST_F(ArchiveTest, ExtractsEveryFormatWithModes) {
  for (auto [name, format] : {std::pair{"x.tar", ArchiveFormat::kTar}, std::pair{"x.tar.zst", ArchiveFormat::kTarZstd},
                              std::pair{"x.zip", ArchiveFormat::kZip}}) {
    std::string dest = dir_ + "/out-" + std::to_string(static_cast<int>(format));
    Status s = ExtractArchive(WriteArchive(name, format), dest);
    ASSERT_THAT(s, IsOk());
    EXPECT_EQ(*ReadFile(dest + "/data/deeper/b.txt"), std::string(70000, 'b'));
    EXPECT_EQ(*ReadFile(dest + "/data/a.txt"), "alpha");
    struct stat st;
    ASSERT_EQ(::stat((dest + "/bootstrap").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0755u) << name;
    ASSERT_EQ(::stat((dest + "/data/a.txt").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u) << name;
  }
}

TEST_F(ArchiveTest, RefusesAnExistingDestination) {
  std::string archive = WriteArchive("e.tar", ArchiveFormat::kTar);
  ASSERT_EQ(::mkdir((dir_ + "/taken").c_str(), 0755), 0);
  Status s = ExtractArchive(archive, dir_ + "/taken");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(s.message(), HasSubstr("already exists"));
}

TEST_F(ArchiveTest, LeavesNothingBehindWhenAHostileEntryComesLate) {
  // A valid entry first, so the failure happens after something was written.
  std::string good = WriteArchive("good.tar", ArchiveFormat::kTar);
  std::string bytes = *ReadFile(good);
  std::string hostile = *ReadFile("testdata/hostile/tar-path-traversal.tar");
  std::string combined = bytes.substr(0, bytes.size() - 1024) + hostile;
  ASSERT_THAT(WriteFileAtomic(dir_ + "/late.tar", combined), IsOk());
  Status s = ExtractArchive(dir_ + "/late.tar", dir_ + "/dest");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr("escapes the destination"));
  EXPECT_THAT(Leftovers(), ::testing::IsEmpty());
  EXPECT_FALSE(PathExists(dir_ + "/../x"));
}

TEST_F(ArchiveTest, LeavesNothingBehindOnATruncatedArchive) {
  std::string bytes = *ReadFile(WriteArchive("t.tar", ArchiveFormat::kTar));
  ASSERT_THAT(WriteFileAtomic(dir_ + "/cut.tar", bytes.substr(0, bytes.size() - 5000)), IsOk());
  Status s = ExtractArchive(dir_ + "/cut.tar", dir_ + "/dest");
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_THAT(Leftovers(), ::testing::IsEmpty());
}

TEST_F(ArchiveTest, RejectsEveryHostileTarFromTheCorpus) {
  for (const char* name : {"tar-path-traversal.tar", "tar-absolute-path.tar", "tar-symlink.tar", "tar-hardlink.tar",
                           "tar-device.tar", "tar-duplicate-name.tar", "tar-file-then-child.tar",
                           "tar-child-then-file.tar", "tar-pax-path-traversal.tar"}) {
    Status s = ExtractArchive(std::string("testdata/hostile/") + name, dir_ + "/dest");
    EXPECT_FALSE(s.ok()) << name;
    EXPECT_THAT(Leftovers(), ::testing::IsEmpty()) << name;
  }
}

}  // namespace
}  // namespace fnseal
