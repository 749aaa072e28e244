// Fuzzes whole bundles through the paths `fnseal verify` and `fnseal inspect` take: the input is
// a bundle's tar stream, put into a zstd frame here (so that mutations reach the tar headers and
// the JSON inside rather than the compressed bytes), written to a file, then read as inspect reads
// it (every entry; the manifest through typed access) and verified with a fixed key. Neither may
// crash or abort, whatever they decide; a verified bundle names its function.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bundle/bundle.h"
#include "bundle/verify/bundle_verifier.h"
#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "formats/zstd/zstd.h"
#include "provenance/signing/keys.h"

namespace {

// testdata/keys/ed25519.pub.pem: the seeds in testdata/fuzz/bundle are signed with its pair.
constexpr char kTestKey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAlTWatwmFvqIJ4nW96h641HNe0nPymHqymi+j48p6eTs=\n"
    "-----END PUBLIC KEY-----\n";

std::string BundlePath() {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/fnseal-bundle-fuzzer-" +
         std::to_string(::getpid()) + ".fnb";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fnseal::PublicKey* key = [] {
    auto parsed = fnseal::PublicKey::FromPem(kTestKey);
    if (!parsed.ok()) std::abort();
    return new fnseal::PublicKey(*parsed);
  }();
  static const std::string path = BundlePath();
  const std::string_view tar(reinterpret_cast<const char*>(data), size);
  {
    // Scratch input for the reader: never fsynced.
    auto out = fnseal::AtomicFile::Create(path, 0644, fnseal::WriteOptions{/*sync=*/false});
    if (!out.ok()) std::abort();
    auto zstd = fnseal::ZstdWriter::Create(out->get(), tar.size());
    if (!zstd.ok() || !(*zstd)->Write(tar).ok() || !(*zstd)->Finish().ok() || !(*out)->Commit().ok()) std::abort();
  }
  auto contents = fnseal::ReadBundle(path, /*keep_contents=*/false);
  if (contents.ok()) {
    for (const fnseal::BundleFile& file : contents->files) {
      if (file.path != fnseal::kBundleManifestPath) continue;
      auto manifest = fnseal::ParseJsonStrict(file.content, "manifest");
      if (manifest.ok()) {
        const fnseal::Json* function = fnseal::FindObject(*manifest, "function");
        if (function != nullptr) (void)fnseal::FindString(*function, "name");
      }
    }
  }
  auto verified = fnseal::VerifyBundle(path, {*key}, 1);
  if (verified.ok() && (!verified->function || verified->function->name.empty())) std::abort();
  return 0;
}
