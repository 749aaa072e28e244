#include "core/file.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

// Names in `dir`, without "." and "..", sorted.
std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

bool HasTempFile(const std::string& dir) {
  for (const std::string& name : ListDir(dir)) {
    if (name.find(".tmp-") != std::string::npos) return true;
  }
  return false;
}

void WriteRaw(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string ReadRaw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

uint32_t ModeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0xffffffff;
  return st.st_mode & 07777;
}

bool Contains(const Status& s, const std::string& fragment) { return s.message().find(fragment) != std::string::npos; }

// Sets the process umask for the life of the object.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTestDir("file_test");
    ASSERT_FALSE(dir_.empty());
  }
  std::string dir_;
  ScopedUmask umask_{022};
};

// ---- ReadFile ----

TEST_F(FileTest, ReadFileReturnsTheWholeFile) {
  std::string data(200000, 'x');
  data[12345] = '\0';
  WriteRaw(dir_ + "/f", data);
  auto r = ReadFile(dir_ + "/f");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, data);
}

TEST_F(FileTest, ReadFileAcceptsAFileExactlyAtTheLimit) {
  WriteRaw(dir_ + "/f", "0123456789");
  auto r = ReadFile(dir_ + "/f", 10);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, "0123456789");
}

TEST_F(FileTest, ReadFileRejectsAFileOverTheLimit) {
  WriteRaw(dir_ + "/f", "0123456789");
  auto r = ReadFile(dir_ + "/f", 9);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(r.status(), "is larger than the limit of 9 bytes")) << r.status().ToString();
}

TEST_F(FileTest, ReadFileRejectsALargeFileOverASmallLimitAcrossChunks) {
  WriteRaw(dir_ + "/f", std::string(300000, 'y'));
  auto r = ReadFile(dir_ + "/f", 100000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Contains(r.status(), "limit of 100000 bytes")) << r.status().ToString();
}

TEST_F(FileTest, ReadFileReportsAMissingFileAsNotFound) {
  auto r = ReadFile(dir_ + "/missing");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(r.status(), "cannot open '" + dir_ + "/missing'")) << r.status().ToString();
}

// ---- WriteFileAtomic ----

TEST_F(FileTest, WriteFileAtomicSetsContentAndDefaultMode) {
  std::string path = dir_ + "/out";
  Status s = WriteFileAtomic(path, "hello");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(ReadRaw(path), "hello");
  EXPECT_EQ(ModeOf(path), 0644u);
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"out"});
}

TEST_F(FileTest, WriteFileAtomicSetsAnExecutableMode) {
  std::string path = dir_ + "/tool";
  Status s = WriteFileAtomic(path, "#!/bin/sh\n", 0755);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(ModeOf(path), 0755u);
}

TEST_F(FileTest, WriteFileAtomicAppliesTheUmask) {
  ScopedUmask strict(077);
  std::string path = dir_ + "/private";
  Status s = WriteFileAtomic(path, "secret", 0644);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(ModeOf(path), 0600u);
}

TEST_F(FileTest, WriteFileAtomicReplacesAnExistingFile) {
  std::string path = dir_ + "/out";
  WriteRaw(path, "old content that is longer");
  Status s = WriteFileAtomic(path, "new");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(ReadRaw(path), "new");
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"out"});
}

TEST_F(FileTest, WriteFileAtomicWritesAnEmptyFile) {
  std::string path = dir_ + "/empty";
  Status s = WriteFileAtomic(path, "");
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(PathExists(path));
  EXPECT_EQ(ReadRaw(path), "");
}

TEST_F(FileTest, WriteFileAtomicIntoAMissingDirectoryFailsWithoutLeftovers) {
  Status s = WriteFileAtomic(dir_ + "/no/such/dir/out", "data");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(s, "cannot create a temporary file for '" + dir_ + "/no/such/dir/out'")) << s.ToString();
  EXPECT_TRUE(ListDir(dir_).empty());
}

TEST_F(FileTest, WriteFileAtomicOverADirectoryFailsAndLeavesItUntouched) {
  std::string path = dir_ + "/target";
  ASSERT_EQ(::mkdir(path.c_str(), 0755), 0);
  WriteRaw(path + "/keep", "kept");
  Status s = WriteFileAtomic(path, "data");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInternal);  // EISDIR
  EXPECT_TRUE(Contains(s, "cannot rename into '" + path + "'")) << s.ToString();
  EXPECT_FALSE(HasTempFile(dir_)) << "leftover temporary file";
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"target"});
  EXPECT_EQ(ListDir(path), std::vector<std::string>{"keep"});
  EXPECT_EQ(ReadRaw(path + "/keep"), "kept");
}

