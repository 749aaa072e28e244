#include "simulate/sandbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "core/file.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal::simulate {
namespace {

using ::testing::HasSubstr;

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/sandbox_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    RemoveTree(dir_);
    ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
    root_ = dir_ + "/root";
    ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
  }
  void TearDown() override { RemoveTree(dir_); }

  // Every path under the root, relative, directories with a trailing '/', symlinks as "a -> b".
  std::set<std::string> Tree(const std::string& at = "") {
    std::set<std::string> out;
    std::string full = root_ + (at.empty() ? "" : "/" + at);
    Result<CommandResult> listing = RunCommand({"find", full, "-mindepth", "1"}, std::chrono::seconds(10));
    EXPECT_THAT(listing, IsOk());
    std::string text = listing.ok() ? listing->output : "";
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      std::string path = text.substr(start, end - start);
      start = end == std::string::npos ? text.size() : end + 1;
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0) {
        ADD_FAILURE() << "cannot lstat " << path;
        continue;
      }
      std::string relative = path.substr(root_.size() + 1);
      if (S_ISLNK(st.st_mode)) {
        char target[256] = {};
        EXPECT_GT(::readlink(path.c_str(), target, sizeof(target) - 1), 0) << path;
        relative += std::string(" -> ") + target;
      } else if (S_ISDIR(st.st_mode)) {
        relative += "/";
      }
      out.insert(relative);
    }
    return out;
  }

  std::string dir_;
  std::string root_;
};

