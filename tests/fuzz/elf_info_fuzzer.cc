// Fuzzes the strict ELF reader: any input must end in a clean Status, never a crash or a hang,
// and what it accepts must be consistent: every version need has a file and a version name, and
// a statically linked result has no version needs. Each input is read as an executable and as a
// shared object (which also parses DT_SONAME, the search paths and .gnu.version_d).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "formats/elf/elf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto source = fnseal::RandomAccessString(std::string_view(reinterpret_cast<const char*>(data), size));
  fnseal::ElfLimits limits;
  limits.max_version_records = 256;
  for (auto kind : {fnseal::ElfFileKind::kExecutable, fnseal::ElfFileKind::kSharedObject}) {
    auto info = fnseal::ReadElfInfo(*source, limits, kind);
    if (!info.ok()) continue;
    if (info->machine != "x86_64" && info->machine != "aarch64") std::abort();
    for (const auto& need : info->version_needs) {
      if (need.index < 2 || need.index > 0x7fff) std::abort();
      for (const auto& symbol : need.symbols) (void)fnseal::ParseGlibcVersion(symbol);
    }
    for (const auto& need : info->version_needs) (void)fnseal::ParseGlibcVersion(need.version);
    if (info->version_definitions.size() > limits.max_version_records) std::abort();
  }
  return 0;
}
