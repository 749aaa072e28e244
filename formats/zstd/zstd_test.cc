#include "formats/zstd/zstd.h"

#include <sys/wait.h>

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader
#include <gtest/gtest.h>
#include <zstd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/io.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::string Text(size_t n) {
  std::string s;
  for (int i = 0; s.size() < n; ++i) s += "line " + std::to_string(i) + " of a function bundle\n";
  s.resize(n);
  return s;
}

// About 8 MiB of text, random bytes and zeros, interleaved so every compression job sees a mix.
std::string MixedInput() {
  std::string s;
  for (unsigned i = 0; s.size() < (8u << 20); ++i) {
    s += Text(300000 + i * 1000);
    s += RandomBytes(200000, i);
    s += std::string(100000, '\0');
  }
  return s;
}

void WriteRaw(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string ReadRaw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *exit_code = -1;
    return output;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  int status = ::pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

// Compresses with the zstd C API directly, to make frames fnseal itself never writes.
std::string CompressWithCApi(const std::string& data, int window_log, bool content_size) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size ? 1 : 0);
  if (window_log != 0) ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, window_log);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress2(c, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(c);
  if (ZSTD_isError(n)) return "";
  out.resize(n);
  return out;
}

// Offset and width of the Frame_Content_Size field of a zstd frame (RFC 8878 3.1.1.1).
void ContentSizeField(const std::string& frame, size_t* offset, size_t* width) {
  unsigned fhd = static_cast<unsigned char>(frame[4]);
  bool single_segment = (fhd & 0x20) != 0;
  static const size_t kDictIdSize[] = {0, 1, 2, 4};
  static const size_t kFcsSize[] = {0, 2, 4, 8};
  *offset = 5 + (single_segment ? 0 : 1) + kDictIdSize[fhd & 3];
  *width = kFcsSize[fhd >> 6];
  if (*width == 0 && single_segment) *width = 1;
}

// Adds `delta` to the content size recorded in the frame header.
std::string PatchContentSize(std::string frame, int delta) {
  size_t offset, width;
  ContentSizeField(frame, &offset, &width);
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) value |= uint64_t{static_cast<unsigned char>(frame[offset + i])} << (8 * i);
  value += static_cast<uint64_t>(static_cast<int64_t>(delta));
  for (size_t i = 0; i < width; ++i) frame[offset + i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return frame;
}

// A source that hands out at most one byte per Read, to exercise buffer refills.
class TrickleSource : public ByteSource {
 public:
  explicit TrickleSource(std::string_view data) : data_(data) {}
  Result<size_t> Read(void* data, size_t size) override {
    if (size == 0 || offset_ == data_.size()) return size_t{0};
    static_cast<char*>(data)[0] = data_[offset_++];
    return size_t{1};
  }

 private:
  std::string_view data_;
  size_t offset_ = 0;
};

void ExpectRejected(const std::string& frame, StatusCode code, const std::string& fragment, ZstdLimits limits = {}) {
  auto r = ZstdDecompress(frame, limits);
  ASSERT_FALSE(r.ok()) << "decompressed " << r->size() << " bytes";
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().ToString();
}

std::string Compress(const std::string& data, ZstdOptions options = {}) {
  auto r = ZstdCompress(data, options);
  EXPECT_THAT(r, IsOk());
  return r.ok() ? *r : std::string();
}

// ---------------------------------------------------------------------------------------------
// Compression

TEST(Zstd, RoundTripsInputsOfManySizes) {
  for (size_t n : std::vector<size_t>{0, 1, 100, 4096, 131072, 1000003}) {
    std::string data = Text(n / 2) + RandomBytes(n - n / 2, static_cast<unsigned>(n));
    std::string frame = Compress(data);
    auto back = ZstdDecompress(frame);
    ASSERT_THAT(back, IsOk()) << n << ": " << back.status().ToString();
    EXPECT_TRUE(*back == data) << "size " << n;
  }
}

TEST(Zstd, RoundTripsWithTheLongWindowAtTheHighestLevel) {
  std::string data = Text(500000);
  ZstdOptions options;
  options.level = 22;
  options.long_window = true;
  std::string frame = Compress(data, options);
  auto back = ZstdDecompress(frame);
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == data);
}

