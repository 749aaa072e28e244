// The shared-library closure of an executable: every shared object the dynamic loader would load
// for it — DT_NEEDED, transitively, and the PT_INTERP loader — resolved by name against a fixed
// set of candidate files (a Bazel action's inputs), never against the host's directories.
//
// Every file is read with ReadElfInfo (untrusted input, ElfLimits apply). Cycles (libc.so.6 and
// the loader need each other's names) are followed once; the number of libraries and the depth
// of the DT_NEEDED chains are bounded. Thread-safe.
#ifndef FNSEAL_FORMATS_ELF_CLOSURE_H_
#define FNSEAL_FORMATS_ELF_CLOSURE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "formats/elf/elf.h"

namespace fnseal {

// Exceeding one is ResourceExhausted.
struct ClosureLimits {
  uint32_t max_libraries = 256;
  uint32_t max_depth = 16;  // DT_NEEDED links from the executable to the deepest library
  ElfLimits elf;
};

struct ClosureLibrary {
  std::string name;       // the DT_NEEDED name it satisfies, or the loader's file name
  std::string path;       // the candidate file it was resolved to
  ElfInfo info;           // read as a shared object
  uint32_t depth = 0;     // 1: needed by the executable (or its loader)
  std::string needed_by;  // the first file found to need it: "" for the executable
};

struct Closure {
  ElfInfo executable;
  std::vector<ClosureLibrary> libraries;  // breadth-first from the executable, each name once
};

// Resolves `executable`'s closure against `candidates` (DT_NEEDED name -> file). A statically
// linked executable has an empty closure. NotFound names a library that no candidate provides
// and what needs it; InvalidArgument for a DT_NEEDED with a '/', a candidate whose DT_SONAME is
// not the name it is offered under or whose machine differs; DataLoss / InvalidArgument from
// ReadElfInfo name the file; ResourceExhausted beyond `limits`.
Result<Closure> ResolveClosure(const std::string& executable, const std::map<std::string, std::string>& candidates,
                               const ClosureLimits& limits = {});

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_ELF_CLOSURE_H_
