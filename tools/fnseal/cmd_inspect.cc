// fnseal inspect: lists a bundle's or archive's entries with modes, sizes and digests. Reads
// the archive strictly (the same readers verification uses) but checks no signature.
#include <cstdio>
#include <memory>
#include <string>

#include "bundle/bundle.h"
#include "core/json.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "formats/archive/archive.h"
#include "provenance/signing/dsse.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string path;
  bool json = false;
};

// A short, unverified description of an attestation for people.
Json DescribeAttestation(const std::string& path, const std::string& bytes) {
  Json out = {{"path", path}};
  Result<DsseEnvelope> envelope = ParseDsseEnvelope(bytes);
  if (envelope.ok()) {
    Json keyids = Json::array();
    for (const DsseSignature& s : envelope->signatures) keyids.push_back(s.keyid);
    out["kind"] = "dsse-envelope";
    out["payloadType"] = envelope->payload_type;
    out["signatureKeyIds"] = keyids;
  } else {
    out["kind"] = "unsigned-statement";
  }
  return out;
}

Outcome RunInspect(const Options& o) {
  ASSIGN_OR_RETURN(ArchiveFormat format, DetectArchiveFormat(o.path));
  const bool maybe_bundle = format == ArchiveFormat::kTarZstd;
  Json entries = Json::array();
  Json attestations = Json::array();
  Json manifest;
  RETURN_IF_ERROR(ForEachArchiveEntry(o.path, [&](const ArchiveEntry& entry, const ContentReader& read) -> Status {
    Json e = {{"path", entry.path},
              {"type", entry.is_directory ? "directory" : "file"},
              {"mode", entry.mode},
              {"size", entry.size},
              {"mtime", entry.mtime}};
    if (!entry.is_directory) {
      const bool is_manifest = maybe_bundle && entry.path == kBundleManifestPath;
      const bool is_attestation = maybe_bundle && entry.path.rfind(kBundleAttestationsDir, 0) == 0;
      HashingSink sink(nullptr, is_manifest || is_attestation ? 32u << 20 : 0);  // keeps what it parses
      RETURN_IF_ERROR(read(&sink));
      e["sha256"] = sink.FinishHex();
      if (is_manifest) {
        Result<Json> parsed = ParseJsonStrict(sink.kept(), "manifest");
        if (parsed.ok()) manifest = *parsed;
      } else if (is_attestation) {
        attestations.push_back(DescribeAttestation(entry.path, sink.kept()));
      }
    }
    entries.push_back(std::move(e));
    return OkStatus();
  }).Annotate(o.path));
  const std::string format_name(ArchiveFormatName(format));
  if (o.json) {
    Json out = {{"path", o.path}, {"format", format_name}, {"entries", entries}};
    if (!manifest.is_null()) out["manifest"] = manifest;
    if (!attestations.empty()) out["attestations"] = attestations;
    std::fputs(PrettyJsonDump(out).c_str(), stdout);
    return OkStatus();
  }
  std::printf("%s: %s, %zu entries\n", o.path.c_str(), format_name.c_str(), entries.size());
  if (const Json* f = FindObject(manifest, "function"); f != nullptr) {
    // Unverified text from the bundle: every field checked for its type, and escaped.
    auto field = [f](const char* key) {
      const std::string* value = FindString(*f, key);
      return value != nullptr ? EscapeForTerminal(*value) : std::string("?");
    };
    std::printf("function %s, entrypoint %s, runtime %s\n", field("name").c_str(), field("entrypoint").c_str(),
                field("runtime").c_str());
  }
  for (const Json& e : entries) {
    bool dir = e["type"] == "directory";
    std::printf("%c%04o %12llu  %-16s  %s%s\n", dir ? 'd' : '-', e["mode"].get<unsigned>(),
                static_cast<unsigned long long>(e["size"].get<uint64_t>()),
                dir ? "" : e["sha256"].get<std::string>().substr(0, 16).c_str(),
                EscapeForTerminal(e["path"].get<std::string>()).c_str(), dir ? "/" : "");
  }
  for (const Json& a : attestations) {
    if (a["kind"] == "dsse-envelope") {
      std::printf("attestation %s: DSSE envelope, %zu signature(s) (not verified; use 'fnseal verify')\n",
                  EscapeForTerminal(a["path"].get<std::string>()).c_str(), a["signatureKeyIds"].size());
    } else {
      std::printf("attestation %s: unsigned statement\n", EscapeForTerminal(a["path"].get<std::string>()).c_str());
    }
  }
  return OkStatus();
}

}  // namespace

Action SetupInspect(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "List the entries of a bundle (.fnb), tar, tar.zst or zip: type, mode, size, sha256, path; for a\n"
      "bundle also its manifest and attestations. Nothing is verified: use 'fnseal verify'.");
  app->add_option("path", o->path, "Bundle or archive")->required();
  app->add_flag("--json", o->json, "Print a JSON description");
  return [o] { return RunInspect(*o); };
}

}  // namespace fnseal::cli
