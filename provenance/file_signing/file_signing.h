// Signing outside bundles: any file, through an in-toto statement that names its sha256 (what
// `fnseal sign FILE` writes), and attestation files - a DSSE envelope or JSON Lines of them -
// whose envelopes gain signatures. A signer is anything behind the Signer interface (a key in
// this process, a KMS, an HSM). Outputs are written transactionally. Thread-safe.
#ifndef FNSEAL_PROVENANCE_FILE_SIGNING_FILE_SIGNING_H_
#define FNSEAL_PROVENANCE_FILE_SIGNING_FILE_SIGNING_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "provenance/signing/keys.h"
#include "provenance/statement/statement.h"

namespace fnseal {

// The statement over the file at `path`: one subject, the file's base name with its sha256
// (read as a stream, never held in memory), predicate type kSignedFilePredicateType and an
// empty predicate. NotFound if the file does not exist.
Result<Statement> SignedFileStatement(const std::string& path);

// Signs SignedFileStatement(input) with every signer into one DSSE envelope and writes it to
// `output` as one JSON line (a .intoto.jsonl file). AlreadyExists if `output` exists: a signed
// file is never replaced (SignAttestationFile adds signatures to it). A signer's error, with
// nothing written.
Status SignFile(const std::string& input, const std::vector<const Signer*>& signers, const std::string& output);

// Adds a signature by every signer to each envelope of the attestation file at `input` (one
// DSSE envelope, or JSON Lines of them) and writes the envelopes, one per line, to `output`
// (which may be `input`), with exactly `mode` when given. Returns how many envelopes were
// signed. InvalidArgument for a malformed file or a Sigstore bundle (which holds exactly one
// signature); FailedPrecondition, naming the envelope, if a signer signed it already; nothing
// is written then.
Result<size_t> SignAttestationFile(const std::string& input, const std::vector<const Signer*>& signers,
                                   const std::string& output, std::optional<uint32_t> mode = std::nullopt);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_FILE_SIGNING_FILE_SIGNING_H_
