#include "formats/entry/archive_path.h"

#include <string>

#include <gtest/gtest.h>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

void ExpectRejected(std::string_view path, const std::string& fragment, bool allow_trailing_slash = false) {
  Status s = ValidateArchivePath(path, allow_trailing_slash);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << "path '" << path << "': " << s.ToString();
  EXPECT_NE(s.message().find(fragment), std::string::npos) << "path '" << path << "': " << s.ToString();
}

TEST(ArchivePath, AcceptsSimpleRelativePaths) {
  for (const char* path : {"a", "a/b", "bin/handler", "lib/python3.12/site-packages/x.py", ".hidden", "a/..b", "a/b..",
                           "...", "dir/.env", "with space/and-dash_underscore", "caf\xc3\xa9"}) {
    Status s = ValidateArchivePath(path);
    EXPECT_THAT(s, IsOk()) << "path '" << path << "': " << s.ToString();
  }
}

TEST(ArchivePath, AcceptsATrailingSlashOnlyWhenAllowed) {
  EXPECT_THAT(ValidateArchivePath("dir/", /*allow_trailing_slash=*/true), IsOk());
  EXPECT_THAT(ValidateArchivePath("a/b/", /*allow_trailing_slash=*/true), IsOk());
  ExpectRejected("dir/", "has an empty path component");
}

TEST(ArchivePath, RejectsAnEmptyPath) {
  ExpectRejected("", "archive entry has an empty path");
  ExpectRejected("", "archive entry has an empty path", /*allow_trailing_slash=*/true);
}

TEST(ArchivePath, RejectsAbsolutePaths) {
  ExpectRejected("/etc/passwd", "archive entry '/etc/passwd' is an absolute path");
  ExpectRejected("/", "is an absolute path", /*allow_trailing_slash=*/true);
  ExpectRejected("//x", "is an absolute path");
}

TEST(ArchivePath, RejectsParentComponentsAnywhere) {
  ExpectRejected("..", "escapes the destination");
  ExpectRejected("../x", "archive entry '../x' escapes the destination");
  ExpectRejected("a/../../x", "escapes the destination");
  ExpectRejected("a/..", "escapes the destination");
  ExpectRejected("a/../", "escapes the destination", /*allow_trailing_slash=*/true);
}

TEST(ArchivePath, RejectsDotComponents) {
  ExpectRejected(".", "has a '.' path component");
  ExpectRejected("./a", "has a '.' path component");
  ExpectRejected("a/./b", "has a '.' path component");
  ExpectRejected("a/.", "has a '.' path component");
}

TEST(ArchivePath, RejectsEmptyComponents) {
  ExpectRejected("a//b", "has an empty path component");
  ExpectRejected("a/", "has an empty path component");
  ExpectRejected("a//", "has an empty path component", /*allow_trailing_slash=*/true);
}

TEST(ArchivePath, RejectsBackslashes) {
  ExpectRejected("a\\b", "contains a backslash");
  ExpectRejected("..\\x", "contains a backslash");
}

TEST(ArchivePath, RejectsControlCharacters) {
  ExpectRejected("a\nb", "contains a control character");
  ExpectRejected("a\tb", "contains a control character");
  ExpectRejected("a\x7f", "contains a control character");
  ExpectRejected(std::string_view("a\0b", 3), "contains a control character");
}

TEST(ArchivePath, AcceptsPathsUpToTheLengthLimit) {
  std::string path(kMaxArchivePathLength, 'a');
  for (size_t i = 100; i < path.size(); i += 100) path[i] = '/';
  EXPECT_THAT(ValidateArchivePath(path), IsOk());
}

TEST(ArchivePath, RejectsPathsOverTheLengthLimit) {
  std::string path(kMaxArchivePathLength + 1, 'a');
  ExpectRejected(path, "is longer than 4096 bytes");
  // The message shows only the start of the path.
  Status s = ValidateArchivePath(path);
  EXPECT_LT(s.message().size(), 300u);
}

TEST(ArchivePath, RejectsInvalidUtf8) {
  for (std::string bad : {std::string("a\xff"), std::string("\xc0\xaf"), std::string("x/\xed\xa0\x80"),
                          std::string("\xe2\x82"), std::string("\xf4\x90\x80\x80")}) {
    ExpectRejected(bad, "not valid UTF-8");
  }
}

TEST(ArchivePath, AcceptsMultibyteUtf8) {
  EXPECT_THAT(ValidateArchivePath("données/été.txt"), IsOk());
  EXPECT_THAT(ValidateArchivePath("emoji/\xf0\x9f\x98\x80"), IsOk());
}


}  // namespace
}  // namespace fnseal
