// Loading keys for CLI commands: private keys from files or environment variables (PEM text),
// passphrases from an environment variable or a file (never from an argument), or typed at the
// terminal when neither is given and a key is encrypted.
#ifndef FNSEAL_TOOLS_FNSEAL_KEY_LOADING_H_
#define FNSEAL_TOOLS_FNSEAL_KEY_LOADING_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "provenance/signing/keys.h"

namespace fnseal::cli {

struct PrivateKeySources {
  std::vector<std::string> files;     // --key
  std::vector<std::string> env_vars;  // --key-env
  std::string passphrase_env;         // --passphrase-env
  std::string passphrase_file;        // --passphrase-file
};

// Loads every key named in `sources`; InvalidArgument if none is named, or if a key is encrypted
// and there is neither a passphrase source nor a terminal to ask. Key and passphrase
// bytes are wiped from memory once parsed.
Result<std::vector<PrivateKey>> LoadPrivateKeys(const PrivateKeySources& sources);

// Loads SPKI PEM public keys from files.
Result<std::vector<PublicKey>> LoadPublicKeys(const std::vector<std::string>& files);

}  // namespace fnseal::cli

#endif  // FNSEAL_TOOLS_FNSEAL_KEY_LOADING_H_
