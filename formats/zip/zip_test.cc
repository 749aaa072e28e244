#include "formats/zip/zip.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "core/file.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::HasSubstr;

std::vector<ArchiveInput> SampleInputs() {
  std::vector<ArchiveInput> inputs(4);
  inputs[0].path = "bootstrap";
  inputs[0].content = "#!/bin/sh\necho hello\n";
  inputs[0].executable = true;
  inputs[1].path = "data/greeting.txt";
  inputs[1].content = std::string(5000, 'h');
  inputs[2].path = "data/empty";
  inputs[3].path = "lib/deep/tree/random.bin";
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) inputs[3].content.push_back(static_cast<char>(rng()));
  return inputs;
}

std::string Zip(const std::vector<ArchiveInput>& inputs, ZipOptions options = {}) {
  StringSink sink;
  Status s = WriteZip(inputs, &sink, options);
  EXPECT_THAT(s, IsOk());
  return sink.Release();
}

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) out.append(buffer, n);
  int status = ::pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

Result<std::unique_ptr<ZipReader>> Open(const std::string& data, ZipLimits limits = {}) {
  static std::vector<std::unique_ptr<RandomAccessSource>> keep;  // sources outlive readers in tests
  keep.push_back(RandomAccessString(data));
  return ZipReader::Open(keep.back().get(), limits);
}

void ExpectRejected(const std::string& data, StatusCode code, const std::string& fragment, ZipLimits limits = {}) {
  auto reader = Open(data, limits);
  ASSERT_FALSE(reader.ok()) << "accepted a hostile zip";
  EXPECT_EQ(reader.status().code(), code) << reader.status().ToString();
  EXPECT_THAT(reader.status().message(), HasSubstr(fragment));
}

// Replaces every occurrence of `from` with `to` (same length) in `data`.
std::string Patch(std::string data, const std::string& from, const std::string& to) {
  EXPECT_EQ(from.size(), to.size());
  size_t count = 0;
  for (size_t pos = data.find(from); pos != std::string::npos; pos = data.find(from, pos + 1)) {
    data.replace(pos, to.size(), to);
    ++count;
  }
  EXPECT_GT(count, 0u) << "pattern not found";
  return data;
}

size_t CentralOffset(const std::string& zip) {
  const auto* e = reinterpret_cast<const unsigned char*>(zip.data() + zip.size() - 22);
  return e[16] | (e[17] << 8) | (e[18] << 16) | (static_cast<size_t>(e[19]) << 24);
}

TEST(ZipWriter, RoundTripsThroughTheStrictReader) {
  std::string zip = Zip(SampleInputs());
  auto reader = Open(zip);
  ASSERT_THAT(reader, IsOk());
  std::vector<std::string> names;
  for (const ZipEntryInfo& e : (*reader)->entries()) names.push_back(e.path + (e.is_directory ? "/" : ""));
  EXPECT_THAT(names, ::testing::ElementsAre("bootstrap", "data/", "data/empty", "data/greeting.txt", "lib/",
                                            "lib/deep/", "lib/deep/tree/", "lib/deep/tree/random.bin"));
  const auto& entries = (*reader)->entries();
  EXPECT_EQ(entries[0].mode, 0755u);
  EXPECT_TRUE(entries[0].executable);
  EXPECT_EQ(entries[3].mode, 0644u);
  EXPECT_TRUE(entries[3].deflated);
  EXPECT_FALSE(entries[2].deflated);  // empty files are stored
  StringSink content;
  ASSERT_THAT((*reader)->Extract(3, &content), IsOk());
  EXPECT_EQ(content.data(), std::string(5000, 'h'));
  StringSink random;
  ASSERT_THAT((*reader)->Extract(7, &random), IsOk());
  EXPECT_EQ(random.data(), SampleInputs()[3].content);
}

TEST(ZipWriter, OutputDoesNotDependOnInputOrder) {
  std::vector<ArchiveInput> inputs = SampleInputs();
  const std::string reference = Zip(inputs);
  std::mt19937 rng(1);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(inputs.begin(), inputs.end(), rng);
    EXPECT_EQ(Zip(inputs), reference);
  }
}

TEST(ZipWriter, StreamsFilesFromDiskWithTheSameBytes) {
  std::vector<ArchiveInput> inputs = SampleInputs();
  std::string path = test::TestTempPath("random.bin");
  ASSERT_THAT(WriteFileAtomic(path, inputs[3].content), IsOk());
  std::vector<ArchiveInput> from_disk = inputs;
  from_disk[3].content.clear();
  from_disk[3].source_path = path;
  EXPECT_EQ(Zip(from_disk), Zip(inputs));
}