TEST(Zstd, OutputIsIdenticalForOneTwoAndFourWorkers) {
  std::string data = MixedInput();
  ASSERT_GE(data.size(), 8u << 20);
  for (int level : {1, 3}) {
    ZstdOptions options;
    options.level = level;
    options.workers = 1;
    std::string one = Compress(data, options);
    ASSERT_FALSE(one.empty());
    for (int workers : {2, 4}) {
      options.workers = workers;
      std::string many = Compress(data, options);
      EXPECT_TRUE(many == one) << "level " << level << ", " << workers << " workers: " << many.size() << " bytes vs "
                               << one.size();
    }
    auto back = ZstdDecompress(one);
    ASSERT_THAT(back, IsOk());
    EXPECT_TRUE(*back == data);
  }
}

TEST(Zstd, FrameDeclaresContentSizeAndChecksum) {
  for (size_t n : std::vector<size_t>{0, 10, 300, 70000, 3000000}) {
    std::string frame = Compress(Text(n));
    EXPECT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), n);
    ZSTD_frameHeader header;
    ASSERT_EQ(ZSTD_getFrameHeader(&header, frame.data(), frame.size()), 0u);
    EXPECT_EQ(header.frameType, ZSTD_frame);
    EXPECT_EQ(header.checksumFlag, 1u) << "size " << n;
    EXPECT_EQ(ZSTD_findFrameCompressedSize(frame.data(), frame.size()), frame.size());
  }
}

// 130 MiB compressed with the long window: larger than the 128 MiB window, so zstd keeps it.
const std::string& LongWindowData() {
  static const std::string* data = new std::string(Text(130u << 20));
  return *data;
}

const std::string& LongWindowFrame() {
  static const std::string* frame = [] {
    ZstdOptions options;
    options.long_window = true;
    options.workers = 2;
    return new std::string(Compress(LongWindowData(), options));
  }();
  return *frame;
}

TEST(Zstd, LongWindowStaysWithinTheReaderLimit) {
  const std::string& data = LongWindowData();
  const std::string& frame = LongWindowFrame();
  ZSTD_frameHeader header;
  ASSERT_EQ(ZSTD_getFrameHeader(&header, frame.data(), frame.size()), 0u);
  EXPECT_EQ(header.windowSize, uint64_t{1} << 27);
  auto back = ZstdDecompress(frame);
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == data);
}

TEST(Zstd, ZstdCliAcceptsTheOutput) {
  std::string dir = test::NewTestDir("zstd_test");
  ASSERT_FALSE(dir.empty());
  std::string data = Text(1 << 20) + RandomBytes(1 << 20, 9);
  ZstdOptions options;
  options.workers = 2;
  WriteRaw(dir + "/out.zst", Compress(data, options));
  int exit_code = 0;
  std::string test = RunCommand("/usr/bin/zstd -t -q '" + dir + "/out.zst' 2>&1", &exit_code);
  EXPECT_EQ(exit_code, 0) << test;
  std::string list = RunCommand("/usr/bin/zstd -lv '" + dir + "/out.zst' 2>&1", &exit_code);
  EXPECT_EQ(exit_code, 0) << list;
  EXPECT_NE(list.find("(" + std::to_string(data.size()) + " B)"), std::string::npos) << list;
  EXPECT_NE(list.find("Check: XXH64"), std::string::npos) << list;
  std::string decoded = RunCommand("/usr/bin/zstd -d -c -q '" + dir + "/out.zst'", &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_TRUE(decoded == data);
}

TEST(ZstdWriter, StreamsManySmallWrites) {
  std::string data = Text(200000);
  StringSink sink;
  auto writer = ZstdWriter::Create(&sink, data.size());
  ASSERT_THAT(writer, IsOk());
  for (size_t i = 0; i < data.size(); i += 777) {
    Status s = (*writer)->Write(std::string_view(data).substr(i, 777));
    ASSERT_THAT(s, IsOk());
  }
  Status s = (*writer)->Finish();
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(sink.data() == Compress(data));
}

TEST(ZstdWriter, RejectsALevelOutOfRange) {
  StringSink sink;
  ZstdOptions options;
  options.level = 0;
  auto w = ZstdWriter::Create(&sink, 0, options);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find("zstd level 0 is outside 1.."), std::string::npos) << w.status().ToString();
  options.level = 23;
  auto high = ZstdWriter::Create(&sink, 0, options);
  ASSERT_FALSE(high.ok());
  EXPECT_EQ(high.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(high.status().message().find("zstd level 23 is outside 1.."), std::string::npos)
      << high.status().ToString();
}

TEST(ZstdWriter, RejectsUltraLevelsWithoutTheLongWindow) {
  StringSink sink;
  ZstdOptions options;
  options.level = 20;
  auto w = ZstdWriter::Create(&sink, 0, options);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find("levels above 19 need the long window"), std::string::npos)
      << w.status().ToString();
}

