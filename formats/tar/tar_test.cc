#include "formats/tar/tar.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/io.h"
#include "core/sha256.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers: hand-made archives.

std::string Octal(uint64_t value, size_t width) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
  return std::string(buf, width - 1) + '\0';
}

void Put(std::string* block, size_t offset, const std::string& bytes) {
  std::memcpy(block->data() + offset, bytes.data(), bytes.size());
}

// Recomputes the checksum of a 512-byte header in place; `delta` makes it deliberately wrong.
void SetChecksum(std::string* block, int delta = 0) {
  Put(block, 148, std::string(8, ' '));
  unsigned sum = 0;
  for (unsigned char c : *block) sum += c;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%06o", sum + delta);
  Put(block, 148, std::string(buf, 6) + '\0' + ' ');
}

struct HeaderSpec {
  std::string name;
  char type = '0';
  uint64_t size = 0;
  uint32_t mode = 0644;
  std::string linkname;
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
  std::string magic = std::string("ustar") + '\0' + "00";
  int checksum_delta = 0;
};

// One ustar header block with a correct checksum (unless spec.checksum_delta is set).
std::string Header(const HeaderSpec& spec) {
  std::string h(512, '\0');
  Put(&h, 0, spec.name.substr(0, 100));
  Put(&h, 100, Octal(spec.mode, 8));
  Put(&h, 108, Octal(0, 8));
  Put(&h, 116, Octal(0, 8));
  Put(&h, 124, Octal(spec.size, 12));
  Put(&h, 136, Octal(kDefaultArchiveMtime, 12));
  h[156] = spec.type;
  Put(&h, 157, spec.linkname.substr(0, 100));
  Put(&h, 257, spec.magic);
  Put(&h, 329, Octal(spec.devmajor, 8));
  Put(&h, 337, Octal(spec.devminor, 8));
  SetChecksum(&h, spec.checksum_delta);
  return h;
}

std::string Header(const std::string& name, char type = '0', uint64_t size = 0) {
  HeaderSpec spec;
  spec.name = name;
  spec.type = type;
  spec.size = size;
  return Header(spec);
}

std::string Pad(std::string data) {
  data.resize((data.size() + 511) / 512 * 512, '\0');
  return data;
}

// A regular file entry: header plus padded content.
std::string FileEntry(const std::string& name, const std::string& content = "") {
  return Header(name, '0', content.size()) + Pad(content);
}

std::string PaxRecord(const std::string& key, const std::string& value) {
  std::string body = " " + key + "=" + value + "\n";
  size_t n = body.size() + 1;
  while (std::to_string(n).size() + body.size() != n) n = std::to_string(n).size() + body.size();
  return std::to_string(n) + body;
}

// A pax extended header carrying `records` verbatim.
std::string PaxHeader(const std::string& records) { return Header("PaxHeaders/x", 'x', records.size()) + Pad(records); }

const std::string kEnd(1024, '\0');

struct ReadEntry {
  TarEntryInfo info;
  std::string content;
};

// Reads every entry of `archive`; returns the first error.
Result<std::vector<ReadEntry>> ReadArchive(const std::string& archive, TarLimits limits = {}) {
  StringSource source(archive);
  TarReader reader(&source, limits);
  std::vector<ReadEntry> entries;
  for (;;) {
    ReadEntry e;
    ASSIGN_OR_RETURN(bool more, reader.Next(&e.info));
    if (!more) break;
    ASSIGN_OR_RETURN(e.content, reader.ReadAll(UINT64_MAX));
    entries.push_back(std::move(e));
  }
  return entries;
}

// Reads `archive` and expects it to fail with `code` and a message containing `fragment`.
void ExpectRejected(const std::string& archive, StatusCode code, const std::string& fragment, TarLimits limits = {}) {
  auto r = ReadArchive(archive, limits);
  ASSERT_FALSE(r.ok()) << "archive was accepted with " << r->size() << " entries";
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().ToString();
}

// ---------------------------------------------------------------------------------------------
// Helpers: files and processes.

void WriteRaw(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string ReadRaw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs `command` through the shell; returns its standard output and sets *exit_code.
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

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Result<std::string> WriteToString(const std::vector<ArchiveInput>& inputs, int64_t mtime = kDefaultArchiveMtime) {
  ASSIGN_OR_RETURN(TarPlan plan, PlanTar(inputs, mtime));
  StringSink sink;
  RETURN_IF_ERROR(WriteTar(plan, &sink));
  if (sink.data().size() != plan.archive_size) {
    return InternalError("plan said " + std::to_string(plan.archive_size) + " bytes, wrote " +
                         std::to_string(sink.data().size()));
  }
  return sink.Release();
}

ArchiveInput Input(const std::string& path, const std::string& content, bool executable = false) {
  ArchiveInput input;
  input.path = path;
  input.content = content;
  input.executable = executable;
  return input;
}

// An input read from the file `source` at `path`.
ArchiveInput FileInput(const std::string& path, const std::string& source) {
  ArchiveInput input;
  input.path = path;
  input.source_path = source;
  return input;
}

// The status of a write whose source file no longer has its planned size.
void ExpectChangedSize(const Status& s, const std::string& fragment = "changed size while being archived") {
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find(fragment), std::string::npos) << s.ToString();
}

std::vector<ArchiveInput> SampleInputs() {
  return {
      Input("bin/handler", "#!/bin/sh\necho hi\n", /*executable=*/true),
      Input("lib/util/strings.py", "def f():\n    pass\n"),
      Input("lib/util/__init__.py", ""),
      Input("README", std::string(1500, 'r')),
      Input("lib-extra", "sorts before lib/ in byte order"),
      Input("config.json", "{}\n"),
  };
}

// ---------------------------------------------------------------------------------------------
// Writer

