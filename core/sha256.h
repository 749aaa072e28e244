// Streaming SHA-256 (OpenSSL EVP). A Sha256 object is not thread-safe; the free functions are.
#ifndef FNSEAL_CORE_SHA256_H_
#define FNSEAL_CORE_SHA256_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace fnseal {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  void Update(const void* data, size_t size);
  // Returns the 32-byte digest and resets the object for reuse.
  std::string Finish();
  // As Finish(), as 64 lowercase hex characters.
  std::string FinishHex();

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// Lowercase hex sha256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// Lowercase hex sha256 of the file at `path`, read in chunks (constant memory).
Result<std::string> Sha256FileHex(const std::string& path);

}  // namespace fnseal

#endif  // FNSEAL_CORE_SHA256_H_
