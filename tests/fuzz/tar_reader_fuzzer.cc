// Fuzzes the strict tar reader: any input must end in a clean Status, never a crash, a hang,
// or an entry with an unsafe path.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/io.h"
#include "formats/entry/archive_path.h"
#include "formats/tar/tar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fnseal::StringSource source(std::string_view(reinterpret_cast<const char*>(data), size));
  fnseal::TarLimits limits;
  limits.max_entries = 1000;
  limits.max_total_size = 1 << 20;
  fnseal::TarReader reader(&source, limits);
  fnseal::TarEntryInfo entry;
  char buffer[4096];
  for (;;) {
    auto more = reader.Next(&entry);
    if (!more.ok() || !*more) break;
    // Whatever the reader hands out must be a path the writer would accept.
    if (!fnseal::ValidateArchivePath(entry.path).ok()) std::abort();
    for (;;) {
      auto n = reader.Read(buffer, sizeof(buffer));
      if (!n.ok() || *n == 0) break;
    }
  }
  return 0;
}
