// fnseal sign: signs a bundle's attestations (bundle/), adds signatures to DSSE envelopes, or signs
// any file through an in-toto statement that names its sha256 (provenance/file_signing). This
// file decides what the input is and locks a file signed in place.
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/io.h"
#include "core/strings.h"
#include "provenance/file_signing/file_signing.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string input;
  std::string output;
  std::string as = "auto";
  PrivateKeySources keys;
  bool quiet = false;
};

// What `input` is when --as is auto: a bundle (LooksLikeBundle), envelopes by their extension,
// anything else a file to sign.
Result<std::string> Classify(const std::string& input) {
  ASSIGN_OR_RETURN(bool bundle, LooksLikeBundle(input));
  if (bundle) return std::string("bundle");
  if (EndsWith(input, ".intoto.jsonl") || EndsWith(input, ".dsse.json")) return std::string("envelope");
  return std::string("file");
}

// A file signed in place: the file a symbolic link points at (the link stays a link), locked
// from reading it to replacing it, so that concurrent signers take turns and each adds its
// signature to the other's result instead of one silently replacing the other's file.
struct InPlace {
  std::string path;  // the resolved file
  uint32_t mode = 0;  // its permission bits, which the signed file keeps
  UniqueFd lock;      // holds an exclusive flock on the file being replaced
};

Result<InPlace> LockInPlace(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return ErrnoError("cannot resolve", path, errno);
  InPlace in_place;
  in_place.path = resolved;
  // A signer that held the lock replaced the file: the lock we waited for is on the old one.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    UniqueFd fd(::open(in_place.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return ErrnoError("cannot open", in_place.path, errno);
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) return ErrnoError("cannot lock", in_place.path, errno);
    }
    struct stat locked;
    struct stat current;
    if (::fstat(fd.get(), &locked) != 0) return ErrnoError("cannot stat", in_place.path, errno);
    if (::stat(in_place.path.c_str(), &current) != 0) return ErrnoError("cannot stat", in_place.path, errno);
    if (locked.st_dev == current.st_dev && locked.st_ino == current.st_ino) {
      in_place.mode = locked.st_mode & 07777;
      in_place.lock = std::move(fd);
      return in_place;
    }
  }
  return FailedPreconditionError("'" + in_place.path + "' keeps being replaced while waiting to sign it");
}

// Whether `output` names the file `input` is (or it is not given): signing in place.
bool SameFile(const std::string& input, const std::string& output) {
  if (output.empty()) return true;
  struct stat a;
  struct stat b;
  return ::stat(input.c_str(), &a) == 0 && ::stat(output.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

// The keys as the signers the library takes; `keys` must outlive them.
std::vector<const Signer*> Signers(const std::vector<PrivateKey>& keys) {
  std::vector<const Signer*> signers;
  for (const PrivateKey& key : keys) signers.push_back(&key);
  return signers;
}

Outcome RunSign(const Options& o) {
  std::string as = o.as;
  if (as == "auto") {
    ASSIGN_OR_RETURN(as, Classify(o.input));
  }
  ASSIGN_OR_RETURN(std::vector<PrivateKey> keys, LoadPrivateKeys(o.keys));
  std::string output = o.output;
  std::string what;
  const std::string shown = o.output.empty() ? o.input : o.output;  // the path as the user gave it
  std::optional<InPlace> in_place;  // locked until the signed file has replaced it
  if ((as == "bundle" || as == "envelope") && SameFile(o.input, output)) {
    ASSIGN_OR_RETURN(in_place, LockInPlace(o.input));
    output = in_place->path;
  }
  const std::optional<uint32_t> mode = in_place ? std::optional<uint32_t>(in_place->mode) : std::nullopt;
  const std::string input = in_place ? in_place->path : o.input;
  if (as == "bundle") {
    RETURN_IF_ERROR(SignBundle(input, keys, output, {}, mode));
    what = "the attestations of bundle";
  } else if (as == "envelope") {
    ASSIGN_OR_RETURN(size_t count, SignAttestationFile(input, Signers(keys), output, mode));
    what = std::to_string(count) + (count == 1 ? " envelope in" : " envelopes in");
  } else {
    if (output.empty()) output = o.input + ".intoto.jsonl";
    Status signed_file = SignFile(o.input, Signers(keys), output);
    if (signed_file.code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError(signed_file.message() + "; to add a signature to it, run: fnseal sign " + output);
    }
    RETURN_IF_ERROR(signed_file);
    what = "a statement over '" + o.input + "' in";
  }
  if (!o.quiet) {
    std::printf("signed %s %s with %zu key%s:", what.c_str(), (as == "file" ? output : shown).c_str(), keys.size(),
                keys.size() == 1 ? "" : "s");
    for (const PrivateKey& key : keys) std::printf(" %s", key.public_key().key_id().substr(0, 16).c_str());
    std::printf("\n");
  }
  return OkStatus();
}

}  // namespace

Action SetupSign(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Sign with one or more private keys (PKCS#8 PEM, Ed25519 or ECDSA P-256, possibly encrypted):\n"
      "  a bundle (.fnb)         every attestation: statements become DSSE envelopes, envelopes gain\n"
      "                          a signature; written in place unless -o is given;\n"
      "  envelopes               a DSSE envelope (.dsse.json) or JSON Lines of them (.intoto.jsonl):\n"
      "                          each gains a signature, in place unless -o is given.\n"
      "                          In place, the file a symbolic link points at is signed (the link\n"
      "                          stays), its mode is kept, and concurrent signers take turns (a lock),\n"
      "                          so each signature is kept;\n"
      "  any other file          an in-toto statement naming the file's sha256 (predicate type\n"
      "                          https://fnseal.dev/attestations/signed-file/v1) is signed and written\n"
      "                          to FILE.intoto.jsonl; verify with: fnseal verify FILE.intoto.jsonl\n"
      "                          --artifact FILE. The file is read as a stream, never held in memory.\n"
      "--as overrides what the input is taken for. The passphrase of an encrypted key comes from an\n"
      "environment variable, a file, or the terminal (not echoed), never an argument.");
  app->add_option("input", o->input, "Bundle, envelope file, or any file to sign")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("-o,--output", o->output, "Where to write the result (see above for the default)");
  app->add_option("--as", o->as, "What the input is")
      ->check(CLI::IsMember({"auto", "bundle", "envelope", "file"}))
      ->capture_default_str();
  app->add_option("--key", o->keys.files, "Private key PEM file (repeatable)");
  app->add_option("--key-env", o->keys.env_vars, "Environment variable holding a private key PEM (repeatable)");
  app->add_option("--passphrase-env", o->keys.passphrase_env, "Environment variable holding the key passphrase");
  app->add_option("--passphrase-file", o->keys.passphrase_file, "File holding the key passphrase");
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunSign(*o); };
}

}  // namespace fnseal::cli
