// Fuzzes the strict zstd reader: any input must end in a clean Status within the limits, and
// whatever it accepts must hold exactly the declared content size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/io.h"
#include "formats/zstd/zstd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fnseal::StringSource source(std::string_view(reinterpret_cast<const char*>(data), size));
  fnseal::ZstdLimits limits;
  limits.max_window_log = 22;
  limits.max_content_size = 8 << 20;
  fnseal::ZstdReader reader(&source, limits);
  char buffer[1 << 14];
  uint64_t total = 0;
  for (;;) {
    auto n = reader.Read(buffer, sizeof(buffer));
    if (!n.ok()) return 0;
    if (*n == 0) break;
    total += *n;
  }
  if (total != reader.content_size()) std::abort();
  return 0;
}