TEST(TarWriter, OutputIsIndependentOfInputOrder) {
  std::vector<ArchiveInput> inputs = SampleInputs();
  auto first = WriteToString(inputs);
  ASSERT_THAT(first, IsOk());
  std::mt19937 rng(7);
  for (int round = 0; round < 10; ++round) {
    std::shuffle(inputs.begin(), inputs.end(), rng);
    auto again = WriteToString(inputs);
    ASSERT_THAT(again, IsOk());
    EXPECT_TRUE(*again == *first) << "round " << round << " differs";
  }
}

TEST(TarWriter, OutputIsIndependentOfWhereContentComesFrom) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  std::vector<ArchiveInput> in_memory = SampleInputs();
  std::vector<ArchiveInput> on_disk = SampleInputs();
  for (size_t i = 0; i < on_disk.size(); ++i) {
    std::string path = dir + "/src" + std::to_string(i);
    WriteRaw(path, on_disk[i].content);
    on_disk[i].source_path = path;
    on_disk[i].content = "ignored when source_path is set";
  }
  auto a = WriteToString(in_memory);
  auto b = WriteToString(on_disk);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_TRUE(*a == *b);
}

TEST(TarWriter, EmitsParentsAsDirectoriesInByteOrder) {
  std::vector<ArchiveInput> inputs = {Input("a/b/c.txt", "c"), Input("a/d", "d"), Input("a-z", "z")};
  auto plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  std::vector<std::string> names;
  for (const TarEntryInfo& e : plan->entries) names.push_back(e.path + (e.is_directory ? "/" : ""));
  EXPECT_EQ(names, (std::vector<std::string>{"a-z", "a/", "a/b/", "a/b/c.txt", "a/d"}));
  ASSERT_EQ(plan->inputs.size(), plan->entries.size());
  EXPECT_EQ(plan->inputs[1], nullptr);
  EXPECT_EQ(plan->inputs[2], nullptr);
  ASSERT_NE(plan->inputs[3], nullptr);
  EXPECT_EQ(plan->inputs[3]->path, "a/b/c.txt");
}

TEST(TarWriter, UsesMode0755ForDirectoriesAndExecutablesAnd0644Otherwise) {
  std::vector<ArchiveInput> inputs = {Input("bin/run", "x", /*executable=*/true), Input("bin/data", "y")};
  auto plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  ASSERT_EQ(plan->entries.size(), 3u);
  EXPECT_EQ(plan->entries[0].path, "bin");
  EXPECT_EQ(plan->entries[0].mode, 0755u);
  EXPECT_EQ(plan->entries[1].path, "bin/data");
  EXPECT_EQ(plan->entries[1].mode, 0644u);
  EXPECT_EQ(plan->entries[2].path, "bin/run");
  EXPECT_EQ(plan->entries[2].mode, 0755u);
}

TEST(TarWriter, WritesFixedUstarHeaderFields) {
  auto archive = WriteToString({Input("f", "hello")});
  ASSERT_THAT(archive, IsOk());
  ASSERT_EQ(archive->size(), 512u + 512u + 1024u);
  const std::string& a = *archive;
  EXPECT_EQ(a.substr(0, 2), std::string("f\0", 2));
  EXPECT_EQ(a.substr(100, 8), std::string("0000644\0", 8));
  EXPECT_EQ(a.substr(108, 8), std::string("0000000\0", 8));  // uid
  EXPECT_EQ(a.substr(116, 8), std::string("0000000\0", 8));  // gid
  EXPECT_EQ(a.substr(124, 12), std::string("00000000005\0", 12));
  EXPECT_EQ(a.substr(136, 12), std::string("07033241600\0", 12));  // 946684800
  EXPECT_EQ(a[156], '0');
  EXPECT_EQ(a.substr(257, 8), std::string("ustar") + '\0' + "00");
  EXPECT_EQ(a.substr(265, 64), std::string(64, '\0'));  // empty user and group names
  EXPECT_EQ(a.substr(512, 5), "hello");
  EXPECT_EQ(a.substr(517), std::string(507 + 1024, '\0'));
}

TEST(TarWriter, WritesAnEmptyArchiveAsJustTheEndMarker) {
  auto archive = WriteToString({});
  ASSERT_THAT(archive, IsOk());
  EXPECT_EQ(*archive, kEnd);
}

TEST(TarWriter, HonoursACallerChosenMtime) {
  auto archive = WriteToString({Input("f", "x")}, 0);
  ASSERT_THAT(archive, IsOk());
  auto entries = ReadArchive(*archive);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].info.mtime, 0);
}

TEST(TarWriter, RoundTripsThroughTheReader) {
  auto archive = WriteToString(SampleInputs());
  ASSERT_THAT(archive, IsOk());
  auto entries = ReadArchive(*archive);
  ASSERT_THAT(entries, IsOk());
  std::vector<std::string> names;
  for (const ReadEntry& e : *entries) {
    names.push_back(e.info.path);
    EXPECT_EQ(e.info.mtime, kDefaultArchiveMtime) << e.info.path;
    if (e.info.is_directory) {
      EXPECT_EQ(e.info.mode, 0755u) << e.info.path;
      EXPECT_TRUE(e.info.executable) << e.info.path;
      continue;
    }
    bool found = false;
    for (const ArchiveInput& input : SampleInputs()) {
      if (input.path != e.info.path) continue;
      found = true;
      EXPECT_EQ(e.content, input.content) << e.info.path;
      EXPECT_EQ(e.info.size, input.content.size()) << e.info.path;
      EXPECT_EQ(e.info.executable, input.executable) << e.info.path;
      EXPECT_EQ(e.info.mode, input.executable ? 0755u : 0644u) << e.info.path;
    }
    EXPECT_TRUE(found) << e.info.path;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"README", "bin", "bin/handler", "config.json", "lib-extra", "lib",
                                             "lib/util", "lib/util/__init__.py", "lib/util/strings.py"}));
}

std::string LongPath() {
  // A directory name and a file name that each push the stored name past 100 bytes.
  return std::string(120, 'd') + "/" + std::string(150, 'f') + ".txt";
}

