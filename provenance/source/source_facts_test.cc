#include "provenance/source/source_facts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "core/file.h"
#include "tests/support/test_support.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::fnseal::test::FreshTestDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Runs the git CLI in `dir` with a fixed identity and no user or system configuration, and
// returns its standard output without the trailing newline.
std::string Git(const std::string& dir, const std::string& args) {
  const std::string command = "cd '" + dir +
                              "' && GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -c user.name=fnseal "
                              "-c user.email=test@fnseal.dev -c init.defaultBranch=main "
                              "-c protocol.file.allow=always " +
                              args + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int rc = ::pclose(pipe);
  EXPECT_EQ(rc, 0) << "git " << args;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class SourceFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir();
    repo_ = dir_ + "/repo";
    Git(dir_, "init -q repo");
    Write("BUILD", "# build\n");
    Write("src/handler.cc", "int main() {}\n");
    Write(".gitignore", "bazel-*\n");
    Git(repo_, "add -A");
    Git(repo_, "commit -q -m first");
    head_ = Git(repo_, "rev-parse HEAD");
  }

  void Write(const std::string& path, const std::string& content) {
    const std::string full = repo_ + "/" + path;
    ASSERT_EQ(std::system(("mkdir -p \"$(dirname '" + full + "')\"").c_str()), 0);
    ASSERT_THAT(WriteFileAtomic(full, content), IsOk());
  }

  SourceFacts Read(const std::string& path) {
    Result<SourceFacts> facts = ReadSourceFacts(path);
    EXPECT_THAT(facts, IsOk());
    return facts.ok() ? *facts : SourceFacts();
  }

  std::string dir_;
  std::string repo_;
  std::string head_;
};

TEST_F(SourceFactsTest, ReadsTheCommitBranchAndACleanTree) {
  SourceFacts facts = Read(repo_);
  EXPECT_EQ(facts.commit, head_);
  EXPECT_EQ(facts.commit.size(), 40u);
  EXPECT_EQ(facts.root, repo_);
  EXPECT_EQ(facts.branch, "main");
  EXPECT_FALSE(facts.dirty);
  EXPECT_THAT(facts.dirty_paths, IsEmpty());
  EXPECT_FALSE(facts.shallow);
  EXPECT_FALSE(facts.linked_worktree);
  EXPECT_EQ(std::to_string(facts.commit_time), Git(repo_, "log -1 --format=%ct"));
}

TEST_F(SourceFactsTest, FindsTheRepositoryFromASubdirectory) {
  SourceFacts facts = Read(repo_ + "/src");
  EXPECT_EQ(facts.commit, head_);
  EXPECT_EQ(facts.root, repo_);
}

TEST_F(SourceFactsTest, NamesModifiedStagedDeletedAndUntrackedPaths) {
  Write("src/handler.cc", "int main() { return 1; }\n");
  Write("src/new.cc", "// new\n");
  Write("staged.txt", "staged\n");
  Git(repo_, "add staged.txt");
  Git(repo_, "rm -q BUILD");
  SourceFacts facts = Read(repo_);
  EXPECT_TRUE(facts.dirty);
  EXPECT_THAT(facts.dirty_paths, ElementsAre("BUILD", "src/handler.cc", "src/new.cc", "staged.txt"));
  EXPECT_EQ(facts.dirty_path_count, 4u);
}

TEST_F(SourceFactsTest, IgnoredFilesLeaveTheTreeClean) {
  Write("bazel-out/x", "output\n");
  EXPECT_FALSE(Read(repo_).dirty);
}

TEST_F(SourceFactsTest, CapsTheListOfDirtyPathsButCountsThemAll) {
  for (int i = 0; i < 5; ++i) Write("untracked" + std::to_string(i), "x");
  SourceOptions options;
  options.max_dirty_paths = 2;
  Result<SourceFacts> facts = ReadSourceFacts(repo_, options);
  ASSERT_THAT(facts, IsOk());
  EXPECT_EQ(facts->dirty_paths.size(), 2u);
  EXPECT_EQ(facts->dirty_path_count, 5u);
}

TEST_F(SourceFactsTest, ListsLightweightAndAnnotatedTagsOnTheCommitOnly) {
  Git(repo_, "tag v0.9");
  Git(repo_, "commit -q --allow-empty -m second");
  Git(repo_, "tag v1.0");
  Git(repo_, "tag -a -m release release-1");
  SourceFacts facts = Read(repo_);
  EXPECT_THAT(facts.tags, ElementsAre("release-1", "v1.0"));
}

TEST_F(SourceFactsTest, ReportsADetachedHeadWithoutABranch) {
  Git(repo_, "commit -q --allow-empty -m second");
  Git(repo_, "checkout -q --detach HEAD~1");
  SourceFacts facts = Read(repo_);
  EXPECT_EQ(facts.commit, head_);
  EXPECT_EQ(facts.branch, "");
}

