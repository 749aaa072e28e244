// An evidence pack: what an auditor takes away about one stored bundle, to re-verify without the
// store, with fnseal or with independent tools.
//
//   DIR/README.md                 what the pack holds and how to re-verify it
//   DIR/attestations/*.dsse.json  the signed envelopes, byte for byte as the bundle held them
//   DIR/manifest.json             the bundle's deploy manifest (a signed subject)
//   DIR/files.sha256              every file of the bundle and its signed sha256 (sha256sum format)
//   DIR/policy.json               the trust policy that accepted it, keys inlined
//   DIR/keys/<key id>.pub.pem     the public keys whose signatures verified
//   DIR/trace.json                the store's facts about the bundle (fnseal audit trace --json)
//   DIR/verify-independently.sh   checks every signature with python3 and openssl, no fnseal
//   DIR/MANIFEST.sha256           the sha256 of every other file of the pack (sha256sum -c)
#ifndef FNSEAL_AUDIT_STORE_EVIDENCE_H_
#define FNSEAL_AUDIT_STORE_EVIDENCE_H_

#include <string>

#include "audit/store/store.h"
#include "core/status.h"

namespace fnseal {

// Writes the evidence pack of the stored bundle `bundle_sha256` to the new directory `dir`: built
// in a temporary directory beside it and renamed into place, so `dir` is whole or absent.
// AlreadyExists if `dir` exists; NotFound if the bundle is not stored.
Status WriteEvidencePack(AuditStore* store, const std::string& bundle_sha256, const std::string& dir);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_EVIDENCE_H_
