#include "provenance/source/libgit2.h"

#include <dlfcn.h>

#include <string>

namespace fnseal {

namespace {

// The soname of the headers fnseal is built against.
constexpr char kLibgit2Soname[] = "libgit2.so." LIBGIT2_SOVERSION;

Result<const Libgit2*> Load() {
  // Never closed: the table lives as long as the process.
  void* handle = dlopen(kLibgit2Soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return FailedPreconditionError(
        std::string("reading a git checkout needs libgit2 (") + kLibgit2Soname +
        "; Debian package libgit2-" LIBGIT2_SOVERSION "), which cannot be loaded: " + dlerror());
  }
  static Libgit2 git;
  void* symbol = nullptr;
#define FNSEAL_LIBGIT2_BIND(name)                                                                             \
  symbol = dlsym(handle, "git_" #name);                                                                       \
  if (symbol == nullptr) {                                                                                    \
    return FailedPreconditionError(std::string(kLibgit2Soname) + " lacks git_" #name ", which fnseal calls"); \
  }                                                                                                           \
  git.name = reinterpret_cast<decltype(git.name)>(symbol);
  FNSEAL_LIBGIT2_FUNCTIONS(FNSEAL_LIBGIT2_BIND)
#undef FNSEAL_LIBGIT2_BIND
  git.libgit2_init();
  return &git;
}

}  // namespace

Result<const Libgit2*> LoadLibgit2() {
  static const Result<const Libgit2*> loaded = Load();
  return loaded;
}

}  // namespace fnseal