TEST(TarWriter, WritesLongNamesThroughPaxAndReadsThemBack) {
  std::string long_path = LongPath();
  auto archive = WriteToString({Input(long_path, "long"), Input("short", "s")});
  ASSERT_THAT(archive, IsOk());
  // The first block is a pax header for the long directory.
  EXPECT_EQ((*archive)[156], 'x');
  EXPECT_NE(archive->find("path=" + std::string(120, 'd') + "/\n"), std::string::npos);
  EXPECT_NE(archive->find("path=" + long_path + "\n"), std::string::npos);
  auto entries = ReadArchive(*archive);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].info.path, std::string(120, 'd'));
  EXPECT_TRUE((*entries)[0].info.is_directory);
  EXPECT_EQ((*entries)[1].info.path, long_path);
  EXPECT_EQ((*entries)[1].content, "long");
  EXPECT_EQ((*entries)[2].info.path, "short");
}

TEST(TarWriter, WritesAPathOfExactly100BytesWithoutPax) {
  std::string path(100, 'p');
  auto archive = WriteToString({Input(path, "x")});
  ASSERT_THAT(archive, IsOk());
  EXPECT_EQ((*archive)[156], '0');
  EXPECT_EQ(archive->size(), 512u + 512u + 1024u);
  auto entries = ReadArchive(*archive);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].info.path, path);
}

TEST(TarWriter, WritesSizesOfEightGiBThroughPax) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  std::string path = dir + "/sparse";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  const uint64_t size = uint64_t{8} << 30;
  int rc = ::ftruncate(fd, static_cast<off_t>(size));
  ::close(fd);
  if (rc != 0) GTEST_SKIP() << "cannot make an 8 GiB sparse file here";
  ArchiveInput input;
  input.path = "big";
  input.source_path = path;
  std::vector<ArchiveInput> inputs = {input};
  auto plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  ASSERT_EQ(plan->entries.size(), 1u);
  EXPECT_EQ(plan->entries[0].size, size);
  EXPECT_EQ(plan->archive_size, 512u + 512u + 512u + size + 1024u);

  // Capture only the headers: the sink stops the writer once they are out.
  class HeaderSink : public ByteSink {
   public:
    Status Write(std::string_view bytes) override {
      data.append(bytes.substr(0, 4096));
      if (data.size() >= 1536) return InternalError("enough");
      return OkStatus();
    }
    std::string data;
  } sink;
  Status s = WriteTar(*plan, &sink);
  ASSERT_EQ(s.message(), "enough");
  const std::string& headers = sink.data;
  EXPECT_EQ(headers[156], 'x');
  EXPECT_NE(headers.find("size=8589934592\n"), std::string::npos);
  EXPECT_EQ(headers.substr(1024 + 124, 12), std::string("00000000000\0", 12));
  StringSource source(std::string_view(headers).substr(0, 1536));
  TarReader reader(&source);
  TarEntryInfo entry;
  auto more = reader.Next(&entry);
  ASSERT_THAT(more, IsOk());
  EXPECT_TRUE(*more);
  EXPECT_EQ(entry.path, "big");
  EXPECT_EQ(entry.size, size);
}

TEST(TarWriter, IsListedByGnuTarWithNamesAndModes) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  std::vector<ArchiveInput> inputs = SampleInputs();
  inputs.push_back(Input(LongPath(), "long"));
  auto archive = WriteToString(inputs);
  ASSERT_THAT(archive, IsOk());
  WriteRaw(dir + "/out.tar", *archive);
  int exit_code = 0;
  std::string listing = RunCommand("TZ=UTC /usr/bin/tar -tvf '" + dir + "/out.tar' 2>&1", &exit_code);
  ASSERT_EQ(exit_code, 0) << listing;
  auto dir_line = [](const std::string& name) { return "drwxr-xr-x 0/0 0 2000-01-01 00:00 " + name + "/"; };
  auto file_line = [](const ArchiveInput& input) {
    return std::string(input.executable ? "-rwxr-xr-x" : "-rw-r--r--") + " 0/0 " +
           std::to_string(input.content.size()) + " 2000-01-01 00:00 " + input.path;
  };
  // inputs: 0 bin/handler, 1 lib/util/strings.py, 2 lib/util/__init__.py, 3 README, 4 lib-extra,
  // 5 config.json, 6 the long path.
  std::vector<std::string> expected = {
      file_line(inputs[3]),
      dir_line("bin"),
      file_line(inputs[0]),
      file_line(inputs[5]),
      dir_line(std::string(120, 'd')),
      file_line(inputs[6]),
      file_line(inputs[4]),
      dir_line("lib"),
      dir_line("lib/util"),
      file_line(inputs[2]),
      file_line(inputs[1]),
  };
  // Collapse the column padding GNU tar adds.
  std::vector<std::string> actual;
  for (const std::string& line : Lines(listing)) {
    std::istringstream fields(line);
    std::string mode, owner, size, date, time, name;
    fields >> mode >> owner >> size >> date >> time >> name;
    actual.push_back(mode + " " + owner + " " + size + " " + date + " " + time + " " + name);
  }
  EXPECT_EQ(actual, expected) << listing;
}

TEST(TarWriter, IsExtractedByGnuTarWithContentAndModes) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  auto archive = WriteToString(SampleInputs());
  ASSERT_THAT(archive, IsOk());
  WriteRaw(dir + "/out.tar", *archive);
  ASSERT_EQ(::mkdir((dir + "/x").c_str(), 0755), 0);
  int exit_code = 0;
  std::string output = RunCommand("/usr/bin/tar -xpf '" + dir + "/out.tar' -C '" + dir + "/x' 2>&1", &exit_code);
  ASSERT_EQ(exit_code, 0) << output;
  for (const ArchiveInput& input : SampleInputs()) {
    std::string path = dir + "/x/" + input.path;
    EXPECT_EQ(ReadRaw(path), input.content) << input.path;
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << input.path;
    EXPECT_EQ(st.st_mode & 0777, input.executable ? 0755u : 0644u) << input.path;
  }
}

