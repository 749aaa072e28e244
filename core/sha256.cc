#include "core/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "core/c_handles.h"
#include "core/encoding.h"
#include "core/io.h"

namespace fnseal {

struct Sha256::Rep {
  CHandle<EVP_MD_CTX, EVP_MD_CTX_free> ctx{EVP_MD_CTX_new()};
};

namespace {
// SHA-256 through EVP only fails on allocation failure; there is nothing sensible to return.
void CheckOrAbort(int rc) {
  if (rc != 1) std::abort();
}
}  // namespace

Sha256::Sha256() : rep_(std::make_unique<Rep>()) {
  if (rep_->ctx == nullptr) std::abort();
  CheckOrAbort(EVP_DigestInit_ex(rep_->ctx.get(), EVP_sha256(), nullptr));
}

Sha256::~Sha256() = default;

void Sha256::Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }

void Sha256::Update(const void* data, size_t size) {
  if (size == 0) return;
  CheckOrAbort(EVP_DigestUpdate(rep_->ctx.get(), data, size));
}

std::string Sha256::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  CheckOrAbort(EVP_DigestFinal_ex(rep_->ctx.get(), digest, &length));
  CheckOrAbort(EVP_DigestInit_ex(rep_->ctx.get(), EVP_sha256(), nullptr));
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string Sha256::FinishHex() { return HexEncode(Finish()); }

std::string Sha256Hex(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.FinishHex();
}

Result<std::string> Sha256FileHex(const std::string& path) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  Sha256 h;
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    h.Update(buffer.data(), n);
  }
  return h.FinishHex();
}

}  // namespace fnseal
