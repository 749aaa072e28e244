// fnseal source-status: the source facts of the checkout (commit, dirty paths, branch, tags,
// remote without credentials), for people, for scripts (--json) or for Bazel stamping
// (--workspace-status).
#include <cstdio>
#include <memory>
#include <string>

#include "core/json.h"
#include "provenance/source/source_facts.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string path = ".";
  std::string remote = "origin";
  bool json = false;
  bool workspace_status = false;
};

Outcome RunSourceStatus(const Options& o) {
  if (o.json && o.workspace_status) return Outcome::Usage("choose one of --json and --workspace-status");
  SourceOptions options;
  options.remote = o.remote;
  ASSIGN_OR_RETURN(SourceFacts facts, ReadSourceFacts(o.path, options));
  if (o.workspace_status) {
    std::fputs(WorkspaceStatusLines(facts).c_str(), stdout);
    return OkStatus();
  }
  if (o.json) {
    std::fputs(PrettyJsonDump({{"root", facts.root},
                               {"commit", facts.commit},
                               {"commitTime", facts.commit_time},
                               {"treeState", facts.dirty ? "dirty" : "clean"},
                               {"dirtyPaths", facts.dirty_paths},
                               {"dirtyPathCount", facts.dirty_path_count},
                               {"branch", facts.branch},
                               {"tags", facts.tags},
                               {"remote", facts.remote_name},
                               {"remoteUrl", facts.remote_url},
                               {"shallow", facts.shallow},
                               {"linkedWorktree", facts.linked_worktree}})
                   .c_str(),
               stdout);
    return OkStatus();
  }
  std::printf("repository  %s%s%s\n", facts.root.c_str(), facts.shallow ? " (shallow clone)" : "",
              facts.linked_worktree ? " (linked worktree)" : "");
  std::printf("commit      %s\n", facts.commit.c_str());
  std::printf("branch      %s\n", facts.branch.empty() ? "(detached HEAD)" : facts.branch.c_str());
  if (!facts.tags.empty()) {
    std::printf("tags       ");
    for (const std::string& tag : facts.tags) std::printf(" %s", tag.c_str());
    std::printf("\n");
  }
  if (!facts.remote_name.empty()) std::printf("remote      %s %s\n", facts.remote_name.c_str(), facts.remote_url.c_str());
  if (!facts.dirty) {
    std::printf("tree        clean\n");
    return OkStatus();
  }
  std::printf("tree        dirty: %zu path%s differ from the commit\n", facts.dirty_path_count,
              facts.dirty_path_count == 1 ? "" : "s");
  for (const std::string& path : facts.dirty_paths) std::printf("            %s\n", path.c_str());
  if (facts.dirty_path_count > facts.dirty_paths.size()) {
    std::printf("            ... and %zu more\n", facts.dirty_path_count - facts.dirty_paths.size());
  }
  return OkStatus();
}

}  // namespace

Action SetupSourceStatus(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Read the source facts of the git checkout containing PATH with libgit2: the commit, whether\n"
      "the work tree differs from it (staged, unstaged or untracked paths; ignored files do not\n"
      "count), the branch (none on a detached HEAD), the tags on the commit, and the remote's URL\n"
      "with user names, passwords and tokens removed. Works in linked worktrees and shallow clones.\n"
      "--workspace-status prints STABLE_FNSEAL_GIT_* lines for Bazel's --workspace_status_command.\n"
      "Exit 1 when PATH is not in a repository, the repository is bare or has no commits.");
  app->add_option("path", o->path, "A directory inside the checkout")->capture_default_str();
  app->add_option("--remote", o->remote, "Remote whose URL to report (else the first by name)")->capture_default_str();
  app->add_flag("--json", o->json, "Print the facts as JSON");
  app->add_flag("--workspace-status", o->workspace_status, "Print Bazel workspace status lines");
  return [o] { return RunSourceStatus(*o); };
}

}  // namespace fnseal::cli