TEST(TarWriter, IsListedByBsdtar) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  auto archive = WriteToString({Input(LongPath(), "long"), Input("a/b", "b")});
  ASSERT_THAT(archive, IsOk());
  WriteRaw(dir + "/out.tar", *archive);
  int exit_code = 0;
  std::string listing = RunCommand("/usr/bin/bsdtar -tf '" + dir + "/out.tar' 2>&1", &exit_code);
  ASSERT_EQ(exit_code, 0) << listing;
  EXPECT_EQ(Lines(listing), (std::vector<std::string>{"a/", "a/b", std::string(120, 'd') + "/", LongPath()}));
}

TEST(TarWriter, StreamsSourceFiles) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  std::string content(200000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 31 % 251);
  WriteRaw(dir + "/src", content);
  ArchiveInput input = FileInput("data.bin", dir + "/src");
  auto archive = WriteToString({input});
  ASSERT_THAT(archive, IsOk());
  auto entries = ReadArchive(*archive);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_TRUE((*entries)[0].content == content);
}

TEST(TarWriter, RejectsASourceFileThatGrewAfterPlanning) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  WriteRaw(dir + "/src", "short");
  ArchiveInput input = FileInput("f", dir + "/src");
  std::vector<ArchiveInput> inputs = {input};
  auto plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  WriteRaw(dir + "/src", "much longer now");
  StringSink sink;
  Status s = WriteTar(*plan, &sink);
  ExpectChangedSize(s);
}

TEST(TarWriter, RejectsASourceFileThatShrankAfterPlanning) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  WriteRaw(dir + "/src", "long enough content");
  ArchiveInput input = FileInput("f", dir + "/src");
  std::vector<ArchiveInput> inputs = {input};
  auto plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  WriteRaw(dir + "/src", "short");
  StringSink sink;
  Status s = WriteTar(*plan, &sink);
  ExpectChangedSize(s, "'" + dir + "/src' changed size while being archived");
}

TEST(TarWriter, ReportsEachFilesSha256InEntryOrder) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  // A file larger than one read, an empty one, and one held in memory, under directories.
  std::string big(700 * 1024 + 5, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 3);
  WriteRaw(dir + "/big", big);
  WriteRaw(dir + "/empty", "");
  ArchiveInput from_file = FileInput("b/big", dir + "/big");
  ArchiveInput empty_file = FileInput("a/empty", dir + "/empty");
  std::vector<ArchiveInput> inputs = {from_file, Input("c", "abc"), empty_file};
  auto plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  StringSink sink;
  std::vector<std::string> sha256s;
  ASSERT_THAT(WriteTar(*plan, &sink, &sha256s), IsOk());
  // Archive order: a/, a/empty, b/, b/big, c.
  ASSERT_EQ(sha256s.size(), 5u);
  EXPECT_EQ(sha256s[0], "");
  EXPECT_EQ(sha256s[1], Sha256Hex(""));
  EXPECT_EQ(sha256s[2], "");
  EXPECT_EQ(sha256s[3], Sha256Hex(big));
  EXPECT_EQ(sha256s[4], Sha256Hex("abc"));
  StringSink plain;
  ASSERT_THAT(WriteTar(*plan, &plain), IsOk());
  EXPECT_TRUE(plain.data() == sink.data()) << "asking for digests changed the archive";
}

TEST(TarWriter, RejectsAGrownSourceFileWhileDigesting) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  WriteRaw(dir + "/src", "short");
  ArchiveInput input = FileInput("f", dir + "/src");
  std::vector<ArchiveInput> inputs = {Input("a", "first"), input, Input("z", "last")};
  auto plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  WriteRaw(dir + "/src", std::string(600 * 1024, 'x'));
  StringSink sink;
  std::vector<std::string> sha256s;
  Status s = WriteTar(*plan, &sink, &sha256s);
  ExpectChangedSize(s);
}

TEST(TarPlan, TakesTheSourceSizeTheCallerStatted) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  WriteRaw(dir + "/src", "12345");
  ArchiveInput input = FileInput("f", dir + "/src");
  input.source_size = 5;
  std::vector<ArchiveInput> inputs = {input};
  auto plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  EXPECT_EQ(plan->entries[0].size, 5u);
  // A size that the file no longer has is caught while writing, as a change would be.
  inputs[0].source_size = 4;
  plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  StringSink sink;
  Status s = WriteTar(*plan, &sink);
  ExpectChangedSize(s);
}

TEST(TarPlan, RejectsADuplicatePath) {
  auto plan = PlanTar({Input("a", "1"), Input("a", "2")});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("archive entry 'a' is given twice"), std::string::npos)
      << plan.status().ToString();
}

TEST(TarPlan, RejectsAPathThatIsBothFileAndDirectory) {
  auto plan = PlanTar({Input("a/b", "1"), Input("a", "2")});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("archive entry 'a' is both a file and a directory"), std::string::npos)
      << plan.status().ToString();
}

TEST(TarPlan, RejectsAnUnsafePath) {
  auto plan = PlanTar({Input("ok", "1"), Input("../escape", "2")});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("'../escape' escapes the destination"), std::string::npos)
      << plan.status().ToString();
}

TEST(TarPlan, RejectsAMissingSourceFile) {
  ArchiveInput input;
  input.path = "f";
  input.source_path = "/nonexistent/fnseal/source";
  auto plan = PlanTar({input});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kNotFound);
  EXPECT_NE(plan.status().message().find("cannot stat '/nonexistent/fnseal/source'"), std::string::npos)
      << plan.status().ToString();
}

TEST(TarPlan, RejectsASourceThatIsNotARegularFile) {
  std::string dir = test::NewTestDir("tar_test");
  ASSERT_FALSE(dir.empty());
  ArchiveInput input;
  input.path = "f";
  input.source_path = dir;
  auto plan = PlanTar({input});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("is not a regular file"), std::string::npos) << plan.status().ToString();
}

