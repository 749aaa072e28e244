#include "core/sha256.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

const char kEmptyDigest[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const char kAbcDigest[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const char k448BitMessage[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const char k448BitDigest[] = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
const char kMillionADigest[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

void WriteRaw(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

TEST(Sha256, HashesTheEmptyString) { EXPECT_EQ(Sha256Hex(""), kEmptyDigest); }

TEST(Sha256, HashesAbc) { EXPECT_EQ(Sha256Hex("abc"), kAbcDigest); }

TEST(Sha256, HashesThe448BitNistVector) { EXPECT_EQ(Sha256Hex(k448BitMessage), k448BitDigest); }

TEST(Sha256, HashesOneMillionAs) { EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')), kMillionADigest); }

TEST(Sha256, FinishReturnsThirtyTwoRawBytes) {
  Sha256 h;
  h.Update("abc");
  std::string digest = h.Finish();
  EXPECT_EQ(digest.size(), 32u);
  EXPECT_EQ(HexEncode(digest), kAbcDigest);
}

TEST(Sha256, StreamingInChunksEqualsOneShot) {
  std::string data = RandomBytes(200000, 1);
  std::string expected = Sha256Hex(data);
  for (size_t chunk : std::vector<size_t>{1, 3, 63, 64, 65, 4096, 65537}) {
    Sha256 h;
    for (size_t i = 0; i < data.size(); i += chunk) {
      h.Update(std::string_view(data).substr(i, chunk));
    }
    EXPECT_EQ(h.FinishHex(), expected) << "chunk size " << chunk;
  }
}

TEST(Sha256, MillionAsStreamedInOddChunksMatchTheVector) {
  Sha256 h;
  std::string chunk(997, 'a');
  size_t left = 1000000;
  while (left > 0) {
    size_t n = std::min(left, chunk.size());
    h.Update(chunk.data(), n);
    left -= n;
  }
  EXPECT_EQ(h.FinishHex(), kMillionADigest);
}

TEST(Sha256, EmptyUpdatesDoNotChangeTheDigest) {
  Sha256 h;
  h.Update("");
  h.Update("ab");
  h.Update(nullptr, 0);
  h.Update("c");
  EXPECT_EQ(h.FinishHex(), kAbcDigest);
}

TEST(Sha256, FinishResetsForReuse) {
  Sha256 h;
  h.Update("some earlier data");
  (void)h.Finish();
  h.Update("abc");
  EXPECT_EQ(h.FinishHex(), kAbcDigest);
  EXPECT_EQ(h.FinishHex(), kEmptyDigest);
}

// Feeds `message` through the pipeline in pieces of at most `piece` bytes, written to Space().
void AddInPieces(Sha256Pipeline* pipeline, const std::string& message, size_t piece) {
  size_t n = 0;
  for (size_t at = 0; at < message.size(); at += n) {
    size_t capacity = 0;
    char* space = pipeline->Space(&capacity);
    n = std::min({piece, message.size() - at, capacity});
    std::memcpy(space, message.data() + at, n);
    pipeline->Add(n);
  }
}

TEST(Sha256Pipeline, DigestsEachMessageInOrder) {
  // Two small buffers, so the producer waits for the hashing thread again and again.
  Sha256Pipeline pipeline(2, 1000);
  std::vector<std::string> messages = {"abc",
                                       "",
                                       k448BitMessage,
                                       RandomBytes(100000, 3),
                                       std::string(1000000, 'a'),
                                       RandomBytes(999, 4),
                                       RandomBytes(1001, 5)};
  for (size_t i = 0; i < messages.size(); ++i) {
    AddInPieces(&pipeline, messages[i], 1 + i * 97);
    pipeline.EndMessage();
  }
  std::vector<std::string> digests = pipeline.Finish();
  ASSERT_EQ(digests.size(), messages.size());
  EXPECT_EQ(digests[0], kAbcDigest);
  EXPECT_EQ(digests[1], kEmptyDigest);
  EXPECT_EQ(digests[2], k448BitDigest);
  EXPECT_EQ(digests[4], kMillionADigest);
  for (size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(digests[i], Sha256Hex(messages[i])) << "message " << i;
}

TEST(Sha256Pipeline, CopiesStringsLargerThanABuffer) {
  Sha256Pipeline pipeline(3, 64);
  std::string message = RandomBytes(64 * 10 + 7, 6);
  pipeline.Add(std::string_view(message));
  pipeline.EndMessage();
  pipeline.Add(std::string_view("abc"));
  pipeline.EndMessage();
  EXPECT_EQ(pipeline.Finish(), (std::vector<std::string>{Sha256Hex(message), kAbcDigest}));
}

TEST(Sha256Pipeline, SmallMessagesShareABufferAndBytesStayPut) {
  Sha256Pipeline pipeline(1, 100);
  size_t capacity = 0;
  char* first = pipeline.Space(&capacity);
  EXPECT_EQ(capacity, 100u);
  EXPECT_EQ(pipeline.Space(&capacity), first);  // nothing was added: the same space
  std::memcpy(first, "abc", 3);
  pipeline.Add(3);
  pipeline.EndMessage();
  char* second = pipeline.Space(&capacity);
  EXPECT_EQ(second, first + 3);  // the next message follows in the same buffer
  EXPECT_EQ(capacity, 97u);
  EXPECT_EQ(std::string(first, 3), "abc");  // still readable: not handed out again
  std::memcpy(second, k448BitMessage, 56);
  pipeline.Add(56);
  pipeline.EndMessage();
  // 41 bytes left is over a quarter of the buffer; 20 more leave 21, under a quarter, so the
  // space after that is a fresh buffer (the only one, once the thread has hashed it).
  std::memcpy(pipeline.Space(&capacity), "abcdefghijklmnopqrst", 20);
  EXPECT_EQ(capacity, 41u);
  pipeline.Add(20);
  pipeline.EndMessage();
  EXPECT_EQ(pipeline.Space(&capacity), first);
  EXPECT_EQ(capacity, 100u);
  std::vector<std::string> digests = pipeline.Finish();
  EXPECT_EQ(digests, (std::vector<std::string>{kAbcDigest, k448BitDigest, Sha256Hex("abcdefghijklmnopqrst")}));
}

TEST(Sha256Pipeline, DestroyingWithWorkQueuedStopsTheThread) {
  // An error path: the producer gives up midway. The destructor must not hang or crash.
  auto pipeline = std::make_unique<Sha256Pipeline>(4, 1 << 16);
  for (int i = 0; i < 4; ++i) {
    size_t capacity = 0;
    std::memset(pipeline->Space(&capacity), 'x', capacity);
    pipeline->Add(capacity);
  }
  pipeline.reset();
  SUCCEED();
}

TEST(Sha256Pipeline, NoMessagesGiveNoDigests) {
  Sha256Pipeline pipeline;
  EXPECT_TRUE(pipeline.Finish().empty());
}

TEST(Sha256File, HashesAFileInChunks) {
  std::string dir = test::NewTestDir("sha256_test");
  ASSERT_FALSE(dir.empty());
  // Larger than the 64 KiB read buffer and not a multiple of it.
  std::string data = RandomBytes(3 * 65536 + 123, 2);
  WriteRaw(dir + "/blob", data);
  auto r = Sha256FileHex(dir + "/blob");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, Sha256Hex(data));
}

TEST(Sha256File, HashesAnEmptyFile) {
  std::string dir = test::NewTestDir("sha256_test");
  ASSERT_FALSE(dir.empty());
  WriteRaw(dir + "/empty", "");
  auto r = Sha256FileHex(dir + "/empty");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, kEmptyDigest);
}

TEST(Sha256File, ReportsAMissingFileAsNotFound) {
  std::string dir = test::NewTestDir("sha256_test");
  ASSERT_FALSE(dir.empty());
  auto r = Sha256FileHex(dir + "/missing");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("cannot open '" + dir + "/missing'"), std::string::npos) << r.status().ToString();
}

}  // namespace
}  // namespace fnseal
