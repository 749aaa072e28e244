// RAII owners for C library handles (OpenSSL, zstd): std::unique_ptr with the
// library's free function as deleter. Header-only; include it from .cc files only, so that
// public headers stay free of C library types.
#ifndef FNSEAL_CORE_C_HANDLES_H_
#define FNSEAL_CORE_C_HANDLES_H_

#include <memory>

namespace fnseal {

template <auto FreeFn>
struct CDeleter {
  template <typename T>
  void operator()(T* p) const {
    if (p != nullptr) FreeFn(p);
  }
};

// CHandle<EVP_PKEY, EVP_PKEY_free> owns an EVP_PKEY*.
template <typename T, auto FreeFn>
using CHandle = std::unique_ptr<T, CDeleter<FreeFn>>;

}  // namespace fnseal

#endif  // FNSEAL_CORE_C_HANDLES_H_
