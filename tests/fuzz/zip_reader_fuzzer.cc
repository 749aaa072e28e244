// Fuzzes the strict zip reader: any input must end in a clean Status, never a crash or a hang,
// and every entry it accepts must have a safe path and extract within its declared size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/io.h"
#include "formats/entry/archive_path.h"
#include "formats/zip/zip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto source = fnseal::RandomAccessString(std::string_view(reinterpret_cast<const char*>(data), size));
  fnseal::ZipLimits limits;
  limits.max_entries = 1000;
  limits.max_total_size = 4 << 20;
  auto reader = fnseal::ZipReader::Open(source.get(), limits);
  if (!reader.ok()) return 0;
  const auto& entries = (*reader)->entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!fnseal::ValidateArchivePath(entries[i].path).ok()) std::abort();
    fnseal::CountingSink sink;
    fnseal::Status s = (*reader)->Extract(i, &sink);
    if (s.ok() && sink.count() != entries[i].size) std::abort();
  }
  return 0;
}
