#include "provenance/file_signing/file_signing.h"

#include <utility>

#include "core/file.h"
#include "core/sha256.h"
#include "provenance/signing/dsse.h"
#include "provenance/verification/attestation_verifier.h"

namespace fnseal {

Result<Statement> SignedFileStatement(const std::string& path) {
  ASSIGN_OR_RETURN(std::string sha256, Sha256FileHex(path));
  const size_t slash = path.rfind('/');
  Statement statement;
  statement.subjects.push_back({slash == std::string::npos ? path : path.substr(slash + 1), {{"sha256", sha256}}});
  statement.predicate_type = kSignedFilePredicateType;
  return statement;
}

Status SignFile(const std::string& input, const std::vector<const Signer*>& signers, const std::string& output) {
  if (PathExists(output)) return AlreadyExistsError("'" + output + "' already exists");
  ASSIGN_OR_RETURN(Statement statement, SignedFileStatement(input));
  DsseEnvelope envelope{kInTotoPayloadType, SerializeStatement(statement), {}};
  for (const Signer* signer : signers) RETURN_IF_ERROR(AddDsseSignature(&envelope, *signer));
  return WriteFileAtomic(output, SerializeDsseEnvelope(envelope) + "\n");
}

Result<size_t> SignAttestationFile(const std::string& input, const std::vector<const Signer*>& signers,
                                   const std::string& output, std::optional<uint32_t> mode) {
  ASSIGN_OR_RETURN(AttestationFile file, ReadAttestationFile(input));
  if (file.format == AttestationFormat::kSigstoreBundle) {
    return InvalidArgumentError("'" + input +
                                "' is a Sigstore bundle, which holds exactly one signature; sign the DSSE envelope "
                                "and export it again");
  }
  std::string bytes;
  for (size_t i = 0; i < file.envelopes.size(); ++i) {
    for (const Signer* signer : signers) {
      RETURN_IF_ERROR(AddDsseSignature(&file.envelopes[i], *signer).Annotate("envelope #" + std::to_string(i + 1)));
    }
    bytes += SerializeDsseEnvelope(file.envelopes[i]) + "\n";
  }
  ASSIGN_OR_RETURN(auto out, AtomicFile::Create(output));
  if (mode) RETURN_IF_ERROR(out->SetMode(*mode));
  RETURN_IF_ERROR(out->Write(bytes));
  RETURN_IF_ERROR(out->Commit());
  return file.envelopes.size();
}

}  // namespace fnseal