TEST(ZipWriter, StoredOptionStoresEverything) {
  auto reader = Open(Zip(SampleInputs(), ZipOptions{/*deflate=*/false, 6}));
  ASSERT_THAT(reader, IsOk());
  for (const ZipEntryInfo& e : (*reader)->entries()) EXPECT_FALSE(e.deflated) << e.path;
}

TEST(ZipWriter, RefusesABadLevel) {
  StringSink sink;
  Status s = WriteZip(SampleInputs(), &sink, ZipOptions{true, 10});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("outside 1..9"));
}

TEST(ZipWriter, UnzipAndZipinfoAcceptTheOutputWithTheIntendedModes) {
  std::string path = test::TestTempPath("sample.zip");
  ASSERT_THAT(WriteFileAtomic(path, Zip(SampleInputs())), IsOk());
  int rc = 0;
  std::string test = RunCommand("unzip -t '" + path + "'", &rc);
  EXPECT_EQ(rc, 0) << test;
  EXPECT_THAT(test, HasSubstr("No errors detected"));
  std::string info = RunCommand("zipinfo '" + path + "'", &rc);
  EXPECT_EQ(rc, 0) << info;
  EXPECT_THAT(info, HasSubstr("-rwxr-xr-x"));
  EXPECT_THAT(info, HasSubstr("bootstrap"));
  EXPECT_THAT(info, HasSubstr("-rw-r--r--"));
  EXPECT_THAT(info, HasSubstr("drwxr-xr-x"));
  EXPECT_THAT(info, HasSubstr("80-Jan-01 00:00"));
  EXPECT_THAT(info, ::testing::Not(HasSubstr("extra")));
  std::string bsdtar = RunCommand("bsdtar -tvf '" + path + "'", &rc);
  EXPECT_EQ(rc, 0) << bsdtar;
  EXPECT_THAT(bsdtar, HasSubstr("lib/deep/tree/random.bin"));
}

TEST(ZipWriter, UsesZip64WhenTheEntryCountNeedsIt) {
  std::vector<ArchiveInput> inputs(70000);
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i].path = "f/" + std::to_string(i);
  std::string zip = Zip(inputs);
  auto reader = Open(zip);
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ((*reader)->entries().size(), 70001u);
  std::string path = test::TestTempPath("many.zip");
  ASSERT_THAT(WriteFileAtomic(path, zip), IsOk());
  int rc = 0;
  std::string out = RunCommand("unzip -tqq '" + path + "'", &rc);
  EXPECT_EQ(rc, 0) << out.substr(0, 500);
}

TEST(ZipReader, RejectsTrailingData) {
  ExpectRejected(Zip(SampleInputs()) + "x", StatusCode::kDataLoss, "not at the end of the file");
}

TEST(ZipReader, RejectsAnArchiveComment) {
  std::string zip = Zip(SampleInputs()) + "hi";
  zip[zip.size() - 4] = 2;  // comment length 2: the end record is no longer the last 22 bytes
  ExpectRejected(zip, StatusCode::kDataLoss, "trailing data or a comment");
}

TEST(ZipReader, RejectsPathTraversal) {
  std::vector<ArchiveInput> inputs(1);
  inputs[0].path = "aa/evil";
  inputs[0].content = "x";
  ExpectRejected(Patch(Zip(inputs), "aa/", "../"), StatusCode::kInvalidArgument, "escapes the destination");
}

TEST(ZipReader, RejectsAbsolutePaths) {
  std::vector<ArchiveInput> inputs(1);
  inputs[0].path = "xetc/passwd";
  inputs[0].content = "x";
  std::string zip = Patch(Zip(inputs), "xetc/passwd", "/etc/passwd");
  ExpectRejected(zip, StatusCode::kInvalidArgument, "absolute path");
}

TEST(ZipReader, RejectsDuplicateNames) {
  std::vector<ArchiveInput> inputs(2);
  inputs[0].path = "a";
  inputs[0].content = "1";
  inputs[1].path = "b";
  inputs[1].content = "2";
  std::string zip = Zip(inputs, ZipOptions{/*deflate=*/false, 6});
  // Rename "b" to "a" in both headers (the names are the only single "b" bytes after a NUL-free header).
  size_t central = CentralOffset(zip);
  size_t local_b = zip.find("b2");  // stored "b" entry name followed by its content
  ASSERT_NE(local_b, std::string::npos);
  zip[local_b] = 'a';
  size_t central_b = zip.rfind('b');
  ASSERT_GT(central_b, central);
  zip[central_b] = 'a';
  ExpectRejected(zip, StatusCode::kInvalidArgument, "appears twice");
}