TEST_F(FileTest, WriteFileAtomicRejectsAPathNamingNoFile) {
  Status s = WriteFileAtomic(dir_ + "/", "data");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(s, "names no file")) << s.ToString();
  Status empty = WriteFileAtomic("", "data");
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(empty, "output path '' names no file")) << empty.ToString();
  EXPECT_TRUE(ListDir(dir_).empty());
}

TEST_F(FileTest, ConcurrentWritesKeepTheProcessUmaskAndModes) {
  // umask(2) is process-wide: a writer must never change it, even briefly, or a concurrent
  // writer can observe (and then restore) the wrong mask.
  constexpr int kThreads = 8;
  constexpr int kFilesPerThread = 300;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kFilesPerThread; ++i) {
        std::string path = dir_ + "/f" + std::to_string(t) + "_" + std::to_string(i);
        if (!WriteFileAtomic(path, "x", 0666).ok() || ModeOf(path) != 0644) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  mode_t now = ::umask(022);
  EXPECT_EQ(now, 022u);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

// ---- AtomicFile ----

TEST_F(FileTest, AtomicFileIsInvisibleUntilCommit) {
  std::string path = dir_ + "/out";
  auto file = AtomicFile::Create(path);
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT((*file)->Write("part one, "), IsOk());
  ASSERT_THAT((*file)->Write("part two"), IsOk());
  EXPECT_FALSE(PathExists(path));
  EXPECT_TRUE(HasTempFile(dir_));
  Status s = (*file)->Commit();
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(ReadRaw(path), "part one, part two");
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"out"});
}

TEST_F(FileTest, AtomicFileSyncKeepsTheFileInvisibleUntilCommit) {
  std::string path = dir_ + "/out";
  auto file = AtomicFile::Create(path);
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT((*file)->Write("synced, "), IsOk());
  Status synced = (*file)->Sync();
  ASSERT_THAT(synced, IsOk());
  EXPECT_FALSE(PathExists(path));
  ASSERT_THAT((*file)->Write("then more"), IsOk());
  Status s = (*file)->Commit();
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(ReadRaw(path), "synced, then more");
  EXPECT_EQ((*file)->Sync().code(), StatusCode::kFailedPrecondition);
}

// Without fsync the contract is the same: invisible until Commit, then whole, no temp left.
TEST_F(FileTest, AtomicFileWithoutSyncIsStillAllOrNothing) {
  const WriteOptions no_sync{/*sync=*/false};
  std::string path = dir_ + "/out";
  {
    auto abandoned = AtomicFile::Create(dir_ + "/abandoned", 0644, no_sync);
    ASSERT_THAT(abandoned, IsOk());
    ASSERT_THAT((*abandoned)->Write("never committed"), IsOk());
  }
  auto file = AtomicFile::Create(path, 0644, no_sync);
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT((*file)->Write(std::string(5 << 20, 'x')), IsOk());
  ASSERT_THAT((*file)->Sync(), IsOk());
  EXPECT_FALSE(PathExists(path));
  ASSERT_THAT((*file)->Commit(), IsOk());
  EXPECT_EQ(ReadRaw(path), std::string(5 << 20, 'x'));
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"out"});
}

// Large files start their writeback as they go; the bytes are the same, in order.
TEST_F(FileTest, AtomicFileWritesALargeFileInManyPieces) {
  std::string path = dir_ + "/big";
  auto file = AtomicFile::Create(path);
  ASSERT_THAT(file, IsOk());
  std::string want;
  for (int i = 0; i < 330; ++i) {
    std::string piece(40 * 1024 + i, static_cast<char>('a' + i % 26));
    want += piece;
    ASSERT_THAT((*file)->Write(piece), IsOk());
  }
  ASSERT_GT(want.size(), 3u * 4 * 1024 * 1024);
  ASSERT_THAT((*file)->Commit(), IsOk());
  EXPECT_EQ(ReadRaw(path), want);
}

