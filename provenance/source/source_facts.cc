#include "provenance/source/source_facts.h"

#include <algorithm>
#include <map>
#include <memory>

#include "core/strings.h"
#include "provenance/source/libgit2.h"

// Under LeakSanitizer (the ASan test configuration): libgit2 1.5 as Debian builds it leaves
// PCRE2 match data from its regex use unreleased inside the library. That memory is not
// ours to free; report everything else.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpcre2-8.so\n"; }

namespace fnseal {
namespace {

// Owns a libgit2 object; the deleter is the loaded library's free function for it.
template <typename T>
using GitPtr = std::unique_ptr<T, void (*)(T*)>;

// libgit2's last error for a call that returned `code`, right after the call.
Status GitError(const Libgit2& git, std::string_view what, int code) {
  const git_error* error = git.error_last();
  std::string message =
      std::string(what) + ": " +
      (error != nullptr && error->message != nullptr ? error->message : "libgit2 error " + std::to_string(code));
  return InternalError(message);
}

std::string OidHex(const Libgit2& git, const git_oid* oid) {
  char hex[GIT_OID_HEXSZ + 1] = {};
  git.oid_tostr(hex, sizeof(hex), oid);
  return hex;
}

std::string WithoutTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string OneLine(std::string value) {
  std::replace(value.begin(), value.end(), '\n', ' ');
  std::replace(value.begin(), value.end(), '\r', ' ');
  return value;
}

Status ReadDirtyState(const Libgit2& git, git_repository* repo, const SourceOptions& options, SourceFacts* facts) {
  git_status_options status_options = GIT_STATUS_OPTIONS_INIT;
  status_options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  status_options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                         GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
  git_status_list* raw = nullptr;
  int rc = git.status_list_new(&raw, repo, &status_options);
  if (rc != 0) return GitError(git, "cannot read the work tree's status", rc);
  GitPtr<git_status_list> list(raw, git.status_list_free);
  const size_t count = git.status_list_entrycount(list.get());
  for (size_t i = 0; i < count; ++i) {
    const git_status_entry* entry = git.status_byindex(list.get(), i);
    if (entry == nullptr || entry->status == GIT_STATUS_CURRENT || (entry->status & GIT_STATUS_IGNORED) != 0) {
      continue;
    }
    const git_diff_delta* delta = entry->index_to_workdir != nullptr ? entry->index_to_workdir : entry->head_to_index;
    if (delta == nullptr) continue;
    const char* path = delta->new_file.path != nullptr ? delta->new_file.path : delta->old_file.path;
    ++facts->dirty_path_count;
    if (path != nullptr && facts->dirty_paths.size() < options.max_dirty_paths) facts->dirty_paths.push_back(path);
  }
  std::sort(facts->dirty_paths.begin(), facts->dirty_paths.end());
  facts->dirty_paths.erase(std::unique(facts->dirty_paths.begin(), facts->dirty_paths.end()), facts->dirty_paths.end());
  facts->dirty = facts->dirty_path_count > 0;
  return OkStatus();
}

struct TagSearch {
  const Libgit2* git;
  git_repository* repo;
  const git_oid* commit;
  std::vector<std::string>* tags;
};

// git_tag_foreach callback: keeps the tags whose target peels to the commit.
int CollectTag(const char* name, git_oid* oid, void* payload) {
  auto* search = static_cast<TagSearch*>(payload);
  const Libgit2& git = *search->git;
  git_object* raw = nullptr;
  if (git.object_lookup(&raw, search->repo, oid, GIT_OBJECT_ANY) != 0) return 0;
  GitPtr<git_object> object(raw, git.object_free);
  git_object* peeled_raw = nullptr;
  if (git.object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) != 0) return 0;
  GitPtr<git_object> peeled(peeled_raw, git.object_free);
  if (git.oid_equal(git.object_id(peeled.get()), search->commit)) {
    std::string_view tag = name;
    constexpr std::string_view kPrefix = "refs/tags/";
    if (tag.substr(0, kPrefix.size()) == kPrefix) tag.remove_prefix(kPrefix.size());
    search->tags->emplace_back(tag);
  }
  return 0;
}

Status ReadRemote(const Libgit2& git, git_repository* repo, const SourceOptions& options, SourceFacts* facts) {
  git_remote* raw = nullptr;
  int rc = git.remote_lookup(&raw, repo, options.remote.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
    git_strarray names = {nullptr, 0};
    rc = git.remote_list(&names, repo);
    if (rc != 0) return GitError(git, "cannot list the remotes", rc);
    std::vector<std::string> sorted(names.strings, names.strings + names.count);
    git.strarray_dispose(&names);
    if (sorted.empty()) return OkStatus();
    std::sort(sorted.begin(), sorted.end());
    rc = git.remote_lookup(&raw, repo, sorted.front().c_str());
  }
  if (rc != 0) return GitError(git, "cannot read the remote", rc);
  GitPtr<git_remote> remote(raw, git.remote_free);
  facts->remote_name = git.remote_name(remote.get()) != nullptr ? git.remote_name(remote.get()) : "";
  const char* url = git.remote_url(remote.get());
  facts->remote_url = url != nullptr ? StripUrlCredentials(url) : "";
  return OkStatus();
}

}  // namespace

