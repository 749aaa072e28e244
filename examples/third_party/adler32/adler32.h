// adler32: the Adler-32 checksum (RFC 1950), a tiny vendored library under the Zlib license.
#ifndef EXAMPLES_THIRD_PARTY_ADLER32_ADLER32_H_
#define EXAMPLES_THIRD_PARTY_ADLER32_ADLER32_H_

#include <cstddef>
#include <cstdint>

namespace adler32 {

// The Adler-32 of `size` bytes at `data`, continuing from `adler` (1 for a new checksum).
uint32_t Update(uint32_t adler, const unsigned char* data, size_t size);

}  // namespace adler32

#endif  // EXAMPLES_THIRD_PARTY_ADLER32_ADLER32_H_
