// fnseal keygen: makes a signing key pair, PREFIX.pem (PKCS#8, encrypted by default, 0600) and
// PREFIX.pub.pem (SPKI, 0644). Refuses to overwrite anything and leaves nothing on failure.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "provenance/signing/keys.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/terminal.h"

namespace fnseal::cli {
namespace {

constexpr uint64_t kMaxPassphraseFileSize = 64 * 1024;

struct Options {
  std::string algorithm = "ed25519";
  std::string prefix;
  std::string passphrase_env;
  std::string passphrase_file;
  bool no_passphrase = false;
  bool json = false;
};

// Asks twice at the terminal; the two answers must agree.
Result<std::string> PromptNewPassphrase() {
  ASSIGN_OR_RETURN(std::string first, PromptPassphrase("Passphrase for the new key: "));
  Result<std::string> second = PromptPassphrase("The same passphrase again: ");
  const bool same = second.ok() && *second == first;
  if (second.ok()) WipeString(&*second);
  if (!second.ok()) {
    WipeString(&first);
    return second.status();
  }
  if (!same) {
    WipeString(&first);
    return InvalidArgumentError("the two passphrases differ; no key was written");
  }
  return first;
}

// The passphrase named by the options (at most one source; none: the terminal); "" only with
// --no-passphrase.
Result<std::string> ReadPassphrase(const Options& o) {
  if (o.no_passphrase) return std::string();
  std::string passphrase;
  if (o.passphrase_env.empty() && o.passphrase_file.empty()) {
    ASSIGN_OR_RETURN(passphrase, PromptNewPassphrase());
  } else if (!o.passphrase_env.empty()) {
    const char* value = std::getenv(o.passphrase_env.c_str());
    if (value == nullptr) return InvalidArgumentError("environment variable " + o.passphrase_env + " is not set");
    passphrase = value;
  } else {
    ASSIGN_OR_RETURN(passphrase, ReadFile(o.passphrase_file, kMaxPassphraseFileSize).Annotate("passphrase file"));
    while (!passphrase.empty() && (passphrase.back() == '\n' || passphrase.back() == '\r')) passphrase.pop_back();
  }
  if (passphrase.empty()) {
    return InvalidArgumentError("the passphrase is empty (use --no-passphrase for an unencrypted key)");
  }
  return passphrase;
}

// The output files this run has claimed. Until Keep(), the destructor removes them, so a
// failure leaves nothing behind.
class ClaimedPaths {
 public:
  ~ClaimedPaths() {
    if (keep_) return;
    for (const std::string& path : paths_) ::unlink(path.c_str());
  }
  // Creates `path` empty with O_EXCL so that no other file can be there when we commit over it:
  // AlreadyExists if anything (even a dangling symlink) has the name.
  Status Claim(const std::string& path, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
      if (errno == EEXIST) return AlreadyExistsError("'" + path + "' already exists; refusing to overwrite it");
      return ErrnoError("cannot create", path, errno);
    }
    ::close(fd);
    paths_.push_back(path);
    return OkStatus();
  }
  void Keep() { keep_ = true; }

 private:
  std::vector<std::string> paths_;
  bool keep_ = false;
};

// Writes both files, or neither.
Status WriteKeyPair(const std::string& private_path, const std::string& public_path, const std::string& private_pem,
                    const std::string& public_pem) {
  ClaimedPaths claimed;
  RETURN_IF_ERROR(claimed.Claim(private_path, 0600));
  RETURN_IF_ERROR(claimed.Claim(public_path, 0644));
  RETURN_IF_ERROR(WriteFileAtomic(private_path, private_pem, 0600));
  RETURN_IF_ERROR(WriteFileAtomic(public_path, public_pem, 0644));
  claimed.Keep();
  return OkStatus();
}

Outcome RunKeygen(const Options& o) {
  const KeyAlgorithm algorithm =
      o.algorithm == "ecdsa-p256" ? KeyAlgorithm::kEcdsaP256Sha256 : KeyAlgorithm::kEd25519;
  if (o.prefix.empty() || o.prefix.back() == '/') return Outcome::Usage("--output PREFIX names no file");
  const int sources = !o.passphrase_env.empty() + !o.passphrase_file.empty() + o.no_passphrase;
  if (sources == 0 && !CanPrompt()) {
    return Outcome::Usage(
        "a new key is encrypted: give its passphrase with --passphrase-env VAR or --passphrase-file FILE, "
        "or run in a terminal to be asked (or --no-passphrase to write it unencrypted)");
  }
  if (sources > 1) return Outcome::Usage("choose one of --passphrase-env, --passphrase-file and --no-passphrase");
  const std::string private_path = o.prefix + ".pem";
  const std::string public_path = o.prefix + ".pub.pem";
  ASSIGN_OR_RETURN(std::string passphrase, ReadPassphrase(o));
  Result<PrivateKey> key = PrivateKey::Generate(algorithm);
  Result<std::string> private_pem = key.ok() ? key->ToPkcs8Pem(passphrase) : Result<std::string>(key.status());
  WipeString(&passphrase);
  if (!private_pem.ok()) return private_pem.status();
  const PublicKey& public_key = key->public_key();
  Status written = WriteKeyPair(private_path, public_path, *private_pem, public_key.ToPem());
  WipeString(&*private_pem);
  RETURN_IF_ERROR(written);
  const bool encrypted = !o.no_passphrase;
  if (o.json) {
    std::fputs(PrettyJsonDump({{"algorithm", KeyAlgorithmName(algorithm)},
                               {"keyId", public_key.key_id()},
                               {"sigstoreHint", public_key.sigstore_hint()},
                               {"privateKey", private_path},
                               {"publicKey", public_path},
                               {"encrypted", encrypted}})
                   .c_str(),
               stdout);
    return OkStatus();
  }
  std::printf("wrote %s (%s private key, %s) and %s\n", private_path.c_str(),
              std::string(KeyAlgorithmName(algorithm)).c_str(), encrypted ? "encrypted" : "NOT encrypted",
              public_path.c_str());
  std::printf("  key id         %s\n", public_key.key_id().c_str());
  std::printf("  sigstore hint  %s\n", public_key.sigstore_hint().c_str());
  return OkStatus();
}

}  // namespace

Action SetupKeygen(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Make a signing key pair: PREFIX.pem, the PKCS#8 private key (mode 0600), and PREFIX.pub.pem,\n"
      "the SPKI public key to give verifiers (0644). The private key is encrypted (PBKDF2-SHA256,\n"
      "AES-256-CBC) with a passphrase from an environment variable, a file or the terminal (asked\n"
      "twice, not echoed), never an argument; --no-passphrase writes it unencrypted. Existing files are never overwritten. See docs/keys.md.");
  app->add_option("--algorithm", o->algorithm, "Key algorithm")
      ->check(CLI::IsMember({"ed25519", "ecdsa-p256"}))
      ->capture_default_str();
  app->add_option("-o,--output", o->prefix, "Path prefix of the two files written")->required();
  app->add_option("--passphrase-env", o->passphrase_env, "Environment variable holding the new key's passphrase");
  app->add_option("--passphrase-file", o->passphrase_file, "File holding the new key's passphrase");
  app->add_flag("--no-passphrase", o->no_passphrase, "Write the private key unencrypted");
  app->add_flag("--json", o->json, "Print a JSON description of the new key");
  return [o] { return RunKeygen(*o); };
}

}  // namespace fnseal::cli