TEST(TarPlan, RejectsAnMtimeOutsideTheUstarRange) {
  auto negative = PlanTar({Input("f", "")}, -1);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(negative.status().message().find("mtime -1 is outside the ustar range"), std::string::npos)
      << negative.status().ToString();
  auto huge = PlanTar({Input("f", "")}, int64_t{1} << 33);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(huge.status().message().find("is outside the ustar range"), std::string::npos) << huge.status().ToString();
}

// ---------------------------------------------------------------------------------------------
// Reader: well-formed input

TEST(TarReader, ReadsContentInSmallPieces) {
  std::string content = "0123456789abcdefghij";
  std::string archive = FileEntry("f", content) + kEnd;
  StringSource source(archive);
  TarReader reader(&source);
  TarEntryInfo entry;
  auto more = reader.Next(&entry);
  ASSERT_THAT(more, IsOk());
  ASSERT_TRUE(*more);
  std::string got;
  char buf[3];
  for (;;) {
    auto n = reader.Read(buf, sizeof(buf));
    ASSERT_THAT(n, IsOk());
    if (*n == 0) break;
    got.append(buf, *n);
  }
  EXPECT_EQ(got, content);
  auto end = reader.Next(&entry);
  ASSERT_THAT(end, IsOk());
  EXPECT_FALSE(*end);
  auto after = reader.Next(&entry);
  ASSERT_THAT(after, IsOk());
  EXPECT_FALSE(*after);
}

TEST(TarReader, NextSkipsUnreadContent) {
  std::string archive = FileEntry("a", std::string(70000, 'a')) + FileEntry("b", "bee") + kEnd;
  StringSource source(archive);
  TarReader reader(&source);
  TarEntryInfo entry;
  ASSERT_TRUE(*reader.Next(&entry));
  EXPECT_EQ(entry.path, "a");
  char buf[10];
  ASSERT_EQ(*reader.Read(buf, sizeof(buf)), 10u);
  auto more = reader.Next(&entry);
  ASSERT_THAT(more, IsOk());
  ASSERT_TRUE(*more);
  EXPECT_EQ(entry.path, "b");
  auto content = reader.ReadAll(100);
  ASSERT_THAT(content, IsOk());
  EXPECT_EQ(*content, "bee");
}

TEST(TarReader, ReadAllRejectsContentOverItsLimit) {
  std::string archive = FileEntry("f", "12345") + kEnd;
  StringSource source(archive);
  TarReader reader(&source);
  TarEntryInfo entry;
  ASSERT_TRUE(*reader.Next(&entry));
  auto content = reader.ReadAll(4);
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(content.status().message().find("archive entry is larger than the limit of 4 bytes"), std::string::npos)
      << content.status().ToString();
}

TEST(TarReader, AcceptsZeroPaddingAfterTheEndMarker) {
  // GNU tar pads archives to a multiple of 10240 bytes.
  auto entries = ReadArchive(FileEntry("f", "x") + kEnd + std::string(8704, '\0'));
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(entries->size(), 1u);
}

TEST(TarReader, JoinsTheUstarPrefixAndName) {
  std::string h = Header("name.txt", '0', 2);
  Put(&h, 345, "some/prefix");
  SetChecksum(&h);
  auto entries = ReadArchive(h + Pad("hi") + kEnd);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].info.path, "some/prefix/name.txt");
}

TEST(TarReader, AcceptsEntriesWithoutParentDirectories) {
  auto entries = ReadArchive(FileEntry("a/b/c", "c") + kEnd);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].info.path, "a/b/c");
}

// ---------------------------------------------------------------------------------------------
// Reader: hostile input. Each archive is also in testdata/hostile (see HostileTarCorpus below).

TEST(TarReader, RejectsPathTraversal) {
  ExpectRejected(FileEntry("../x", "pwned\n") + kEnd, StatusCode::kInvalidArgument,
                 "archive entry '../x' escapes the destination");
}

TEST(TarReader, RejectsPathTraversalInsideThePath) {
  ExpectRejected(FileEntry("a/../../x", "pwned\n") + kEnd, StatusCode::kInvalidArgument, "escapes the destination");
}

TEST(TarReader, RejectsPathTraversalThroughAPaxPath) {
  ExpectRejected(PaxHeader(PaxRecord("path", "../../x")) + FileEntry("innocent", "pwned\n") + kEnd,
                 StatusCode::kInvalidArgument, "archive entry '../../x' escapes the destination");
}

TEST(TarReader, RejectsAnAbsolutePath) {
  ExpectRejected(FileEntry("/etc/x", "pwned\n") + kEnd, StatusCode::kInvalidArgument,
                 "archive entry '/etc/x' is an absolute path");
}

TEST(TarReader, RejectsASymlinkEntry) {
  HeaderSpec spec;
  spec.name = "link";
  spec.type = '2';
  spec.linkname = "/etc/passwd";
  ExpectRejected(Header(spec) + kEnd, StatusCode::kInvalidArgument, "archive entry 'link' is a symbolic link");
}

TEST(TarReader, RejectsAHardlinkEntry) {
  HeaderSpec spec;
  spec.name = "link";
  spec.type = '1';
  spec.linkname = "/etc/passwd";
  ExpectRejected(Header(spec) + kEnd, StatusCode::kInvalidArgument, "archive entry 'link' is a hard link");
}

TEST(TarReader, RejectsACharacterDeviceEntry) {
  HeaderSpec spec;
  spec.name = "null";
  spec.type = '3';
  spec.devmajor = 1;
  spec.devminor = 3;
  ExpectRejected(Header(spec) + kEnd, StatusCode::kInvalidArgument, "archive entry 'null' is a device");
}