TEST(ZstdWriter, RejectsAWorkerCountOutOfRange) {
  StringSink sink;
  for (int workers : {0, -1, 257}) {
    ZstdOptions options;
    options.workers = workers;
    auto w = ZstdWriter::Create(&sink, 0, options);
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(w.status().message().find("zstd worker count " + std::to_string(workers) + " is outside 1..256"),
              std::string::npos)
        << w.status().ToString();
  }
}

TEST(ZstdWriter, RejectsMoreInputThanDeclared) {
  StringSink sink;
  auto writer = ZstdWriter::Create(&sink, 5);
  ASSERT_THAT(writer, IsOk());
  Status s = (*writer)->Write("123456");
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("zstd input exceeds the declared content size of 5"), std::string::npos) << s.ToString();
}

TEST(ZstdWriter, RejectsLessInputThanDeclared) {
  StringSink sink;
  auto writer = ZstdWriter::Create(&sink, 5);
  ASSERT_THAT(writer, IsOk());
  ASSERT_THAT((*writer)->Write("1234"), IsOk());
  Status s = (*writer)->Finish();
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("zstd input is 4 bytes, not the declared 5"), std::string::npos) << s.ToString();
}

TEST(ZstdWriter, RejectsUseAfterFinish) {
  StringSink sink;
  auto writer = ZstdWriter::Create(&sink, 0);
  ASSERT_THAT(writer, IsOk());
  ASSERT_THAT((*writer)->Finish(), IsOk());
  Status write = (*writer)->Write("x");
  EXPECT_EQ(write.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(write.message().find("zstd write after finish"), std::string::npos) << write.ToString();
  Status finish = (*writer)->Finish();
  EXPECT_EQ(finish.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(finish.message().find("zstd frame finished twice"), std::string::npos) << finish.ToString();
}

// ---------------------------------------------------------------------------------------------
// Decompression

TEST(ZstdReader, ReadsOneByteAtATimeFromATrickle) {
  std::string data = Text(50000);
  std::string frame = Compress(data);
  TrickleSource source(frame);
  ZstdReader reader(&source);
  std::string out;
  char buf[7];
  for (;;) {
    auto n = reader.Read(buf, sizeof(buf));
    ASSERT_THAT(n, IsOk());
    if (*n == 0) break;
    out.append(buf, *n);
  }
  EXPECT_TRUE(out == data);
  EXPECT_EQ(reader.content_size(), data.size());
}

TEST(ZstdReader, ReportsTheContentSizeAfterTheFirstRead) {
  std::string frame = Compress(Text(12345));
  StringSource source(frame);
  ZstdReader reader(&source);
  char buf[16];
  auto n = reader.Read(buf, sizeof(buf));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 16u);
  EXPECT_EQ(reader.content_size(), 12345u);
}

TEST(ZstdReader, ReadsAnEmptyFrame) {
  auto r = ZstdDecompress(Compress(""));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, "");
}

TEST(ZstdReader, RejectsATruncatedFrame) {
  std::string frame = Compress(Text(100000) + RandomBytes(100000, 3));
  ExpectRejected(frame.substr(0, frame.size() / 2), StatusCode::kDataLoss, "zstd frame is truncated");
}

TEST(ZstdReader, RejectsAFrameWithoutItsChecksum) {
  std::string frame = Compress(Text(1000));
  ExpectRejected(frame.substr(0, frame.size() - 4), StatusCode::kDataLoss, "zstd frame is truncated");
}

TEST(ZstdReader, RejectsATruncatedFrameHeader) {
  std::string frame = Compress(Text(100000));
  ExpectRejected(frame.substr(0, 5), StatusCode::kDataLoss, "zstd frame header is truncated");
}

TEST(ZstdReader, RejectsEmptyInput) { ExpectRejected("", StatusCode::kDataLoss, "zstd frame header is truncated"); }

