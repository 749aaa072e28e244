// fnseal inspect: lists a bundle's or archive's entries with modes, sizes and digests. Reads
// the archive strictly (the same reader verification uses) but checks no signature.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "bundle/bundle.h"
#include "core/io.h"
#include "core/json.h"
#include "core/sha256.h"
#include "core/tar.h"
#include "core/zstd.h"
#include "provenance/signing/dsse.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string path;
  bool json = false;
};

constexpr unsigned char kZstdMagic[4] = {0x28, 0xb5, 0x2f, 0xfd};

Result<bool> IsZstd(const std::string& path) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  unsigned char magic[4] = {0};
  size_t have = 0;
  while (have < 4) {
    ASSIGN_OR_RETURN(size_t n, source->Read(magic + have, 4 - have));
    if (n == 0) break;
    have += n;
  }
  return have == 4 && std::equal(magic, magic + 4, kZstdMagic);
}

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
  ASSIGN_OR_RETURN(bool zstd, IsZstd(o.path));
  ASSIGN_OR_RETURN(auto source, FileSource::Open(o.path));
  std::optional<ZstdReader> decompressor;
  ByteSource* tar_source = source.get();
  if (zstd) {
    decompressor.emplace(source.get());
    tar_source = &*decompressor;
  }
  TarReader tar(tar_source);
  Json entries = Json::array();
  Json attestations = Json::array();
  Json manifest;
  TarEntryInfo entry;
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(bool more, tar.Next(&entry).Annotate(o.path));
    if (!more) break;
    Json e = {{"path", entry.path},
              {"type", entry.is_directory ? "directory" : "file"},
              {"mode", entry.mode},
              {"size", entry.size},
              {"mtime", entry.mtime}};
    if (!entry.is_directory) {
      const bool keep = entry.path == kBundleManifestPath ||
                        entry.path.rfind(kBundleAttestationsDir, 0) == 0;
      std::string content;
      Sha256 hash;
      for (;;) {
        ASSIGN_OR_RETURN(size_t n, tar.Read(buffer.data(), buffer.size()));
        if (n == 0) break;
        hash.Update(buffer.data(), n);
        if (keep && content.size() < (32u << 20)) content.append(buffer.data(), n);
      }
      e["sha256"] = hash.FinishHex();
      if (zstd && entry.path == kBundleManifestPath) {
        Result<Json> parsed = ParseJsonStrict(content, "manifest");
        if (parsed.ok()) manifest = *parsed;
      } else if (zstd && keep) {
        attestations.push_back(DescribeAttestation(entry.path, content));
      }
    }
    entries.push_back(std::move(e));
  }
  if (o.json) {
    Json out = {{"path", o.path}, {"format", zstd ? "tar.zst" : "tar"}, {"entries", entries}};
    if (!manifest.is_null()) out["manifest"] = manifest;
    if (!attestations.empty()) out["attestations"] = attestations;
    std::fputs(PrettyJsonDump(out).c_str(), stdout);
    return OkStatus();
  }
  std::printf("%s: %s, %zu entries\n", o.path.c_str(), zstd ? "tar.zst" : "tar", entries.size());
  if (manifest.is_object() && manifest.contains("function")) {
    const Json& f = manifest["function"];
    std::printf("function %s, entrypoint %s, runtime %s\n", f.value("name", "?").c_str(),
                f.value("entrypoint", "?").c_str(), f.value("runtime", "?").c_str());
  }
  for (const Json& e : entries) {
    bool dir = e["type"] == "directory";
    std::printf("%c%04o %12llu  %-16s  %s%s\n", dir ? 'd' : '-', e["mode"].get<unsigned>(),
                static_cast<unsigned long long>(e["size"].get<uint64_t>()),
                dir ? "" : e["sha256"].get<std::string>().substr(0, 16).c_str(), e["path"].get<std::string>().c_str(),
                dir ? "/" : "");
  }
  for (const Json& a : attestations) {
    if (a["kind"] == "dsse-envelope") {
      std::printf("attestation %s: DSSE envelope, %zu signature(s) (not verified; use 'fnseal verify')\n",
                  a["path"].get<std::string>().c_str(), a["signatureKeyIds"].size());
    } else {
      std::printf("attestation %s: unsigned statement\n", a["path"].get<std::string>().c_str());
    }
  }
  return OkStatus();
}

}  // namespace

Action SetupInspect(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "List the entries of a bundle (.fnb), tar or tar.zst: type, mode, size, sha256, path; for a\n"
      "bundle also its manifest and attestations. Nothing is verified: use 'fnseal verify'.");
  app->add_option("path", o->path, "Bundle or archive")->required();
  app->add_flag("--json", o->json, "Print a JSON description");
  return [o] { return RunInspect(*o); };
}

}  // namespace fnseal::cli
