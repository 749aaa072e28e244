#include "audit/store/evidence.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "audit/store/queries.h"
#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "core/strings.h"

namespace fnseal {
namespace {

// Checks every envelope's signatures with the keys in keys/, using python3 for JSON and base64 and
// openssl for the cryptography: a verifier that shares no code with fnseal.
constexpr char kIndependentScript[] = R"SH(#!/bin/sh
# Verifies every DSSE envelope in attestations/ against the public keys in keys/ without fnseal:
# python3 computes each signature's pre-authentication encoding (PAE, the bytes DSSE signs),
# openssl checks the signature over it. Prints one line per signature; exits 1 if any fails, or if
# an envelope has no signature by a key in keys/.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for envelope in attestations/*.dsse.json; do
  verified=0
  count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["signatures"]))' "$envelope")
  i=0
  while [ "$i" -lt "$count" ]; do
    python3 - "$envelope" "$i" "$work" <<'PY'
import base64, json, sys
envelope, index, work = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
payload = base64.b64decode(envelope["payload"])
kind = envelope["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)
open(work + "/pae.bin", "wb").write(pae)
open(work + "/sig.bin", "wb").write(base64.b64decode(envelope["signatures"][index]["sig"]))
PY
    for key in keys/*.pub.pem; do
      if openssl pkey -pubin -in "$key" -noout -text 2>/dev/null | grep -q ED25519; then
        openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$work/pae.bin" -sigfile "$work/sig.bin" \
          >/dev/null 2>&1 || continue
      else
        openssl dgst -sha256 -verify "$key" -signature "$work/sig.bin" "$work/pae.bin" >/dev/null 2>&1 || continue
      fi
      echo "OK   $envelope signature $i by $key"
      verified=1
    done
    i=$((i + 1))
  done
  if [ "$verified" = 0 ]; then
    echo "FAIL $envelope: no signature by a key in keys/"
    status=1
  fi
done
exit "$status"
)SH";

std::string Readme(const std::string& bundle, const std::string& function, const std::vector<std::string>& envelopes,
                   const std::vector<std::string>& keys) {
  std::string out = "# Evidence pack: " + function + " (bundle " + bundle + ")\n\n";
  out +=
      "Made by `fnseal audit evidence` from an fnseal audit store. Everything here can be checked\n"
      "without the store, and without trusting fnseal.\n\n"
      "## What it holds\n\n"
      "- `attestations/` - the signed DSSE envelopes, byte for byte as the bundle held them:\n";
  for (const std::string& e : envelopes) out += "  - `" + e + "`\n";
  out +=
      "- `manifest.json` - the bundle's deploy manifest (one of the signed files).\n"
      "- `files.sha256` - every file of the bundle with the sha256 its signed statements record.\n"
      "- `policy.json` - the trust policy that accepted the bundle, public keys inlined.\n"
      "- `keys/` - the public keys whose signatures verified:\n";
  for (const std::string& k : keys) out += "  - `keys/" + k + ".pub.pem`\n";
  out +=
      "- `trace.json` - the store's facts: source, builder, deployables, components, licenses, signers.\n"
      "- `MANIFEST.sha256` - the sha256 of every other file here.\n\n"
      "## Re-verify\n\n"
      "1. The pack is intact: `sha256sum -c MANIFEST.sha256`.\n"
      "2. The signatures, with fnseal: for each envelope,\n"
      "   `fnseal verify attestations/NAME.dsse.json --key keys/KEY.pub.pem`.\n"
      "   With the bundle itself at hand, `fnseal verify BUNDLE.fnb --policy policy.json` checks the\n"
      "   signatures and that every file matches its signed digest.\n"
      "3. The signatures, independently: `sh verify-independently.sh` recomputes each DSSE\n"
      "   pre-authentication encoding with python3 and checks the signature with openssl.\n"
      "4. The deployed artifacts: compare the sha256 of what runs (for example a Lambda function's\n"
      "   CodeSha256, base64-decoded, or an image layer) with `files.sha256`; each digest there is a\n"
      "   subject of the signed provenance in `attestations/provenance.dsse.json`.\n";
  return out;
}

}  // namespace

Status WriteEvidencePack(AuditStore* store, const std::string& bundle, const std::string& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error)) return AlreadyExistsError(dir + " exists; give a new directory");
  ASSIGN_OR_RETURN(std::shared_ptr<const BundleContents> contents, store->StoredContents(bundle));
  Database* db = store->db();
  ASSIGN_OR_RETURN(Rows facts, db->Query("SELECT b.function_name, p.body FROM bundles b JOIN policies p ON "
                                         "p.policy_sha256 = b.policy_sha256 WHERE b.bundle_sha256 = $1",
                                         {bundle}));
  if (facts.rows.empty()) return NotFoundError("bundle " + bundle + " is not in the store");
  ASSIGN_OR_RETURN(Rows keys, db->Query("SELECT DISTINCT k.key_id, k.public_key_pem FROM signatures s JOIN "
                                        "signing_keys k ON k.key_id = s.key_id WHERE s.bundle_sha256 = $1 ORDER BY 1",
                                        {bundle}));
  ASSIGN_OR_RETURN(Answer trace, QueryTrace(store, bundle));

  const std::filesystem::path target(dir);
  const std::string tmp = (target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path()).string() +
                          "/." + target.filename().string() + ".tmp-" + std::to_string(::getpid());
  RemoveTree(tmp);
  std::filesystem::create_directories(tmp + "/attestations", error);
  if (!error) std::filesystem::create_directories(tmp + "/keys", error);
  if (error) return UnavailableError(tmp + ": " + error.message());
  std::map<std::string, std::string> written;  // pack path -> bytes
  auto put = [&](const std::string& path, const std::string& bytes, uint32_t mode = 0644) -> Status {
    RETURN_IF_ERROR(WriteFileAtomic(tmp + "/" + path, bytes, mode));
    written[path] = bytes;
    return OkStatus();
  };
  Status status = [&]() -> Status {
    std::vector<std::string> envelopes, key_ids;
    for (const auto& [name, body] : contents->attestations) {
      // The bundle's own paths, checked when it was read; checked again, the store being a file.
      const std::string leaf = name.substr(name.find('/') + 1);
      if (!StartsWith(name, "attestations/") || leaf.empty() || leaf.find('/') != std::string::npos ||
          leaf[0] == '.') {
        return DataLossError("stored attestation name '" + name + "' is not attestations/<file>");
      }
      RETURN_IF_ERROR(put(name, body));
      envelopes.push_back(name);
    }
    std::string sums;
    for (const BundleFile& f : contents->files) {
      sums += f.sha256 + "  " + f.path + "\n";
      if (f.path == kBundleManifestPath) RETURN_IF_ERROR(put("manifest.json", f.content));
    }
    RETURN_IF_ERROR(put("files.sha256", sums));
    ASSIGN_OR_RETURN(Json policy, ParseJsonStrict(facts.rows[0][1].value_or(""), "stored policy"));
    RETURN_IF_ERROR(put("policy.json", PrettyJsonDump(policy)));
    for (const auto& row : keys.rows) {
      key_ids.push_back(row[0].value_or(""));
      RETURN_IF_ERROR(put("keys/" + key_ids.back() + ".pub.pem", row[1].value_or("")));
    }
    RETURN_IF_ERROR(put("trace.json", AnswerJson(trace)));
    RETURN_IF_ERROR(put("verify-independently.sh", kIndependentScript, 0755));
    RETURN_IF_ERROR(put("README.md", Readme(bundle, facts.rows[0][0].value_or(""), envelopes, key_ids)));
    std::string manifest;
    for (const auto& [path, bytes] : written) manifest += Sha256Hex(bytes) + "  " + path + "\n";
    RETURN_IF_ERROR(WriteFileAtomic(tmp + "/MANIFEST.sha256", manifest));
    std::filesystem::rename(tmp, dir, error);
    if (error) return UnavailableError("cannot move the pack into " + dir + ": " + error.message());
    return OkStatus();
  }();
  if (!status.ok()) RemoveTree(tmp);
  return status;
}

}  // namespace fnseal