TEST_F(SourceFactsTest, StripsCredentialsFromTheRemoteUrl) {
  Git(repo_, "remote add origin https://ci-bot:s3cr3t-token@example.com/org/fn.git");
  SourceFacts facts = Read(repo_);
  EXPECT_EQ(facts.remote_name, "origin");
  EXPECT_EQ(facts.remote_url, "https://example.com/org/fn.git");
}

TEST_F(SourceFactsTest, FallsBackToTheFirstRemoteByName) {
  Git(repo_, "remote add upstream https://example.com/upstream/fn.git");
  Git(repo_, "remote add fork https://example.com/fork/fn.git");
  SourceFacts facts = Read(repo_);
  EXPECT_EQ(facts.remote_name, "fork");
  EXPECT_EQ(facts.remote_url, "https://example.com/fork/fn.git");
}

TEST_F(SourceFactsTest, HasNoRemoteWhenNoneIsConfigured) {
  SourceFacts facts = Read(repo_);
  EXPECT_EQ(facts.remote_name, "");
  EXPECT_EQ(facts.remote_url, "");
}

TEST_F(SourceFactsTest, WorksInALinkedWorktree) {
  Git(repo_, "worktree add -q -b feature ../linked");
  SourceFacts facts = Read(dir_ + "/linked");
  EXPECT_TRUE(facts.linked_worktree);
  EXPECT_EQ(facts.branch, "feature");
  EXPECT_EQ(facts.commit, head_);
  EXPECT_EQ(facts.root, dir_ + "/linked");
  EXPECT_FALSE(facts.dirty);
}

TEST_F(SourceFactsTest, WorksInAShallowClone) {
  Git(repo_, "commit -q --allow-empty -m second");
  const std::string tip = Git(repo_, "rev-parse HEAD");
  Git(dir_, "clone -q --depth 1 file://" + repo_ + " shallow");
  SourceFacts facts = Read(dir_ + "/shallow");
  EXPECT_TRUE(facts.shallow);
  EXPECT_EQ(facts.commit, tip);
  EXPECT_EQ(facts.remote_url, "file://" + repo_);
  EXPECT_FALSE(facts.dirty);
}

