#include "examples/third_party/adler32/adler32.h"

namespace adler32 {

uint32_t Update(uint32_t adler, const unsigned char* data, size_t size) {
  constexpr uint32_t kBase = 65521;
  uint32_t a = adler & 0xffff;
  uint32_t b = adler >> 16;
  for (size_t i = 0; i < size; ++i) {
    a = (a + data[i]) % kBase;
    b = (b + a) % kBase;
  }
  return (b << 16) | a;
}

}  // namespace adler32