TEST(ZstdReader, RejectsInputThatIsNotZstd) {
  ExpectRejected("this is not a zstd frame at all", StatusCode::kDataLoss, "not a zstd frame");
}

TEST(ZstdReader, RejectsTrailingGarbage) {
  ExpectRejected(Compress(Text(1000)) + "garbage", StatusCode::kDataLoss,
                 "zstd stream has trailing data after its frame");
}

TEST(ZstdReader, RejectsTrailingGarbageAfterAnEmptyFrame) {
  ExpectRejected(Compress("") + "x", StatusCode::kDataLoss, "zstd stream has trailing data after its frame");
}

TEST(ZstdReader, RejectsASecondFrame) {
  std::string frame = Compress(Text(1000));
  ExpectRejected(frame + frame, StatusCode::kDataLoss, "zstd stream has trailing data after its frame");
}

TEST(ZstdReader, RejectsTrailingGarbageArrivingByteByByte) {
  std::string frame = Compress(Text(1000)) + "x";
  TrickleSource source(frame);
  ZstdReader reader(&source);
  std::string buf(4096, '\0');
  Status error;
  for (int i = 0; i < 100000 && error.ok(); ++i) {
    auto n = reader.Read(buf.data(), buf.size());
    if (!n.ok())
      error = n.status();
    else if (*n == 0)
      break;
  }
  EXPECT_EQ(error.code(), StatusCode::kDataLoss);
  EXPECT_NE(error.message().find("trailing data after its frame"), std::string::npos) << error.ToString();
}

TEST(ZstdReader, RejectsAFrameWithoutContentSize) {
  std::string frame = CompressWithCApi(Text(1000), 0, /*content_size=*/false);
  ASSERT_FALSE(frame.empty());
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  ExpectRejected(frame, StatusCode::kDataLoss, "zstd frame does not declare its content size");
}

TEST(ZstdReader, RejectsAWindowLargerThanTheLimit) {
  // zstd shrinks the window to fit the content, so write a 1 KiB window and then declare 1 GiB.
  std::string data = Text(20000);
  std::string frame = CompressWithCApi(data, 10, /*content_size=*/true);
  ASSERT_FALSE(frame.empty());
  ASSERT_EQ(frame[4] & 0x20, 0) << "expected a window descriptor";
  frame[5] = static_cast<char>((30 - 10) << 3);
  ExpectRejected(frame, StatusCode::kResourceExhausted, "exceeds the limit of 2^27");
  // The same frame is fine once the limit allows it: the window is the only problem.
  ZstdLimits generous;
  generous.max_window_log = 30;
  auto r = ZstdDecompress(frame, generous);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(*r == data);
}

TEST(ZstdReader, RejectsALongWindowFrameUnderASmallerLimit) {
  const std::string& frame = LongWindowFrame();
  ZstdLimits limits;
  limits.max_window_log = 26;
  ExpectRejected(frame, StatusCode::kResourceExhausted, "exceeds the limit of 2^26", limits);
}

TEST(ZstdReader, RejectsAContentSizeOverTheLimit) {
  ZstdLimits limits;
  limits.max_content_size = 999;
  ExpectRejected(Compress(Text(1000)), StatusCode::kResourceExhausted,
                 "zstd frame declares 1000 bytes, more than the limit of 999", limits);
}

TEST(ZstdReader, RejectsAContentSizeLargerThanTheContent) {
  std::string frame = Compress(Text(100));
  ExpectRejected(PatchContentSize(frame, +1), StatusCode::kDataLoss, "corrupt zstd frame");
}

TEST(ZstdReader, RejectsAContentSizeSmallerThanTheContent) {
  std::string frame = Compress(Text(100));
  ExpectRejected(PatchContentSize(frame, -1), StatusCode::kDataLoss, "corrupt zstd frame");
}

TEST(ZstdReader, RejectsAFalseContentSizeInALargeSingleSegmentFrame) {
  std::string frame = Compress(Text(1 << 20) + RandomBytes(1 << 20, 4));
  ASSERT_NE(frame[4] & 0x20, 0) << "expected a single-segment frame";
  // Which check fires first depends on where the frame's blocks end: zstd's own ("corrupt zstd
  // frame") or the reader's count against the declared size ("zstd frame holds N bytes").
  ExpectRejected(PatchContentSize(frame, +1), StatusCode::kDataLoss, "zstd frame");
  ExpectRejected(PatchContentSize(frame, -1), StatusCode::kDataLoss, "zstd frame");
}