TEST_F(SourceFactsTest, SaysWhenThereIsNoRepository) {
  const std::string outside = dir_ + "/outside";
  ASSERT_EQ(std::system(("mkdir -p '" + outside + "'").c_str()), 0);
  // A directory under the test's scratch space: make sure no repository is above it either.
  Result<SourceFacts> facts = ReadSourceFacts(outside);
  if (facts.ok()) GTEST_SKIP() << "the scratch directory is inside a git repository";
  EXPECT_EQ(facts.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(facts.status().message(), HasSubstr("no git repository at or above '" + outside + "'"));
}

TEST_F(SourceFactsTest, RefusesARepositoryWithoutCommits) {
  Git(dir_, "init -q empty");
  Result<SourceFacts> facts = ReadSourceFacts(dir_ + "/empty");
  ASSERT_FALSE(facts.ok());
  EXPECT_EQ(facts.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(facts.status().message(), HasSubstr("has no commits yet"));
}

TEST_F(SourceFactsTest, RefusesABareRepository) {
  Git(dir_, "clone -q --bare file://" + repo_ + " bare.git");
  Result<SourceFacts> facts = ReadSourceFacts(dir_ + "/bare.git");
  ASSERT_FALSE(facts.ok());
  EXPECT_EQ(facts.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(facts.status().message(), HasSubstr("bare git repository"));
}

TEST(StripUrlCredentials, RemovesUserInfoFromUrlsWithAScheme) {
  EXPECT_EQ(StripUrlCredentials("https://user:pass@github.com/o/r.git"), "https://github.com/o/r.git");
  EXPECT_EQ(StripUrlCredentials("https://x-access-token:ghs_abc@github.com/o/r"), "https://github.com/o/r");
  EXPECT_EQ(StripUrlCredentials("https://token@host:8443/r"), "https://host:8443/r");
  EXPECT_EQ(StripUrlCredentials("ssh://git@host/r.git"), "ssh://host/r.git");
  EXPECT_EQ(StripUrlCredentials("https://a:b@c@host/r"), "https://host/r");
}

TEST(StripUrlCredentials, KeepsUrlsWithoutCredentials) {
  EXPECT_EQ(StripUrlCredentials("https://github.com/o/r.git"), "https://github.com/o/r.git");
  EXPECT_EQ(StripUrlCredentials("https://github.com/o/r@v1"), "https://github.com/o/r@v1");
  EXPECT_EQ(StripUrlCredentials("file:///srv/git/r"), "file:///srv/git/r");
  EXPECT_EQ(StripUrlCredentials("/srv/git/r"), "/srv/git/r");
}

TEST(StripUrlCredentials, KeepsTheUserButNotThePasswordOfScpLikeAddresses) {
  EXPECT_EQ(StripUrlCredentials("git@github.com:o/r.git"), "git@github.com:o/r.git");
  EXPECT_EQ(StripUrlCredentials("git:hunter2@github.com:o/r.git"), "git@github.com:o/r.git");
}

TEST(WorkspaceStatusLines, PrintsSortedStableKeysOnOneLineEach) {
  SourceFacts facts;
  facts.commit = std::string(40, 'a');
  facts.commit_time = 1700000000;
  facts.dirty = true;
  facts.branch = "main";
  facts.tags = {"v1", "v1.0"};
  facts.remote_url = "https://example.com/r\nINJECTED 1";
  EXPECT_EQ(WorkspaceStatusLines(facts),
            "STABLE_FNSEAL_GIT_BRANCH main\n"
            "STABLE_FNSEAL_GIT_COMMIT " +
                std::string(40, 'a') +
                "\n"
                "STABLE_FNSEAL_GIT_COMMIT_TIME 1700000000\n"
                "STABLE_FNSEAL_GIT_REMOTE_URL https://example.com/r INJECTED 1\n"
                "STABLE_FNSEAL_GIT_TAGS v1,v1.0\n"
                "STABLE_FNSEAL_GIT_TREE_STATE dirty\n");
}

TEST(ParseWorkspaceStatus, ReadsBackWhatWorkspaceStatusLinesWrote) {
  SourceFacts facts;
  facts.commit = std::string(40, 'b');
  facts.commit_time = 1700000000;
  facts.dirty = true;
  facts.branch = "release";
  facts.tags = {"v2", "v2.0"};
  facts.remote_url = "https://example.com/r.git";
  // Bazel's stable-status.txt also holds keys of its own; they are ignored.
  Result<SourceFacts> parsed = ParseWorkspaceStatus("BUILD_EMBED_LABEL \nBUILD_HOST buildhost\n" +
                                                    WorkspaceStatusLines(facts) + "BUILD_USER u\n");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->commit, facts.commit);
  EXPECT_EQ(parsed->commit_time, 1700000000);
  EXPECT_TRUE(parsed->dirty);
  EXPECT_EQ(parsed->branch, "release");
  EXPECT_EQ(parsed->tags, (std::vector<std::string>{"v2", "v2.0"}));
  EXPECT_EQ(parsed->remote_url, "https://example.com/r.git");
  EXPECT_TRUE(parsed->root.empty());
  EXPECT_TRUE(parsed->embed_label.empty()) << "Bazel writes BUILD_EMBED_LABEL empty without --embed_label";
}

TEST(ParseWorkspaceStatus, TakesTheEmbedLabelAsTheInvocation) {
  SourceFacts facts;
  facts.commit = std::string(40, 'b');
  Result<SourceFacts> parsed =
      ParseWorkspaceStatus("BUILD_EMBED_LABEL https://ci.example.com/runs/7 a b\n" + WorkspaceStatusLines(facts));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->embed_label, "https://ci.example.com/runs/7 a b");
}

TEST(ParseWorkspaceStatus, AsksForTheStatusCommandWhenThereIsNoCommit) {
  Result<SourceFacts> parsed = ParseWorkspaceStatus("BUILD_HOST h\nBUILD_USER u\n");
  ASSERT_EQ(parsed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(parsed.status().message().find("tools/workspace_status"), std::string::npos);
}

TEST(ParseWorkspaceStatus, RefusesMalformedValues) {
  const std::string commit = "STABLE_FNSEAL_GIT_COMMIT " + std::string(40, 'a') + "\n";
  struct Case {
    std::string text;
    std::string fragment;
  };
  for (const Case& c : std::vector<Case>{
           {"STABLE_FNSEAL_GIT_COMMIT ABC\nSTABLE_FNSEAL_GIT_TREE_STATE clean\n", "not a lowercase hex"},
           {"STABLE_FNSEAL_GIT_COMMIT " + std::string(40, 'A') + "\nSTABLE_FNSEAL_GIT_TREE_STATE clean\n",
            "not a lowercase hex"},
           {commit, "neither clean nor dirty"},
           {commit + "STABLE_FNSEAL_GIT_TREE_STATE maybe\n", "neither clean nor dirty"},
           {commit + "STABLE_FNSEAL_GIT_TREE_STATE clean\nSTABLE_FNSEAL_GIT_COMMIT_TIME -5\n", "not a number"},
           {commit + commit + "STABLE_FNSEAL_GIT_TREE_STATE clean\n", "repeats STABLE_FNSEAL_GIT_COMMIT"},
       }) {
    Result<SourceFacts> parsed = ParseWorkspaceStatus(c.text);
    ASSERT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(parsed.status().message().find(c.fragment), std::string::npos) << parsed.status().message();
  }
}

TEST(ParseWorkspaceStatus, EnforcesItsSizeLimits) {
  EXPECT_EQ(ParseWorkspaceStatus(std::string(kMaxWorkspaceStatusSize + 1, 'x')).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(
      ParseWorkspaceStatus("STABLE_FNSEAL_GIT_BRANCH " + std::string(kMaxWorkspaceStatusLine, 'x')).status().code(),
      StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace fnseal