Result<SourceFacts> ReadSourceFacts(const std::string& path, const SourceOptions& options) {
  ASSIGN_OR_RETURN(const Libgit2* loaded, LoadLibgit2());
  const Libgit2& git = *loaded;
  git_repository* raw_repo = nullptr;
  int rc = git.repository_open_ext(&raw_repo, path.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) return NotFoundError("no git repository at or above '" + path + "'");
  if (rc != 0) return GitError(git, "cannot open the git repository at '" + path + "'", rc);
  GitPtr<git_repository> repo(raw_repo, git.repository_free);
  if (git.repository_is_bare(repo.get())) {
    return FailedPreconditionError("'" + path + "' is a bare git repository: there is no work tree to describe");
  }
  if (git.repository_head_unborn(repo.get()) == 1) {
    return FailedPreconditionError("the git repository at '" + path + "' has no commits yet");
  }

  SourceFacts facts;
  facts.root = WithoutTrailingSlash(git.repository_workdir(repo.get()));
  facts.shallow = git.repository_is_shallow(repo.get()) == 1;
  facts.linked_worktree = git.repository_is_worktree(repo.get()) == 1;

  git_reference* raw_head = nullptr;
  rc = git.repository_head(&raw_head, repo.get());
  if (rc != 0) return GitError(git, "cannot read HEAD", rc);
  GitPtr<git_reference> head(raw_head, git.reference_free);
  git_object* raw_commit = nullptr;
  rc = git.reference_peel(&raw_commit, head.get(), GIT_OBJECT_COMMIT);
  if (rc != 0) return GitError(git, "HEAD does not point at a commit", rc);
  GitPtr<git_commit> commit(reinterpret_cast<git_commit*>(raw_commit), git.commit_free);
  const git_oid* commit_id = git.commit_id(commit.get());
  facts.commit = OidHex(git, commit_id);
  facts.commit_time = static_cast<int64_t>(git.commit_time(commit.get()));
  if (git.reference_is_branch(head.get())) {
    const char* branch = nullptr;
    if (git.branch_name(&branch, head.get()) == 0 && branch != nullptr) facts.branch = branch;
  }

  TagSearch search{&git, repo.get(), commit_id, &facts.tags};
  rc = git.tag_foreach(repo.get(), CollectTag, &search);
  if (rc != 0 && rc != GIT_ENOTFOUND) return GitError(git, "cannot list the tags", rc);
  std::sort(facts.tags.begin(), facts.tags.end());

  RETURN_IF_ERROR(ReadRemote(git, repo.get(), options, &facts));
  RETURN_IF_ERROR(ReadDirtyState(git, repo.get(), options, &facts));
  return facts;
}

std::string StripUrlCredentials(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    const size_t authority = scheme_end + 3;
    const size_t path = std::min(url.find('/', authority), url.size());
    const size_t at = url.rfind('@', path);
    if (at == std::string_view::npos || at < authority) return std::string(url);
    return std::string(url.substr(0, authority)) + std::string(url.substr(at + 1));
  }
  // scp-like "user[:password]@host:path": a user name is no secret, a password is.
  const size_t at = url.find('@');
  const size_t colon = url.find(':');
  if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon)) + std::string(url.substr(at));
}