TEST_F(FileTest, AtomicFileDestroyedWithoutCommitLeavesNothing) {
  std::string path = dir_ + "/out";
  {
    auto file = AtomicFile::Create(path);
    ASSERT_THAT(file, IsOk());
    ASSERT_THAT((*file)->Write("abandoned"), IsOk());
  }
  EXPECT_FALSE(PathExists(path));
  EXPECT_TRUE(ListDir(dir_).empty());
}

TEST_F(FileTest, AtomicFileDestroyedWithoutCommitLeavesTheDestinationUntouched) {
  std::string path = dir_ + "/out";
  WriteRaw(path, "original");
  {
    auto file = AtomicFile::Create(path, 0755);
    ASSERT_THAT(file, IsOk());
    ASSERT_THAT((*file)->Write("replacement"), IsOk());
  }
  EXPECT_EQ(ReadRaw(path), "original");
  EXPECT_EQ(ModeOf(path), 0644u);
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"out"});
}

TEST_F(FileTest, AtomicFileRejectsWriteAfterCommit) {
  std::string path = dir_ + "/out";
  auto file = AtomicFile::Create(path);
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT((*file)->Commit(), IsOk());
  Status s = (*file)->Write("late");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(s, "write to a closed file")) << s.ToString();
  EXPECT_EQ(ReadRaw(path), "");
}

TEST_F(FileTest, AtomicFileRejectsASecondCommit) {
  auto file = AtomicFile::Create(dir_ + "/out");
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT((*file)->Commit(), IsOk());
  Status s = (*file)->Commit();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(s, "commit of a closed file")) << s.ToString();
}

TEST_F(FileTest, AtomicFileFailedCommitIsNotRetriedOrLeftBehind) {
  std::string path = dir_ + "/target";
  ASSERT_EQ(::mkdir(path.c_str(), 0755), 0);
  {
    auto file = AtomicFile::Create(path);
    ASSERT_THAT(file, IsOk());
    ASSERT_THAT((*file)->Write("data"), IsOk());
    Status first = (*file)->Commit();
    EXPECT_TRUE(Contains(first, "cannot rename into")) << first.ToString();
    EXPECT_FALSE(HasTempFile(dir_));
    Status second = (*file)->Commit();
    EXPECT_EQ(second.code(), StatusCode::kFailedPrecondition);
    EXPECT_TRUE(Contains(second, "commit of a closed file")) << second.ToString();
  }
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"target"});
}

// ---- PathExists ----

