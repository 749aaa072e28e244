#include "formats/diff/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/io.h"
#include "formats/tar/tar.h"
#include "formats/zip/zip.h"
#include "formats/zstd/zstd.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

namespace fnseal {

// So that a failing expectation shows the differences.
void PrintTo(const ArchiveDifference& d, std::ostream* os) {
  *os << "{" << d.kind << " " << d.path << ": '" << d.a << "' / '" << d.b << "'}";
}

namespace {

using ::fnseal::test::IsOk;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

ArchiveInput File(const std::string& path, const std::string& content, bool executable = false) {
  ArchiveInput input;
  input.path = path;
  input.content = content;
  input.executable = executable;
  return input;
}

std::string Tar(const std::vector<ArchiveInput>& inputs, int64_t mtime = kDefaultArchiveMtime) {
  Result<TarPlan> plan = PlanTar(inputs, mtime);
  EXPECT_THAT(plan, IsOk());
  StringSink tar;
  EXPECT_THAT(WriteTar(*plan, &tar), IsOk());
  return tar.data();
}

auto Is(const std::string& path, const std::string& kind) {
  return AllOf(Field(&ArchiveDifference::path, path), Field(&ArchiveDifference::kind, kind));
}

class CompareArchivesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::FreshTestDir();
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    EXPECT_THAT(WriteFileAtomic(dir_ + "/" + name, bytes), IsOk());
    return dir_ + "/" + name;
  }

  Result<ArchiveComparison> Compare(const std::string& a, const std::string& b) {
    return CompareArchives(a, b, dir_ + "/scratch");
  }

  std::string dir_;
};

TEST_F(CompareArchivesTest, IdenticalFilesHaveNoDifferences) {
  const std::string bytes = Tar({File("a.txt", "a\n")});
  Result<ArchiveComparison> got = Compare(Write("a.tar", bytes), Write("b.tar", bytes));
  ASSERT_THAT(got, IsOk());
  EXPECT_TRUE(got->identical());
  EXPECT_EQ(got->a_sha256, got->b_sha256);
  EXPECT_FALSE(PathExists(dir_ + "/scratch"));
}

TEST_F(CompareArchivesTest, NamesEntriesOnlyInOneAndChangedContent) {
  Result<ArchiveComparison> got =
      Compare(Write("a.tar", Tar({File("both.txt", "one\n"), File("gone.txt", "x")})),
              Write("b.tar", Tar({File("both.txt", "two\n"), File("new.txt", "y")})));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->differences,
              ElementsAre(Is("both.txt", "content"), Is("gone.txt", "only-in-a"), Is("new.txt", "only-in-b")));
  EXPECT_THAT(got->differences[0].a, ::testing::EndsWith("(4 bytes)"));
  EXPECT_THAT(got->differences[1].b, IsEmpty());
}

TEST_F(CompareArchivesTest, NamesModeAndMtimeDifferences) {
  Result<ArchiveComparison> got = Compare(Write("a.tar", Tar({File("run", "x", true)})),
                                          Write("b.tar", Tar({File("run", "x", false)}, 1)));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->differences, ElementsAre(Is("run", "mode"), Is("run", "mtime")));
  EXPECT_EQ(got->differences[0].a, "0755");
  EXPECT_EQ(got->differences[0].b, "0644");
  EXPECT_EQ(got->differences[1].b, "1");
}

TEST_F(CompareArchivesTest, NamesAnotherFormatAndAnotherEncoding) {
  const std::vector<ArchiveInput> inputs = {File("a.txt", std::string(4096, 'a'))};
  StringSink zip;
  ASSERT_THAT(WriteZip(inputs, &zip), IsOk());
  Result<ArchiveComparison> formats = Compare(Write("a.tar", Tar(inputs)), Write("a.zip", zip.data()));
  ASSERT_THAT(formats, IsOk());
  // The zip's entries carry their own mtime, a difference of its own.
  EXPECT_THAT(formats->differences, ::testing::Contains(Is(".", "format")));

  ZstdOptions fast;
  fast.level = 1;
  ZstdOptions small;
  small.level = 19;
  Result<std::string> a = ZstdCompress(Tar(inputs), fast);
  Result<std::string> b = ZstdCompress(Tar(inputs), small);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_NE(*a, *b);
  Result<ArchiveComparison> encodings = Compare(Write("a.tar.zst", *a), Write("b.tar.zst", *b));
  ASSERT_THAT(encodings, IsOk());
  EXPECT_THAT(encodings->differences, ElementsAre(Is(".", "encoding")));
}

TEST_F(CompareArchivesTest, DescendsIntoANestedArchive) {
  Result<ArchiveComparison> got =
      Compare(Write("a.tar", Tar({File("artifacts/fn.tar", Tar({File("bootstrap", "1")}))})),
              Write("b.tar", Tar({File("artifacts/fn.tar", Tar({File("bootstrap", "2")}))})));
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->differences, ElementsAre(Is("artifacts/fn.tar!/bootstrap", "content")));
}

TEST_F(CompareArchivesTest, RefusesWhatIsNotAnArchive) {
  EXPECT_FALSE(Compare(Write("a.txt", "plain text\n"), Write("b.txt", "other text\n")).ok());
}

TEST(ArchiveComparisonJson, HoldsThePathsAndEveryDifference) {
  ArchiveComparison comparison;
  comparison.a = "a.tar";
  comparison.b = "b.tar";
  comparison.differences.push_back({"x", "only-in-a", std::string(64, '0'), ""});
  EXPECT_EQ(ToJson(comparison), Json::parse(R"({"a": "a.tar", "b": "b.tar", "identical": false, "differences": [
    {"path": "x", "kind": "only-in-a", "a": "0000000000000000000000000000000000000000000000000000000000000000", "b": ""}]})"));
  EXPECT_EQ(ExplainDifference("content"), "content differs");
  EXPECT_EQ(ExplainDifference("encoding"), "same entries, different bytes (headers, padding or compression)");
}

}  // namespace
}  // namespace fnseal