TEST(TarReader, RejectsABlockDeviceEntry) {
  HeaderSpec spec;
  spec.name = "sda";
  spec.type = '4';
  spec.devmajor = 8;
  ExpectRejected(Header(spec) + kEnd, StatusCode::kInvalidArgument, "archive entry 'sda' is a device");
}

TEST(TarReader, RejectsANamedPipeEntry) {
  ExpectRejected(Header("fifo", '6') + kEnd, StatusCode::kInvalidArgument, "archive entry 'fifo' is a named pipe");
}

TEST(TarReader, RejectsAGnuLongNameEntry) {
  ExpectRejected(Header("././@LongLink", 'L', 5) + Pad("long\0") + FileEntry("x") + kEnd, StatusCode::kInvalidArgument,
                 "has unsupported type 'L'");
}

TEST(TarReader, RejectsDuplicateNames) {
  ExpectRejected(FileEntry("a", "first\n") + FileEntry("a", "second\n") + kEnd, StatusCode::kInvalidArgument,
                 "archive entry 'a' appears twice");
}

TEST(TarReader, RejectsADirectoryThatRepeatsAFileName) {
  ExpectRejected(FileEntry("a", "file") + Header("a/", '5') + kEnd, StatusCode::kInvalidArgument,
                 "archive entry 'a' appears twice");
}

TEST(TarReader, RejectsAnEntryInsideAFile) {
  ExpectRejected(FileEntry("f", "file\n") + FileEntry("f/child", "child\n") + kEnd, StatusCode::kInvalidArgument,
                 "archive entry 'f/child' is inside the file 'f'");
}

TEST(TarReader, RejectsADirectoryInsideAFile) {
  ExpectRejected(FileEntry("f", "file\n") + Header("f/sub/", '5') + kEnd, StatusCode::kInvalidArgument,
                 "archive entry 'f/sub' is inside the file 'f'");
}

TEST(TarReader, RejectsAFileThatIsAnEarlierEntrysParent) {
  ExpectRejected(FileEntry("d/child", "child\n") + FileEntry("d", "file\n") + kEnd, StatusCode::kInvalidArgument,
                 "archive entry 'd' is both a file and a directory");
}

TEST(TarReader, RejectsAFileWhereAnEarlierDirectoryEntryLives) {
  ExpectRejected(Header("d/sub/", '5') + FileEntry("d", "file\n") + kEnd, StatusCode::kInvalidArgument,
                 "archive entry 'd' is both a file and a directory");
}

TEST(TarReader, AcceptsAFileWhoseNameIsAPrefixOfAnotherName) {
  auto entries = ReadArchive(FileEntry("ab/c", "c") + FileEntry("a-b", "x") + FileEntry("a", "a") + kEnd);
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(entries->size(), 3u);
}

TEST(TarReader, RejectsABadChecksum) {
  HeaderSpec spec;
  spec.name = "a";
  spec.checksum_delta = 1;
  ExpectRejected(Header(spec) + kEnd, StatusCode::kDataLoss, "tar header checksum mismatch");
}

TEST(TarReader, RejectsAFlippedBitUnderAValidLookingChecksum) {
  std::string archive = FileEntry("a", "x") + kEnd;
  archive[0] = 'b';
  ExpectRejected(archive, StatusCode::kDataLoss, "tar header checksum mismatch");
}

TEST(TarReader, RejectsATruncatedHeader) {
  ExpectRejected(Header("a").substr(0, 300), StatusCode::kDataLoss, "unexpected end of tar archive");
}

TEST(TarReader, RejectsTruncatedContentWhenReading) {
  ExpectRejected(Header("a", '0', 1000) + std::string(100, 'x'), StatusCode::kDataLoss,
                 "unexpected end of tar archive inside an entry");
}

TEST(TarReader, RejectsTruncatedContentWhenSkipping) {
  std::string archive = Header("a", '0', 1000) + std::string(100, 'x');
  StringSource source(archive);
  TarReader reader(&source);
  TarEntryInfo entry;
  ASSERT_TRUE(*reader.Next(&entry));
  auto more = reader.Next(&entry);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(more.status().message().find("unexpected end of tar archive inside an entry"), std::string::npos)
      << more.status().ToString();
}

TEST(TarReader, RejectsTruncatedPadding) {
  ExpectRejected(Header("a", '0', 5) + "hello", StatusCode::kDataLoss, "unexpected end of tar archive");
}

TEST(TarReader, RejectsAMissingEndMarker) {
  ExpectRejected(FileEntry("a", "data\n"), StatusCode::kDataLoss, "unexpected end of tar archive");
}

TEST(TarReader, RejectsAnIncompleteEndMarker) {
  ExpectRejected(FileEntry("a", "data\n") + std::string(512, '\0') + FileEntry("b"), StatusCode::kDataLoss,
                 "tar end-of-archive marker is incomplete");
}

TEST(TarReader, RejectsTrailingGarbageAfterTheEndMarker) {
  ExpectRejected(FileEntry("a", "data\n") + kEnd + Pad("garbage"), StatusCode::kDataLoss,
                 "tar archive has trailing data after its end");
}

TEST(TarReader, RejectsAnEntryHiddenAfterTheEndMarker) {
  ExpectRejected(FileEntry("a") + kEnd + FileEntry("hidden", "x") + kEnd, StatusCode::kDataLoss,
                 "trailing data after its end");
}

TEST(TarReader, RejectsAnEntryOverTheSizeLimit) {
  TarLimits limits;
  limits.max_entry_size = 1000;
  ExpectRejected(Header("big", '0', 1001) + Pad(std::string(1001, 'b')) + kEnd, StatusCode::kResourceExhausted,
                 "archive entry 'big' is larger than the limit of 1000 bytes", limits);
}

TEST(TarReader, AcceptsAnEntryExactlyAtTheSizeLimit) {
  TarLimits limits;
  limits.max_entry_size = 1000;
  auto entries = ReadArchive(FileEntry("ok", std::string(1000, 'o')) + kEnd, limits);
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(entries->size(), 1u);
}