TEST(ZstdReader, RejectsAFalseContentSizeInAFrameWithAWindow) {
  std::string frame = CompressWithCApi(Text(300000), 10, /*content_size=*/true);
  ASSERT_FALSE(frame.empty());
  ASSERT_EQ(frame[4] & 0x20, 0) << "expected a window descriptor";
  ExpectRejected(PatchContentSize(frame, +1), StatusCode::kDataLoss, "corrupt zstd frame");
  ExpectRejected(PatchContentSize(frame, -1), StatusCode::kDataLoss, "corrupt zstd frame");
}

TEST(ZstdReader, RejectsACorruptChecksum) {
  std::string frame = Compress(Text(1000));
  frame.back() = static_cast<char>(frame.back() ^ 1);
  ExpectRejected(frame, StatusCode::kDataLoss, "corrupt zstd frame");
}

std::string SkippableFrame(const std::string& content) {
  std::string frame = "\x50\x2a\x4d\x18";
  for (int i = 0; i < 4; ++i) frame.push_back(static_cast<char>((content.size() >> (8 * i)) & 0xff));
  return frame + content;
}

TEST(ZstdReader, RejectsASkippableFrame) {
  ExpectRejected(SkippableFrame("metadata"), StatusCode::kDataLoss, "zstd skippable frames are not accepted");
}

TEST(ZstdReader, RejectsASkippableFrameBeforeAValidFrame) {
  ExpectRejected(SkippableFrame("metadata") + Compress(Text(1000)), StatusCode::kDataLoss,
                 "zstd skippable frames are not accepted");
}

TEST(ZstdReader, RejectsASkippableFrameAfterAValidFrame) {
  ExpectRejected(Compress(Text(1000)) + SkippableFrame("metadata"), StatusCode::kDataLoss,
                 "zstd stream has trailing data after its frame");
}

// ---------------------------------------------------------------------------------------------
// The checked-in corpus (testdata/hostile, see its README).

struct HostileCase {
  const char* file;
  StatusCode code;
  const char* fragment;
};

void PrintTo(const HostileCase& c, std::ostream* os) { *os << c.file; }

class HostileZstdCorpus : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileZstdCorpus, FileIsRejected) {
  const HostileCase& c = GetParam();
  std::string path = std::string("testdata/hostile/") + c.file;
  std::string frame = ReadRaw(path);
  ASSERT_FALSE(frame.empty()) << "cannot read " << path;
  ExpectRejected(frame, c.code, c.fragment);
}

INSTANTIATE_TEST_SUITE_P(
    TestdataHostile, HostileZstdCorpus,
    ::testing::Values(
        HostileCase{"zstd-truncated.zst", StatusCode::kDataLoss, "zstd frame is truncated"},
        HostileCase{"zstd-trailing-garbage.zst", StatusCode::kDataLoss, "trailing data after its frame"},
        HostileCase{"zstd-two-frames.zst", StatusCode::kDataLoss, "trailing data after its frame"},
        HostileCase{"zstd-no-content-size.zst", StatusCode::kDataLoss, "does not declare its content size"},
        HostileCase{"zstd-skippable-frame.zst", StatusCode::kDataLoss, "skippable frames are not accepted"},
        HostileCase{"zstd-window-too-large.zst", StatusCode::kResourceExhausted, "exceeds the limit of 2^27"},
        HostileCase{"zstd-false-content-size.zst", StatusCode::kDataLoss, "corrupt zstd frame"}),
    [](const ::testing::TestParamInfo<HostileCase>& info) {
      std::string name;
      for (const char* p = info.param.file; *p != '\0' && *p != '.'; ++p) {
        name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
      }
      return name;
    });

TEST(HostileZstdFiles, WindowFileIsValidUnderAGenerousLimit) {
  ZstdLimits generous;
  generous.max_window_log = 30;
  auto r = ZstdDecompress(ReadRaw("testdata/hostile/zstd-window-too-large.zst"), generous);
  ASSERT_THAT(r, IsOk());
  EXPECT_GT(r->size(), 10000u);
}

}  // namespace
}  // namespace fnseal
