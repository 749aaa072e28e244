// libgit2, loaded on first use instead of at process start. It and the libraries it brings
// (libssh2, Kerberos, mbedTLS, PCRE2, http-parser...) are 15 shared objects that took every
// fnseal run ~1.4 ms to load, while only reading a checkout (--source, source-status) calls it;
// Bazel actions read a workspace status file instead.
// Each member has the type of the libgit2 function it names ("repository_open_ext" is
// git_repository_open_ext), taken from the headers fnseal is built against, and the library
// loaded is the one with those headers' soname.
#ifndef FNSEAL_PROVENANCE_SOURCE_LIBGIT2_H_
#define FNSEAL_PROVENANCE_SOURCE_LIBGIT2_H_

#include <git2.h>

#include "core/status.h"

#define FNSEAL_LIBGIT2_FUNCTIONS(X) \
  X(libgit2_init)                   \
  X(error_last)                     \
  X(oid_tostr)                      \
  X(oid_equal)                      \
  X(repository_open_ext)            \
  X(repository_free)                \
  X(repository_is_bare)             \
  X(repository_head_unborn)         \
  X(repository_workdir)             \
  X(repository_is_shallow)          \
  X(repository_is_worktree)         \
  X(repository_head)                \
  X(reference_free)                 \
  X(reference_peel)                 \
  X(reference_is_branch)            \
  X(branch_name)                    \
  X(commit_free)                    \
  X(commit_id)                      \
  X(commit_time)                    \
  X(object_lookup)                  \
  X(object_peel)                    \
  X(object_id)                      \
  X(object_free)                    \
  X(tag_foreach)                    \
  X(remote_lookup)                  \
  X(remote_list)                    \
  X(remote_name)                    \
  X(remote_url)                     \
  X(remote_free)                    \
  X(strarray_dispose)               \
  X(status_list_new)                \
  X(status_list_entrycount)         \
  X(status_byindex)                 \
  X(status_list_free)

namespace fnseal {

struct Libgit2 {
#define FNSEAL_LIBGIT2_MEMBER(name) decltype(&::git_##name) name;
  FNSEAL_LIBGIT2_FUNCTIONS(FNSEAL_LIBGIT2_MEMBER)
#undef FNSEAL_LIBGIT2_MEMBER
};

// libgit2, loaded and initialized (git_libgit2_init) by the first call; later calls return the
// same table, or the same error. Thread-safe. FailedPrecondition naming the soname and the
// loader's message when the library or one of its functions is missing.
Result<const Libgit2*> LoadLibgit2();

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_SOURCE_LIBGIT2_H_