TEST_F(SandboxTest, AmazonLinuxRootHoldsGlibcAndNothingElse) {
  Status built = BuildRootFilesystem(root_, LibraryLayout::kAmazonLinux);
  ASSERT_THAT(built, IsOk());
  // proc/ is empty: the host's /proc is bound there when a process starts.
  std::set<std::string> want = {"proc/", "tmp/", "usr/", "usr/lib64/", "lib64 -> usr/lib64"};
  for (const std::string& name : RuntimeLibraryNames()) want.insert("usr/lib64/" + name);
#if defined(__x86_64__)
  want.insert("usr/lib64/ld-linux-x86-64.so.2");
#else
  want.insert("usr/lib64/ld-linux-aarch64.so.1");
#endif
  EXPECT_EQ(Tree(), want);
  struct stat st;
  ASSERT_EQ(::stat((root_ + "/tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
}

TEST_F(SandboxTest, HostLayoutRootHasNoLibstdcxxNoEtcNoShell) {
  Status built = BuildRootFilesystem(root_, LibraryLayout::kHost);
  ASSERT_THAT(built, IsOk());
  for (const std::string& path : Tree()) {
    EXPECT_EQ(path.find("libstdc++"), std::string::npos) << path;
    EXPECT_EQ(path.find("libgcc_s"), std::string::npos) << path;
    EXPECT_NE(path.substr(0, 4), "etc/") << path;
    EXPECT_NE(path.substr(0, 4), "bin/") << path;
  }
  EXPECT_TRUE(PathExists(root_ + "/tmp"));
}

// Copies the host's /bin/sh into the root: it needs only the C library, which the root holds.
bool InstallShell(const std::string& root) {
  Result<std::string> shell = ReadFile("/bin/sh");
  if (!shell.ok() || ::mkdir((root + "/var").c_str(), 0755) != 0 || ::mkdir((root + "/var/task").c_str(), 0755) != 0) {
    return false;
  }
  std::ofstream(root + "/var/task/sh", std::ios::binary) << *shell;
  return ::chmod((root + "/var/task/sh").c_str(), 0755) == 0;
}

Status WaitForExit(SandboxedProcess* process) {
  for (int i = 0; i < 1000; ++i) {
    Status running = process->CheckRunning();
    if (!running.ok()) return running;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return InternalError("still running after 10 s");
}

TEST_F(SandboxTest, RunsChrootedWithOnlyItsEnvironmentAndReportsItsExit) {
  ASSERT_THAT(BuildRootFilesystem(root_, LibraryLayout::kAmazonLinux), IsOk());
  ASSERT_TRUE(InstallShell(root_));
  SandboxSpec spec;
  spec.root = root_;
  spec.working_dir = "/var/task";
  spec.argv = {"/var/task/sh", "-c",
               "echo cwd=$(pwd) greeting=$GREETING home=${HOME:-unset}; "
               "test -e /etc || echo no-etc; test -e /usr/lib64/libc.so.6 && echo has-libc; "
               "echo probe > /tmp/written && echo tmp-writable; exit 7"};
  spec.env = {"GREETING=hi", "LD_LIBRARY_PATH=/lib64:/usr/lib64"};
  spec.uid = 993;
  spec.log_path = dir_ + "/output.log";
  Result<std::unique_ptr<SandboxedProcess>> process = SandboxedProcess::Start(spec);
  ASSERT_THAT(process, IsOk());
  Status exited = WaitForExit(process->get());
  if (exited.message().find("error while loading shared libraries") != std::string::npos) {
    GTEST_SKIP() << "this host's /bin/sh needs more than the C library: " << exited.message();
  }
  EXPECT_EQ(exited.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(exited.message(), HasSubstr("the handler exited with status 7"));
  EXPECT_THAT(exited.message(), HasSubstr("cwd=/var/task greeting=hi home=unset"));
  EXPECT_THAT(exited.message(), HasSubstr("no-etc"));
  EXPECT_THAT(exited.message(), HasSubstr("has-libc"));
  EXPECT_THAT(exited.message(), HasSubstr("tmp-writable"));
  EXPECT_TRUE(PathExists(root_ + "/tmp/written"));
}

TEST_F(SandboxTest, AMissingExecutableFailsAtExec) {
  ASSERT_THAT(BuildRootFilesystem(root_, LibraryLayout::kAmazonLinux), IsOk());
  SandboxSpec spec;
  spec.root = root_;
  spec.working_dir = "/";
  spec.argv = {"/var/task/bootstrap"};
  spec.log_path = dir_ + "/output.log";
  Result<std::unique_ptr<SandboxedProcess>> process = SandboxedProcess::Start(spec);
  ASSERT_FALSE(process.ok());
  EXPECT_EQ(process.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(process.status().message(), HasSubstr("cannot exec /var/task/bootstrap in the function's root"));
}

TEST_F(SandboxTest, DestroyingTheProcessKillsIt) {
  ASSERT_THAT(BuildRootFilesystem(root_, LibraryLayout::kAmazonLinux), IsOk());
  ASSERT_TRUE(InstallShell(root_));
  SandboxSpec spec;
  spec.root = root_;
  spec.working_dir = "/";
  spec.argv = {"/var/task/sh", "-c", "while :; do :; done"};
  spec.env = {"LD_LIBRARY_PATH=/lib64:/usr/lib64"};
  spec.log_path = dir_ + "/output.log";
  Result<std::unique_ptr<SandboxedProcess>> process = SandboxedProcess::Start(spec);
  ASSERT_THAT(process, IsOk());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Status running = (*process)->CheckRunning();
  EXPECT_THAT(running, IsOk());
  process->reset();  // must return: SIGKILL to the group, then reaped
}

TEST(RunCommand, ReportsOutputAndExitCode) {
  Result<CommandResult> result = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 4"}, std::chrono::seconds(10));
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->exit_code, 4);
  EXPECT_THAT(result->output, HasSubstr("out"));
  EXPECT_THAT(result->output, HasSubstr("err"));
}

TEST(RunCommand, AMissingCommandIsNotFound) {
  Result<CommandResult> result = RunCommand({"fnseal-no-such-command"}, std::chrono::seconds(10));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(), HasSubstr("fnseal-no-such-command is not installed"));
}

TEST(RunCommand, IsBoundedByItsTimeout) {
  auto start = Clock::now();
  Result<CommandResult> result = RunCommand({"sleep", "30"}, std::chrono::milliseconds(200));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("did not finish within 200 ms"));
  EXPECT_LT(MillisecondsSince(start), 5000);
}

TEST(RunCommand, AFailingCheckStopsIt) {
  Result<CommandResult> result =
      RunCommand({"sleep", "30"}, std::chrono::seconds(30), [] { return FailedPreconditionError("interrupted"); });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "interrupted");
}

TEST(LastLines, KeepsTheEndOfTheFile) {
  std::string path = ::testing::TempDir() + "/last_lines.txt";
  std::ofstream(path) << "one\ntwo\nthree\nfour\n";
  EXPECT_EQ(LastLines(path, 2), "three\nfour");
  EXPECT_EQ(LastLines(path, 10), "one\ntwo\nthree\nfour");
  EXPECT_EQ(LastLines(path + ".missing", 2), "");
}

}  // namespace
}  // namespace fnseal::simulate
