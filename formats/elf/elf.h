// A small, strict reader of the facts a deploy target needs from an executable: its machine,
// whether it is dynamically linked (PT_INTERP, DT_NEEDED), and which symbol versions it needs
// from which shared library (.gnu.version_r), with the dynamic symbols bound to each version
// (.gnu.version mapped onto .dynsym), as `objdump -T` and `readelf -V` show them; for shared
// objects also their DT_SONAME, search paths and the versions they define (.gnu.version_d).
//
// The input is untrusted: every offset, size and count is checked against the file and against
// ElfLimits before it is used, and structures that a linker never writes (overlapping or
// out-of-order version records, a chain that ends early, duplicate version indices, a wrong
// hash, unterminated strings) are refused. Only 64-bit little-endian x86-64 and AArch64 files
// are accepted: executables (ET_EXEC, or ET_DYN with an interpreter or DF_1_PIE), or, when asked
// for, shared objects (ET_DYN); a dynamically linked file must have section headers. See docs/targets.md for the limits. Thread-safe.
#ifndef FNSEAL_FORMATS_ELF_ELF_H_
#define FNSEAL_FORMATS_ELF_ELF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/io.h"
#include "core/status.h"

namespace fnseal {

// Exceeding one is ResourceExhausted.
struct ElfLimits {
  uint64_t max_file_size = uint64_t{4} << 30;  // 4 GiB
  uint32_t max_program_headers = 256;
  uint32_t max_sections = 4096;
  uint64_t max_section_size = uint64_t{64} << 20;  // any one table read: .dynamic, .dynsym, ...
  uint32_t max_symbols = 1 << 20;                  // .dynsym entries
  uint32_t max_version_records = 4096;             // Verneed plus Vernaux records; Verdef records
};

// What ReadElfInfo accepts.
enum class ElfFileKind {
  kExecutable,    // ET_EXEC, or ET_DYN with an interpreter or DF_1_PIE
  kSharedObject,  // any ET_DYN: libraries, the loader, libc.so.6 (which is also runnable)
};

// One version a shared library must provide, e.g. libc.so.6 / GLIBC_2.34.
struct ElfVersionNeed {
  std::string file;                  // the library's DT_NEEDED name, "libc.so.6"
  std::string version;               // "GLIBC_2.34"
  uint16_t index = 0;                // the .gnu.version index that symbols use to name it
  bool weak = false;                 // VER_FLG_WEAK
  std::vector<std::string> symbols;  // dynamic symbols bound to it, in .dynsym order
};

struct ElfInfo {
  std::string machine;                        // "x86_64" or "aarch64"
  bool position_independent = false;          // ET_DYN
  std::string interpreter;                    // PT_INTERP, e.g. "/lib64/ld-linux-x86-64.so.2"; empty if none
  std::vector<std::string> needed;            // DT_NEEDED, in .dynamic order
  std::vector<ElfVersionNeed> version_needs;  // in .gnu.version_r order
  std::string soname;                         // DT_SONAME; empty if none
  std::vector<std::string> rpath;             // DT_RPATH, split at ':' (searched before LD_LIBRARY_PATH)
  std::vector<std::string> runpath;           // DT_RUNPATH, split at ':' (searched after it)
  // The versions the file defines (.gnu.version_d), "GLIBCXX_3.4.30"; its base entry (its own
  // name) left out.
  std::vector<std::string> version_definitions;

  // No interpreter and no shared library: the kernel runs it as is.
  bool statically_linked() const { return interpreter.empty() && needed.empty(); }
};

// Reads `source`. InvalidArgument for a file that is not a 64-bit little-endian x86-64 or
// AArch64 file of `kind`, DataLoss for a corrupt or truncated one, ResourceExhausted beyond
// `limits`.
Result<ElfInfo> ReadElfInfo(const RandomAccessSource& source, const ElfLimits& limits = {},
                            ElfFileKind kind = ElfFileKind::kExecutable);

// A glibc symbol version: "GLIBC_2.2.5" is {2, 2, 5}.
struct GlibcVersion {
  uint32_t major = 0;
  uint32_t minor = 0;
  uint32_t patch = 0;
  bool operator<(const GlibcVersion& other) const;
  std::string ToString() const;  // "GLIBC_2.34" (the patch only when it is not 0)
};

// Parses "GLIBC_<major>.<minor>[.<patch>]" (numbers of at most 4 digits); nullopt for any other
// name, such as "GLIBC_PRIVATE" or "GLIBCXX_3.4".
std::optional<GlibcVersion> ParseGlibcVersion(std::string_view name);

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_ELF_ELF_H_