std::string WorkspaceStatusLines(const SourceFacts& facts) {
  std::string tags;
  for (const std::string& tag : facts.tags) tags += (tags.empty() ? "" : ",") + tag;
  std::vector<std::pair<std::string, std::string>> lines = {
      {"STABLE_FNSEAL_GIT_BRANCH", facts.branch},
      {"STABLE_FNSEAL_GIT_COMMIT", facts.commit},
      {"STABLE_FNSEAL_GIT_COMMIT_TIME", std::to_string(facts.commit_time)},
      {"STABLE_FNSEAL_GIT_REMOTE_URL", facts.remote_url},
      {"STABLE_FNSEAL_GIT_TAGS", tags},
      {"STABLE_FNSEAL_GIT_TREE_STATE", facts.dirty ? "dirty" : "clean"},
  };
  std::string out;
  for (const auto& [key, value] : lines) out += key + " " + OneLine(value) + "\n";
  return out;
}

Result<SourceFacts> ParseWorkspaceStatus(std::string_view text) {
  if (text.size() > kMaxWorkspaceStatusSize) {
    return ResourceExhaustedError("workspace status is larger than " + std::to_string(kMaxWorkspaceStatusSize) +
                                  " bytes");
  }
  std::map<std::string, std::string, std::less<>> values;
  std::string embed_label;
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (line.size() > kMaxWorkspaceStatusLine) {
      return ResourceExhaustedError("workspace status line " + std::to_string(line_number) + " is longer than " +
                                    std::to_string(kMaxWorkspaceStatusLine) + " bytes");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t space = line.find(' ');
    std::string_view key = line.substr(0, space);
    std::string_view value = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (key == "BUILD_EMBED_LABEL") {
      embed_label = std::string(value);
      continue;
    }
    if (!StartsWith(key, "STABLE_FNSEAL_GIT_")) continue;
    if (!values.emplace(std::string(key), std::string(value)).second) {
      return InvalidArgumentError("workspace status repeats " + std::string(key));
    }
  }
  auto get = [&values](std::string_view key) -> std::string {
    auto it = values.find(std::string("STABLE_FNSEAL_GIT_") + std::string(key));
    return it == values.end() ? std::string() : it->second;
  };
  SourceFacts facts;
  facts.commit = get("COMMIT");
  if (facts.commit.empty()) {
    return FailedPreconditionError(
        "workspace status has no STABLE_FNSEAL_GIT_COMMIT; stamp with "
        "--workspace_status_command=tools/workspace_status");
  }
  const bool hex = std::all_of(facts.commit.begin(), facts.commit.end(),
                               [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (!hex || (facts.commit.size() != 40 && facts.commit.size() != 64)) {
    return InvalidArgumentError("workspace status commit '" + facts.commit + "' is not a lowercase hex object id");
  }
  const std::string state = get("TREE_STATE");
  if (state != "clean" && state != "dirty") {
    return InvalidArgumentError("workspace status tree state '" + state + "' is neither clean nor dirty");
  }
  facts.dirty = state == "dirty";
  const std::string time = get("COMMIT_TIME");
  if (!time.empty()) {
    if (time.size() > 18 || !std::all_of(time.begin(), time.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidArgumentError("workspace status commit time '" + time + "' is not a number of seconds");
    }
    facts.commit_time = std::stoll(time);
  }
  facts.branch = get("BRANCH");
  facts.remote_url = StripUrlCredentials(get("REMOTE_URL"));
  const std::string tags = get("TAGS");
  for (size_t start = 0; start < tags.size();) {
    size_t comma = tags.find(',', start);
    if (comma == std::string::npos) comma = tags.size();
    if (comma > start) facts.tags.push_back(tags.substr(start, comma - start));
    start = comma + 1;
  }
  std::sort(facts.tags.begin(), facts.tags.end());
  facts.embed_label = std::move(embed_label);
  return facts;
}

}  // namespace fnseal
