// Where a build's source comes from, read with libgit2: the commit checked out, whether the work
// tree differs from it (and which paths), the branch, the tags on the commit, and the remote's
// URL with credentials removed. Read-only: nothing in the repository is written. Works from any
// directory inside a work tree, in linked worktrees, in shallow clones and on a detached HEAD.
// Thread-safe (each call opens its own repository handle).
#ifndef FNSEAL_PROVENANCE_SOURCE_SOURCE_FACTS_H_
#define FNSEAL_PROVENANCE_SOURCE_SOURCE_FACTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fnseal {

struct SourceFacts {
  std::string root;                      // the work tree's top directory, without a trailing '/'
  std::string commit;                    // lowercase hex object id of HEAD's commit
  int64_t commit_time = 0;               // committer time, seconds since the Unix epoch
  bool dirty = false;                    // tracked changes, staged or not, or untracked files
  std::vector<std::string> dirty_paths;  // sorted, relative to root; at most max_dirty_paths
  size_t dirty_path_count = 0;           // all of them, even beyond the cap
  std::string branch;                    // short name ("main"); empty on a detached HEAD
  std::vector<std::string> tags;         // tags (lightweight or annotated) on the commit, sorted
  std::string remote_name;               // empty when the repository has no remote
  std::string remote_url;                // with user names, passwords and tokens removed
  bool shallow = false;
  bool linked_worktree = false;
  // A stamped build's BUILD_EMBED_LABEL (bazel --embed_label), from a workspace status file only:
  // it names the invocation (e.g. the CI run's URL), not the source.
  std::string embed_label;
};

struct SourceOptions {
  std::string remote = "origin";  // else the first remote by name
  size_t max_dirty_paths = 1000;
};

// Reads the facts of the repository containing `path`. NotFound "no git repository at or above
// '<path>'"; FailedPrecondition for a bare repository or one without commits; Internal with
// libgit2's message for anything else.
Result<SourceFacts> ReadSourceFacts(const std::string& path, const SourceOptions& options = {});

// `url` without credentials: the user-info of a URL with a scheme ("https://user:token@host/x"
// -> "https://host/x"), and of an scp-like address only a password ("git:pw@host:x" ->
// "git@host:x"). Anything else is returned unchanged.
std::string StripUrlCredentials(std::string_view url);

// The lines of a Bazel workspace status file (--workspace_status_command), sorted, each
// "KEY value\n": STABLE_FNSEAL_GIT_COMMIT, _TREE_STATE (clean|dirty), _BRANCH, _TAGS
// (comma-separated), _REMOTE_URL and _COMMIT_TIME (seconds since the epoch). Values never hold a
// newline.
std::string WorkspaceStatusLines(const SourceFacts& facts);

// Limits on a workspace status file read back by ParseWorkspaceStatus.
inline constexpr size_t kMaxWorkspaceStatusSize = 1 << 20;
inline constexpr size_t kMaxWorkspaceStatusLine = 64 << 10;

// The inverse of WorkspaceStatusLines, for stamped builds: reads the STABLE_FNSEAL_GIT_* lines
// of Bazel's stable-status.txt (ctx.info_file) and BUILD_EMBED_LABEL into embed_label, and
// ignores every other key (BUILD_HOST, BUILD_USER... are never recorded). `root` and the dirty paths stay empty: the
// file does not carry them. FailedPrecondition when there is no STABLE_FNSEAL_GIT_COMMIT line (the build did not use
// tools/workspace_status); InvalidArgument for a malformed commit, tree state, time or a repeated key;
// ResourceExhausted above the limits.
Result<SourceFacts> ParseWorkspaceStatus(std::string_view text);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_SOURCE_SOURCE_FACTS_H_