TEST(ZipReader, RejectsSymlinks) {
  std::string zip = Zip(SampleInputs());
  // Central external attributes of "bootstrap": S_IFREG|0755 -> S_IFLNK|0777.
  size_t central = CentralOffset(zip);
  size_t name = zip.find("bootstrap", central);
  ASSERT_NE(name, std::string::npos);
  size_t attributes = name - 46 + 38;
  uint32_t link = (0120777u << 16);
  for (int i = 0; i < 4; ++i) zip[attributes + i] = static_cast<char>((link >> (8 * i)) & 0xff);
  ExpectRejected(zip, StatusCode::kInvalidArgument, "is a symbolic link");
}

TEST(ZipReader, RejectsLocalAndCentralHeadersThatDisagree) {
  std::string zip = Zip(SampleInputs());
  zip[14] ^= 1;  // CRC in the first local header
  ExpectRejected(zip, StatusCode::kDataLoss, "local and central headers disagree");
}

TEST(ZipReader, RejectsDataDescriptorsAndEncryption) {
  std::string zip = Zip(SampleInputs());
  size_t central = CentralOffset(zip);
  std::string with_descriptor = zip;
  with_descriptor[central + 8] |= 0x08;
  ExpectRejected(with_descriptor, StatusCode::kInvalidArgument, "uses a data descriptor");
  std::string encrypted = zip;
  encrypted[central + 8] |= 0x01;
  ExpectRejected(encrypted, StatusCode::kInvalidArgument, "is encrypted");
}

TEST(ZipReader, RejectsACorruptedContentByItsCrc) {
  ZipOptions stored{false, 6};
  std::string zip = Zip(SampleInputs(), stored);
  size_t content = zip.find(std::string(100, 'h'));
  ASSERT_NE(content, std::string::npos);
  zip[content + 50] = 'i';
  auto reader = Open(zip);
  ASSERT_THAT(reader, IsOk());
  StringSink sink;
  Status s = (*reader)->Extract(3, &sink);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("fails its CRC check"));
}

TEST(ZipReader, RejectsHiddenDataBetweenEntries) {
  std::vector<ArchiveInput> inputs(1);
  inputs[0].path = "a";
  inputs[0].content = "x";
  std::string zip = Zip(inputs);
  // Insert junk before the central directory and shift its offset.
  size_t central = CentralOffset(zip);
  zip.insert(central, "JUNK");
  size_t end = zip.size() - 22;
  uint32_t moved = static_cast<uint32_t>(central + 4);
  for (int i = 0; i < 4; ++i) zip[end + 16 + i] = static_cast<char>((moved >> (8 * i)) & 0xff);
  ExpectRejected(zip, StatusCode::kDataLoss, "data before its central directory");
}

TEST(ZipReader, RejectsUnknownExtraFields) {
  std::vector<ArchiveInput> inputs(1);
  inputs[0].path = "abcdefgh";
  inputs[0].content = "x";
  std::string zip = Zip(inputs);
  // Turn the last 4 name bytes of the central entry into an empty 0x5455 extra field.
  size_t central = CentralOffset(zip);
  zip[central + 28] = 4;   // name length 4
  zip[central + 30] = 4;   // extra length 4
  zip[central + 46 + 4] = 0x55;
  zip[central + 46 + 5] = 0x54;
  zip[central + 46 + 6] = 0;
  zip[central + 46 + 7] = 0;
  ExpectRejected(zip, StatusCode::kInvalidArgument, "extra field 0x5455");
}

TEST(ZipReader, EnforcesEntryCountAndRatioLimits) {
  ZipLimits few;
  few.max_entries = 3;
  ExpectRejected(Zip(SampleInputs()), StatusCode::kResourceExhausted, "more than the limit of 3", few);
  std::vector<ArchiveInput> bomb(1);
  bomb[0].path = "zeros";
  bomb[0].content = std::string(10 << 20, '\0');
  ZipLimits ratio;
  ratio.max_ratio = 100;
  ExpectRejected(Zip(bomb), StatusCode::kResourceExhausted, "expands more than 100 times", ratio);
}

TEST(ZipReader, RejectsTruncation) {
  std::string zip = Zip(SampleInputs());
  for (size_t keep : {size_t{0}, size_t{21}, zip.size() / 2, zip.size() - 1}) {
    auto reader = Open(zip.substr(0, keep));
    EXPECT_FALSE(reader.ok()) << keep;
    EXPECT_EQ(reader.status().code(), StatusCode::kDataLoss) << keep << ": " << reader.status().ToString();
  }
}

}  // namespace
}  // namespace fnseal
