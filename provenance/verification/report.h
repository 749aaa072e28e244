// The verification report: what `fnseal verify` prints, as JSON (--json) or as readable text, for
// any Verification (verifier.h) - a bundle's or a standalone attestation's - with or without a
// trust policy, and for a rejection. The shapes are a stable interface (docs/cli.md): a server or
// the evidence store that calls these gets the same bytes the CLI prints. Text a signer chose
// (names, predicate types) is escaped for a terminal in the readable form; JSON carries it as is.
// Pure functions; thread-safe.
#ifndef FNSEAL_PROVENANCE_VERIFICATION_REPORT_H_
#define FNSEAL_PROVENANCE_VERIFICATION_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "provenance/verification/trust_policy.h"
#include "provenance/verification/verifier.h"

namespace fnseal {

// The policy facts reported next to a verification made with a trust policy.
struct PolicyReport {
  std::string file;        // the policy file as the user named it
  int64_t verified_at = 0;  // the time the key windows were checked at, seconds since the epoch
  PolicyFacts facts;       // what the policy check found; reported only when accepted
};

// The JSON report of an accepted input named `input`. A Verification with a function (a bundle)
// gets the bundle shape - function, entrypoint, files, attestations, attestationKeyIds,
// predicateTypes, keyIds -; any other the attestation shape - statements, subjects, artifacts,
// envelopeKeyIds, keyIds. `policy` may be null.
Json VerificationReportJson(const std::string& input, const Verification& verification, const PolicyReport* policy);

// The JSON report of a rejected input: {"input", "verified": false, "error"} and the policy's
// file and time when `policy` is not null.
Json RejectionReportJson(const std::string& input, const Status& error, const PolicyReport* policy);

// The readable report of an accepted input, lines ending in '\n': the function and its files, or
// the statements and artifacts; the signing keys (16 hex digits each), and which envelope each
// signed when they differ; the policy's facts when `policy` is not null.
std::string VerificationReportText(const std::string& input, const Verification& verification,
                                   const PolicyReport* policy);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_VERIFICATION_REPORT_H_