TEST(TarReader, RejectsAnOversizedSizeFieldBeforeReadingContent) {
  // Claims 64 GiB - 1 in all twelve bytes of the size field; no content follows.
  std::string h = Header("big");
  Put(&h, 124, "777777777777");
  SetChecksum(&h);
  ExpectRejected(h + kEnd, StatusCode::kResourceExhausted, "archive entry 'big' is larger than the limit of");
}

TEST(TarReader, RejectsAnOversizedPaxSizeBeforeReadingContent) {
  ExpectRejected(PaxHeader(PaxRecord("size", "1099511627776")) + Header("big") + kEnd, StatusCode::kResourceExhausted,
                 "archive entry 'big' is larger than the limit of 8589934592 bytes");
}

TEST(TarReader, RejectsArchivesOverTheTotalSizeLimit) {
  TarLimits limits;
  limits.max_total_size = 10;
  ExpectRejected(FileEntry("a", "123456") + FileEntry("b", "123456") + kEnd, StatusCode::kResourceExhausted,
                 "tar archive content exceeds the limit of 10 bytes", limits);
}

TEST(TarReader, RejectsTooManyEntries) {
  TarLimits limits;
  limits.max_entries = 4;
  std::string archive;
  for (int i = 0; i < 5; ++i) archive += FileEntry("f" + std::to_string(i));
  ExpectRejected(archive + kEnd, StatusCode::kResourceExhausted, "tar archive has more than 4 entries", limits);
}

TEST(TarReader, AcceptsEntriesUpToTheCountLimit) {
  TarLimits limits;
  limits.max_entries = 4;
  std::string archive;
  for (int i = 0; i < 4; ++i) archive += FileEntry("f" + std::to_string(i));
  auto entries = ReadArchive(archive + kEnd, limits);
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(entries->size(), 4u);
}

TEST(TarReader, RejectsAnUnknownPaxKey) {
  ExpectRejected(PaxHeader(PaxRecord("linkpath", "/etc/passwd")) + FileEntry("a") + kEnd, StatusCode::kInvalidArgument,
                 "pax header key 'linkpath' is not one fnseal writes");
}

TEST(TarReader, RejectsAGlobalPaxHeader) {
  ExpectRejected(Header("global", 'g', 0) + FileEntry("a") + kEnd, StatusCode::kInvalidArgument,
                 "has unsupported type 'g'");
}

TEST(TarReader, RejectsAPaxRecordLengthThatOverflows) {
  // 2^64 + 30: wrapping arithmetic would read a valid 30-byte record.
  ExpectRejected(PaxHeader("18446744073709551646 path=abc\n") + FileEntry("a") + kEnd, StatusCode::kDataLoss,
                 "pax header record length disagrees with its content");
}

TEST(TarReader, RejectsAPaxRecordWithAWrongLength) {
  ExpectRejected(PaxHeader("99 path=abc\n") + FileEntry("a") + kEnd, StatusCode::kDataLoss,
                 "pax header record length disagrees with its content");
  ExpectRejected(PaxHeader("11 path=abc\n") + FileEntry("a") + kEnd, StatusCode::kDataLoss,
                 "pax header record does not end in a newline");
}

TEST(TarReader, RejectsAPaxRecordWithoutALength) {
  ExpectRejected(PaxHeader("path=abc\n") + FileEntry("a") + kEnd, StatusCode::kDataLoss,
                 "pax header record has no length");
  ExpectRejected(PaxHeader("1x path=abc\n") + FileEntry("a") + kEnd, StatusCode::kDataLoss,
                 "pax header record length is not decimal");
}

TEST(TarReader, RejectsARepeatedPaxKey) {
  ExpectRejected(PaxHeader(PaxRecord("path", "a") + PaxRecord("path", "b")) + FileEntry("x") + kEnd,
                 StatusCode::kDataLoss, "pax header repeats the key 'path'");
}

TEST(TarReader, RejectsAPaxSizeThatIsNotANumber) {
  ExpectRejected(PaxHeader(PaxRecord("size", "12x")) + FileEntry("a") + kEnd, StatusCode::kDataLoss,
                 "pax size '12x' is not a decimal number");
}

TEST(TarReader, RejectsAPaxPathWithANul) {
  ExpectRejected(PaxHeader(PaxRecord("path", std::string("a\0b", 3))) + FileEntry("a") + kEnd, StatusCode::kDataLoss,
                 "tar entry name contains NUL");
}

TEST(TarReader, RejectsTwoPaxHeadersInARow) {
  ExpectRejected(PaxHeader(PaxRecord("path", "a")) + PaxHeader(PaxRecord("path", "b")) + FileEntry("x") + kEnd,
                 StatusCode::kDataLoss, "two pax headers in a row");
}

TEST(TarReader, RejectsAPaxHeaderFollowedByTheEnd) {
  ExpectRejected(PaxHeader(PaxRecord("path", "a")) + kEnd, StatusCode::kDataLoss,
                 "pax header is not followed by an entry");
}

TEST(TarReader, RejectsAnOversizedPaxHeader) {
  ExpectRejected(Header("PaxHeaders/x", 'x', 1 << 20) + kEnd, StatusCode::kResourceExhausted,
                 "pax header size 1048576 is out of range");
}

TEST(TarReader, RejectsANonUstarMagic) {
  HeaderSpec spec;
  spec.name = "a";
  spec.magic = std::string("ustar  \0", 8);  // GNU
  ExpectRejected(Header(spec) + kEnd, StatusCode::kDataLoss, "tar header is not ustar");
}

TEST(TarReader, RejectsAMalformedSizeField) {
  std::string h = Header("a");
  Put(&h, 124, "0000000x000");
  SetChecksum(&h);
  ExpectRejected(h + kEnd, StatusCode::kDataLoss, "tar header has a malformed size field");
}

