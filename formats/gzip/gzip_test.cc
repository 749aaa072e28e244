#include "formats/gzip/gzip.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

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

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(rng() % 7));  // compressible
  return s;
}

// Decodes with zlib's own gzip decoder (window bits 15 + 16), independent of our writer.
std::string ZlibGunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buffer[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof(buffer);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - z.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(z.avail_in, 0u) << "bytes after the gzip member";
  inflateEnd(&z);
  return out;
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

TEST(Unit, GzipStreamsStartWithTheFixedHeaderAtEveryLevel) {
  for (int level = 1; level <= 9; ++level) {
    Result<std::string> gz = GzipCompress(RandomBytes(10000, 1), {level});
    ASSERT_THAT(gz, IsOk());
    EXPECT_EQ(gz->substr(0, 10), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10)) << level;
  }
}

TEST(Unit, GzipOutputDecodesWithZlibAndEndsWithCrcAndSize) {
  const std::string data = RandomBytes(200000, 2);
  Result<std::string> gz = GzipCompress(data);
  ASSERT_THAT(gz, IsOk());
  EXPECT_EQ(ZlibGunzip(*gz), data);
  EXPECT_LT(gz->size(), data.size() / 2);
  const unsigned char* t = reinterpret_cast<const unsigned char*>(gz->data()) + gz->size() - 8;
  uint32_t crc = t[0] | (t[1] << 8) | (t[2] << 16) | (static_cast<uint32_t>(t[3]) << 24);
  uint32_t isize = t[4] | (t[5] << 8) | (t[6] << 16) | (static_cast<uint32_t>(t[7]) << 24);
  EXPECT_EQ(crc, crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  EXPECT_EQ(isize, data.size());
}

TEST(Unit, GzipOfNothingIsAValidEmptyMember) {
  Result<std::string> gz = GzipCompress("");
  ASSERT_THAT(gz, IsOk());
  EXPECT_EQ(ZlibGunzip(*gz), "");
  EXPECT_EQ(gz->size(), 10u + 2u + 8u);  // header, an empty final block, trailer
}

TEST(Unit, GzipBytesDoNotDependOnHowTheInputIsChunked) {
  const std::string data = RandomBytes(300000, 3);
  Result<std::string> whole = GzipCompress(data);
  ASSERT_THAT(whole, IsOk());
  StringSink sink;
  auto writer = GzipWriter::Create(&sink);
  ASSERT_THAT(writer, IsOk());
  std::mt19937 rng(4);
  for (size_t i = 0; i < data.size();) {
    size_t n = std::min<size_t>(data.size() - i, rng() % 5000);
    ASSERT_THAT((*writer)->Write(std::string_view(data).substr(i, n)), IsOk());
    i += n;
  }
  ASSERT_THAT((*writer)->Finish(), IsOk());
  EXPECT_EQ(sink.data(), *whole);
}

TEST(Unit, GzipLevelOutsideOneToNineIsRejected) {
  StringSink sink;
  for (int level : {0, 10, -1}) {
    auto writer = GzipWriter::Create(&sink, {level});
    ASSERT_FALSE(writer.ok());
    EXPECT_EQ(writer.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(writer.status().message(), HasSubstr("outside 1..9"));
  }
  EXPECT_EQ(sink.data(), "");
}

TEST(Unit, GzipWriterRefusesWritesAfterFinish) {
  StringSink sink;
  auto writer = GzipWriter::Create(&sink);
  ASSERT_THAT(writer, IsOk());
  ASSERT_THAT((*writer)->Finish(), IsOk());
  Status s = (*writer)->Write("late");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Finish().code(), StatusCode::kFailedPrecondition);
}

TEST(Unit, GzipCliAcceptsOurStreamAndRestoresTheInput) {
  const std::string data = RandomBytes(50000, 5);
  Result<std::string> gz = GzipCompress(data, {9});
  ASSERT_THAT(gz, IsOk());
  const std::string path = test::TestTempPath("gzip_cli.gz");
  ASSERT_THAT(WriteFileAtomic(path, *gz), IsOk());
  int rc = -1;
  std::string out = RunCommand("gzip -t " + path, &rc);
  EXPECT_EQ(rc, 0) << out;
  const std::string raw = test::TestTempPath("gzip_cli.raw");
  ASSERT_THAT(WriteFileAtomic(raw, data), IsOk());
  out = RunCommand("gzip -dc " + path + " | cmp - " + raw, &rc);
  EXPECT_EQ(rc, 0) << out;
  out = RunCommand("gzip -l " + path, &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr("50000"));  // gzip -l reads ISIZE
}

}  // namespace
}  // namespace fnseal