TEST_F(FileTest, PathExistsSeesFilesDirectoriesAndDanglingSymlinks) {
  WriteRaw(dir_ + "/file", "x");
  ASSERT_EQ(::mkdir((dir_ + "/dir").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("nowhere", (dir_ + "/dangling").c_str()), 0);
  EXPECT_TRUE(PathExists(dir_ + "/file"));
  EXPECT_TRUE(PathExists(dir_ + "/dir"));
  EXPECT_TRUE(PathExists(dir_ + "/dangling"));
  EXPECT_FALSE(PathExists(dir_ + "/missing"));
}

// ---- Temporaries left by a crash ----

// Runs `work` in a child process that then waits to be killed; returns its pid once `work` is done.
pid_t ForkHolding(const std::function<void()>& work) {
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    work();
    char byte = 1;
    if (::write(ready[1], &byte, 1) != 1) ::_exit(1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char byte = 0;
  ssize_t n = ::read(ready[0], &byte, 1);
  ::close(ready[0]);
  return n == 1 ? pid : -1;
}

void KillAndReap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

TEST_F(FileTest, TheNextWriterRemovesWhatACrashedWriterLeft) {
  const std::string out = dir_ + "/out.fnb";
  pid_t writer = ForkHolding([&] {
    // Kept until the child is killed: nothing is cleaned up, as after a crash.
    auto file = AtomicFile::Create(out);
    if (!file.ok() || !(*file)->Write("partial").ok()) ::_exit(1);
    file->release();
    auto dir = TemporaryDirectory::CreateNextTo(out);
    if (!dir.ok()) ::_exit(1);
    WriteRaw(dir->path() + "/spooled", "x");
    new TemporaryDirectory(std::move(*dir));
  });
  ASSERT_GT(writer, 0);
  ASSERT_EQ(ListDir(dir_).size(), 2u);
  RemoveStaleTemporaries(out);  // the writer is alive: its temporaries are in use
  EXPECT_EQ(ListDir(dir_).size(), 2u);

  KillAndReap(writer);
  ASSERT_THAT(WriteFileAtomic(out, "complete"), IsOk());
  EXPECT_EQ(ListDir(dir_), std::vector<std::string>{"out.fnb"});
  EXPECT_EQ(ReadRaw(out), "complete");
}

TEST_F(FileTest, ALiveWritersTemporaryIsLeftAlone) {
  const std::string out = dir_ + "/out";
  auto first = AtomicFile::Create(out);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT((*first)->Write("first"), IsOk());
  auto scratch = TemporaryDirectory::CreateNextTo(out);
  ASSERT_THAT(scratch, IsOk());
  ASSERT_THAT(WriteFileAtomic(out, "second"), IsOk());  // cleans stale temporaries of `out` first
  EXPECT_TRUE(PathExists(scratch->path()));
  ASSERT_THAT((*first)->Commit(), IsOk());
  EXPECT_EQ(ReadRaw(out), "first");
}

TEST_F(FileTest, OnlyTemporariesOfTheSamePathAreRemoved) {
  const std::string out = dir_ + "/out";
  WriteRaw(dir_ + "/out.tmp-Ab3xY9", "stale file");
  ASSERT_EQ(::mkdir((dir_ + "/out.tmp-Qq0000").c_str(), 0700), 0);
  WriteRaw(dir_ + "/out.tmp-Qq0000/inside", "stale tree");
  // Not temporaries of `out`: another output's, a name of the wrong shape, a user's file.
  WriteRaw(dir_ + "/out2.tmp-Ab3xY9", "another output's");
  WriteRaw(dir_ + "/out.tmp-Ab3xY", "short");
  WriteRaw(dir_ + "/out.tmp-Ab3x.9", "not the alphabet");
  WriteRaw(dir_ + "/keep", "target");
  // A symbolic link with a temporary's name is neither followed nor removed.
  ASSERT_EQ(::symlink((dir_ + "/keep").c_str(), (dir_ + "/out.tmp-LINK00").c_str()), 0);
  RemoveStaleTemporaries(out);
  EXPECT_EQ(ListDir(dir_), (std::vector<std::string>{"keep", "out.tmp-Ab3x.9", "out.tmp-Ab3xY", "out.tmp-LINK00",
                                                     "out2.tmp-Ab3xY9"}));
  EXPECT_EQ(ReadRaw(dir_ + "/keep"), "target");
}

// ---- TemporaryDirectory ----

TEST_F(FileTest, TemporaryDirectoryIsRemovedWithItsContents) {
  std::string path;
  {
    auto temp = TemporaryDirectory::CreateNextTo(dir_ + "/out", 0755);
    ASSERT_THAT(temp, IsOk());
    path = temp->path();
    EXPECT_EQ(path.rfind(dir_ + "/out.tmp-", 0), 0u);
    EXPECT_EQ(ModeOf(path), 0755u);
    ASSERT_EQ(::mkdir((path + "/sub").c_str(), 0700), 0);
    WriteRaw(path + "/sub/file", "x");
  }
  EXPECT_FALSE(PathExists(path));
  EXPECT_TRUE(ListDir(dir_).empty());
}

TEST_F(FileTest, TemporaryDirectoryMovesOnlyToANewPath) {
  const std::string dest = dir_ + "/tree";
  ASSERT_EQ(::mkdir(dest.c_str(), 0755), 0);
  WriteRaw(dest + "/old", "old");
  const std::string fresh = dir_ + "/fresh";
  {
    auto temp = TemporaryDirectory::CreateNextTo(dest);
    ASSERT_THAT(temp, IsOk());
    WriteRaw(temp->path() + "/new", "new");
    Status refused = temp->MoveTo(dest);
    EXPECT_EQ(refused.code(), StatusCode::kAlreadyExists) << refused.ToString();
    EXPECT_EQ(ListDir(dest), std::vector<std::string>{"old"});

    ASSERT_THAT(temp->MoveTo(fresh), IsOk());
    EXPECT_EQ(temp->MoveTo(dir_ + "/again").code(), StatusCode::kFailedPrecondition);
  }  // destroying a moved one removes nothing
  EXPECT_EQ(ReadRaw(fresh + "/new"), "new");
  EXPECT_EQ(ListDir(dir_), (std::vector<std::string>{"fresh", "tree"}));
}

}  // namespace
}  // namespace fnseal