TEST(TarReader, RejectsABase256SizeField) {
  std::string h = Header("a");
  Put(&h, 124, std::string("\x80\0\0\0\0\0\0\0\0\0\0\x05", 12));
  SetChecksum(&h);
  ExpectRejected(h + kEnd, StatusCode::kDataLoss, "tar header has a malformed size field");
}

TEST(TarReader, RejectsAnEmptyChecksumField) {
  std::string h = Header("a");
  Put(&h, 148, std::string(8, ' '));
  ExpectRejected(h + kEnd, StatusCode::kDataLoss, "tar header has an empty checksum field");
}

TEST(TarReader, RejectsADirectoryWithContent) {
  ExpectRejected(Header("d/", '5', 5) + Pad("12345") + kEnd, StatusCode::kDataLoss,
                 "directory entry 'd' has a non-zero size");
}

TEST(TarReader, RejectsAFileWhoseNameEndsInASlash) {
  ExpectRejected(FileEntry("f/", "x") + kEnd, StatusCode::kInvalidArgument, "has an empty path component");
}

TEST(TarReader, RejectsAnEmptyName) {
  ExpectRejected(FileEntry("", "x") + kEnd, StatusCode::kInvalidArgument, "archive entry has an empty path");
}

// ---------------------------------------------------------------------------------------------
// The checked-in corpus (testdata/hostile, see its README) is rejected for the same reasons.

struct HostileCase {
  const char* file;
  StatusCode code;
  const char* fragment;
  uint64_t max_entries;
};

void PrintTo(const HostileCase& c, std::ostream* os) { *os << c.file; }

class HostileTarCorpus : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileTarCorpus, FileIsRejected) {
  const HostileCase& c = GetParam();
  std::string path = std::string("testdata/hostile/") + c.file;
  std::string archive = ReadRaw(path);
  ASSERT_FALSE(archive.empty()) << "cannot read " << path;
  TarLimits limits;
  limits.max_entries = c.max_entries;
  ExpectRejected(archive, c.code, c.fragment, limits);
}

constexpr uint64_t kDefaultMaxEntries = TarLimits{}.max_entries;

INSTANTIATE_TEST_SUITE_P(
    TestdataHostile, HostileTarCorpus,
    ::testing::Values(
        HostileCase{"tar-path-traversal.tar", StatusCode::kInvalidArgument, "'../x' escapes the destination",
                    kDefaultMaxEntries},
        HostileCase{"tar-absolute-path.tar", StatusCode::kInvalidArgument, "'/etc/x' is an absolute path",
                    kDefaultMaxEntries},
        HostileCase{"tar-pax-path-traversal.tar", StatusCode::kInvalidArgument, "'../../x' escapes the destination",
                    kDefaultMaxEntries},
        HostileCase{"tar-symlink.tar", StatusCode::kInvalidArgument, "'link' is a symbolic link", kDefaultMaxEntries},
        HostileCase{"tar-hardlink.tar", StatusCode::kInvalidArgument, "'link' is a hard link", kDefaultMaxEntries},
        HostileCase{"tar-device.tar", StatusCode::kInvalidArgument, "'null' is a device", kDefaultMaxEntries},
        HostileCase{"tar-duplicate-name.tar", StatusCode::kInvalidArgument, "'a' appears twice", kDefaultMaxEntries},
        HostileCase{"tar-file-then-child.tar", StatusCode::kInvalidArgument, "'f/child' is inside the file 'f'",
                    kDefaultMaxEntries},
        HostileCase{"tar-child-then-file.tar", StatusCode::kInvalidArgument, "'d' is both a file and a directory",
                    kDefaultMaxEntries},
        HostileCase{"tar-bad-checksum.tar", StatusCode::kDataLoss, "checksum mismatch", kDefaultMaxEntries},
        HostileCase{"tar-truncated-header.tar", StatusCode::kDataLoss, "unexpected end of tar archive",
                    kDefaultMaxEntries},
        HostileCase{"tar-truncated-content.tar", StatusCode::kDataLoss, "unexpected end of tar archive inside an entry",
                    kDefaultMaxEntries},
        HostileCase{"tar-missing-end-marker.tar", StatusCode::kDataLoss, "unexpected end of tar archive",
                    kDefaultMaxEntries},
        HostileCase{"tar-trailing-garbage.tar", StatusCode::kDataLoss, "trailing data after its end",
                    kDefaultMaxEntries},
        HostileCase{"tar-oversized-entry.tar", StatusCode::kResourceExhausted,
                    "'big' is larger than the limit of 8589934592 bytes", kDefaultMaxEntries},
        HostileCase{"tar-too-many-entries.tar", StatusCode::kResourceExhausted, "more than 4 entries", 4},
        HostileCase{"tar-unknown-pax-key.tar", StatusCode::kInvalidArgument,
                    "pax header key 'linkpath' is not one fnseal writes", kDefaultMaxEntries},
        HostileCase{"tar-pax-length-overflow.tar", StatusCode::kDataLoss,
                    "pax header record length disagrees with its content", kDefaultMaxEntries}),
    [](const ::testing::TestParamInfo<HostileCase>& info) {
      std::string name;
      for (const char* p = info.param.file; *p != '\0' && *p != '.'; ++p) {
        name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
      }
      return name;
    });

TEST(HostileTarFiles, TooManyEntriesFileIsValidUnderTheDefaultLimit) {
  // So that the file above fails only because of the count limit.
  auto entries = ReadArchive(ReadRaw("testdata/hostile/tar-too-many-entries.tar"));
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(entries->size(), 5u);
}

TEST(TarReader, RejectsSetuidSetgidAndStickyBits) {
  for (uint32_t mode : {04755u, 02755u, 01755u}) {
    HeaderSpec spec;
    spec.name = "handler";
    spec.mode = mode;
    ExpectRejected(Header(spec) + kEnd, StatusCode::kInvalidArgument, "has setuid, setgid or sticky bits");
  }
}

}  // namespace
}  // namespace fnseal
