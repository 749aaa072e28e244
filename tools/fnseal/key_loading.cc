#include "tools/fnseal/key_loading.h"

#include <cstdlib>

#include "core/file.h"
#include "tools/fnseal/terminal.h"

namespace fnseal::cli {
namespace {

constexpr uint64_t kMaxKeyFileSize = 64 * 1024;

Result<std::string> ReadPassphrase(const PrivateKeySources& sources) {
  if (!sources.passphrase_env.empty() && !sources.passphrase_file.empty()) {
    return InvalidArgumentError("give the passphrase through --passphrase-env or --passphrase-file, not both");
  }
  if (!sources.passphrase_env.empty()) {
    const char* value = std::getenv(sources.passphrase_env.c_str());
    if (value == nullptr) return InvalidArgumentError("environment variable " + sources.passphrase_env + " is not set");
    return std::string(value);
  }
  if (!sources.passphrase_file.empty()) {
    ASSIGN_OR_RETURN(std::string passphrase, ReadFile(sources.passphrase_file, kMaxKeyFileSize));
    while (!passphrase.empty() && (passphrase.back() == '\n' || passphrase.back() == '\r')) passphrase.pop_back();
    return passphrase;
  }
  return std::string();
}

}  // namespace

Result<std::vector<PrivateKey>> LoadPrivateKeys(const PrivateKeySources& sources) {
  if (sources.files.empty() && sources.env_vars.empty()) {
    return InvalidArgumentError("no signing key given (use --key FILE or --key-env VAR)");
  }
  ASSIGN_OR_RETURN(std::string passphrase, ReadPassphrase(sources));
  const bool passphrase_given = !sources.passphrase_env.empty() || !sources.passphrase_file.empty();
  std::vector<PrivateKey> keys;
  auto load = [&](std::string pem, const std::string& origin) -> Status {
    Result<PrivateKey> key = InvalidArgumentError("no key");
    if (!passphrase_given && pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos) {
      if (!CanPrompt()) {
        WipeString(&pem);
        return InvalidArgumentError(origin +
                                    " is encrypted: give its passphrase with --passphrase-env VAR or "
                                    "--passphrase-file FILE, or run in a terminal to be asked");
      }
      Result<std::string> typed = PromptPassphrase("Passphrase for " + origin + ": ");
      key = typed.ok() ? PrivateKey::FromPem(pem, *typed) : Result<PrivateKey>(typed.status());
      if (typed.ok()) WipeString(&*typed);
    } else {
      key = PrivateKey::FromPem(pem, passphrase);
    }
    WipeString(&pem);
    if (!key.ok()) return key.status().Annotate(origin);
    keys.push_back(std::move(key).value());
    return OkStatus();
  };
  Status status;
  for (const std::string& file : sources.files) {
    Result<std::string> pem = ReadFile(file, kMaxKeyFileSize);
    if (!pem.ok()) {
      status = pem.status().Annotate("signing key");
      break;
    }
    status = load(std::move(pem).value(), "signing key '" + file + "'");
    if (!status.ok()) break;
  }
  for (const std::string& var : sources.env_vars) {
    if (!status.ok()) break;
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) {
      status = InvalidArgumentError("environment variable " + var + " is not set");
      break;
    }
    status = load(value, "signing key from " + var);
  }
  WipeString(&passphrase);
  if (!status.ok()) return status;
  return keys;
}

Result<std::vector<PublicKey>> LoadPublicKeys(const std::vector<std::string>& files) {
  if (files.empty()) return InvalidArgumentError("no trusted public key given (use --key FILE)");
  std::vector<PublicKey> keys;
  for (const std::string& file : files) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(file, kMaxKeyFileSize).Annotate("trusted key"));
    ASSIGN_OR_RETURN(PublicKey key, PublicKey::FromPem(pem).Annotate("trusted key '" + file + "'"));
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace fnseal::cli
