#include "formats/oci_layout/oci_layout.h"

#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<ArchiveInput> SampleInputs() {
  std::vector<ArchiveInput> inputs(4);
  inputs[0].path = "bootstrap";
  inputs[0].content = "#!/bin/sh\necho hello\n";
  inputs[0].executable = true;
  inputs[1].path = "data/greeting.txt";
  inputs[1].content = std::string(5000, 'h');
  inputs[2].path = "data/empty";
  inputs[3].path = "lib/deep/random.bin";
  std::mt19937 rng(7);
  for (int i = 0; i < 30000; ++i) inputs[3].content.push_back(static_cast<char>(rng()));
  return inputs;
}

OciImageConfig SampleConfig() {
  OciImageConfig config;
  config.entrypoint = {"/bootstrap", "--serve"};
  config.env = {"PORT=8080", "MODE=prod", "A_B=x=y"};
  config.exposed_ports = {"8080/tcp"};
  config.working_dir = "/";
  config.labels = {{"org.example.team", "fn"}};
  return config;
}

// Names in a directory, sorted.
std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

uint32_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string Read(const std::string& path) {
  Result<std::string> data = ReadFile(path);
  EXPECT_THAT(data, IsOk());
  return data.ok() ? *data : "";
}

Json ReadJson(const std::string& path) {
  Result<Json> j = ParseJsonStrict(Read(path), path);
  EXPECT_THAT(j, IsOk());
  return j.ok() ? *j : Json();
}

std::string Blob(const std::string& layout, const std::string& digest) {
  EXPECT_EQ(digest.substr(0, 7), "sha256:");
  return Read(layout + "/blobs/sha256/" + digest.substr(7));
}

// zlib's own gzip decoder, independent of GzipWriter.
std::string Gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buffer[1 << 14];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof(buffer);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - z.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(z.avail_in, 0u);
  inflateEnd(&z);
  return out;
}

// Every file of a layout directory, by relative path.
std::map<std::string, std::string> Snapshot(const std::string& layout) {
  std::map<std::string, std::string> files;
  for (std::string name : {"oci-layout", "index.json"}) files[name] = Read(layout + "/" + name);
  for (const std::string& name : List(layout + "/blobs/sha256")) {
    files["blobs/sha256/" + name] = Read(layout + "/blobs/sha256/" + name);
  }
  return files;
}

OciImageSummary Write(const std::vector<ArchiveInput>& inputs, const OciImageConfig& config,
                      const OciWriteOptions& options, const std::string& output) {
  RemoveTree(output);
  Result<OciImageSummary> s = WriteOciLayout(inputs, config, options, output);
  EXPECT_THAT(s, IsOk());
  return s.ok() ? *s : OciImageSummary();
}

std::string WriteTarFile(const std::vector<ArchiveInput>& inputs, const OciImageConfig& config,
                         const OciWriteOptions& options, const std::string& output) {
  Result<OciImageSummary> s = WriteOciLayoutTar(inputs, config, options, output);
  EXPECT_THAT(s, IsOk());
  return Read(output);
}

// Entries of a tar: path -> (mode, content).
std::map<std::string, std::pair<uint32_t, std::string>> TarEntries(const std::string& tar) {
  std::map<std::string, std::pair<uint32_t, std::string>> entries;
  StringSource source(tar);
  TarReader reader(&source);
  TarEntryInfo e;
  for (;;) {
    Result<bool> more = reader.Next(&e);
    EXPECT_THAT(more, IsOk());
    if (!more.ok() || !*more) break;
    Result<std::string> content = reader.ReadAll(1 << 30);
    EXPECT_THAT(content, IsOk());
    entries[e.is_directory ? e.path + "/" : e.path] = {e.mode, content.ok() ? *content : ""};
  }
  return entries;
}

TEST(Unit, LayoutHasExactlyTheOciFilesAndThreeBlobs) {
  const std::string out = test::TestTempPath("layout-files");
  OciImageSummary s = Write(SampleInputs(), SampleConfig(), {}, out);
  EXPECT_THAT(List(out), ElementsAre("blobs", "index.json", "oci-layout"));
  EXPECT_THAT(List(out + "/blobs"), ElementsAre("sha256"));
  std::vector<std::string> blobs = {s.layer.digest.substr(7), s.config.digest.substr(7), s.manifest.digest.substr(7)};
  std::sort(blobs.begin(), blobs.end());
  EXPECT_EQ(List(out + "/blobs/sha256"), blobs);
  EXPECT_EQ(Read(out + "/oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
}

TEST(Unit, EveryBlobIsNamedByItsSha256AndDescribedWithItsSize) {
  const std::string out = test::TestTempPath("layout-digests");
  OciImageSummary s = Write(SampleInputs(), SampleConfig(), {}, out);
  for (const std::string& name : List(out + "/blobs/sha256")) {
    EXPECT_EQ(Sha256Hex(Read(out + "/blobs/sha256/" + name)), name);
  }
  Json index = ReadJson(out + "/index.json");
  ASSERT_EQ(index["manifests"].size(), 1u);
  const Json& entry = index["manifests"][0];
  EXPECT_EQ(entry["mediaType"], kOciManifestMediaType);
  EXPECT_EQ(entry["digest"], s.manifest.digest);
  EXPECT_EQ(entry["annotations"][kOciRefNameAnnotation], "latest");
  EXPECT_EQ(entry["platform"], Json({{"architecture", "amd64"}, {"os", "linux"}}));
  const std::string manifest_bytes = Blob(out, entry["digest"]);
  EXPECT_EQ(entry["size"], manifest_bytes.size());

  Result<Json> manifest = ParseJsonStrict(manifest_bytes, "manifest");
  ASSERT_THAT(manifest, IsOk());
  EXPECT_EQ((*manifest)["schemaVersion"], 2);
  EXPECT_EQ((*manifest)["mediaType"], kOciManifestMediaType);
  EXPECT_EQ((*manifest)["config"]["mediaType"], kOciConfigMediaType);
  EXPECT_EQ((*manifest)["config"]["size"], Blob(out, (*manifest)["config"]["digest"]).size());
  ASSERT_EQ((*manifest)["layers"].size(), 1u);
  const Json& layer = (*manifest)["layers"][0];
  EXPECT_EQ(layer["mediaType"], kOciLayerGzipMediaType);
  EXPECT_EQ(layer["digest"], s.layer.digest);
  EXPECT_EQ(layer["size"], Blob(out, layer["digest"]).size());
  EXPECT_EQ(layer["size"], s.layer.size);
}

TEST(Unit, DiffIdIsTheSha256OfTheDecompressedGzipLayer) {
  const std::string out = test::TestTempPath("layout-diffid-gzip");
  OciImageSummary s = Write(SampleInputs(), SampleConfig(), {}, out);
  const std::string layer = Blob(out, s.layer.digest);
  EXPECT_EQ(layer.substr(0, 10), std::string(kGzipHeader, 10));
  const std::string tar = Gunzip(layer);
  EXPECT_EQ(tar.size(), s.layer_tar_size);
  Json config = ReadJson(out + "/blobs/sha256/" + s.config.digest.substr(7));
  EXPECT_EQ(config["rootfs"], Json({{"type", "layers"}, {"diff_ids", {"sha256:" + Sha256Hex(tar)}}}));
  EXPECT_EQ(s.diff_id, "sha256:" + Sha256Hex(tar));
}

TEST(Unit, DiffIdIsTheSha256OfTheDecompressedZstdLayer) {
  const std::string out = test::TestTempPath("layout-diffid-zstd");
  OciWriteOptions options;
  options.compression = OciLayerCompression::kZstd;
  OciImageSummary s = Write(SampleInputs(), SampleConfig(), options, out);
  EXPECT_EQ(s.layer.media_type, kOciLayerZstdMediaType);
  Result<std::string> tar = ZstdDecompress(Blob(out, s.layer.digest));
  ASSERT_THAT(tar, IsOk());
  Json config = ReadJson(out + "/blobs/sha256/" + s.config.digest.substr(7));
  EXPECT_EQ(config["rootfs"]["diff_ids"], Json({"sha256:" + Sha256Hex(*tar)}));
  Json manifest = ReadJson(out + "/blobs/sha256/" + s.manifest.digest.substr(7));
  EXPECT_EQ(manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar+zstd");
}

TEST(Unit, LayerHoldsTheInputsWithNormalizedModesAndTheGivenMtime) {
  const std::string out = test::TestTempPath("layout-layer");
  OciWriteOptions options;
  options.mtime = 1700000000;
  OciImageSummary s = Write(SampleInputs(), SampleConfig(), options, out);
  const std::string tar = Gunzip(Blob(out, s.layer.digest));
  auto entries = TarEntries(tar);
  ASSERT_EQ(entries.size(), 7u);  // 4 files, data/, lib/, lib/deep/
  EXPECT_EQ(entries["bootstrap"].first, 0755u);
  EXPECT_EQ(entries["bootstrap"].second, "#!/bin/sh\necho hello\n");
  EXPECT_EQ(entries["data/greeting.txt"].first, 0644u);
  EXPECT_EQ(entries["lib/deep/"].first, 0755u);
  EXPECT_EQ(s.layer_entries, 7u);
  StringSource source(tar);
  TarReader reader(&source);
  TarEntryInfo e;
  ASSERT_THAT(reader.Next(&e), IsOk());
  EXPECT_EQ(e.mtime, 1700000000);
}

TEST(Unit, ConfigIsCanonicalJsonWithSortedEnvAndTheMtimeAsCreated) {
  const std::string out = test::TestTempPath("layout-config");
  OciWriteOptions options;
  options.mtime = 1700000000;
  OciImageSummary s = Write(SampleInputs(), SampleConfig(), options, out);
  const std::string want =
      "{\"architecture\":\"amd64\",\"config\":{\"Entrypoint\":[\"/bootstrap\",\"--serve\"],"
      "\"Env\":[\"A_B=x=y\",\"MODE=prod\",\"PORT=8080\"],\"ExposedPorts\":{\"8080/tcp\":{}},"
      "\"Labels\":{\"org.example.team\":\"fn\"},\"WorkingDir\":\"/\"},"
      "\"created\":\"2023-11-14T22:13:20Z\",\"os\":\"linux\","
      "\"rootfs\":{\"diff_ids\":[\"" +
      s.diff_id + "\"],\"type\":\"layers\"}}";
  EXPECT_EQ(Blob(out, s.config.digest), want);
  const std::string manifest =
      "{\"config\":{\"digest\":\"" + s.config.digest +
      "\",\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
      "\"size\":" +
      std::to_string(want.size()) + "},\"layers\":[{\"digest\":\"" + s.layer.digest +
      "\",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":" + std::to_string(s.layer.size) +
      "}],\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"schemaVersion\":2}";
  EXPECT_EQ(Blob(out, s.manifest.digest), manifest);
  const std::string index =
      "{\"manifests\":[{\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"},\"digest\":\"" +
      s.manifest.digest +
      "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},\"size\":" +
      std::to_string(manifest.size()) +
      "}],\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"schemaVersion\":2}";
  EXPECT_EQ(Read(out + "/index.json"), index);
}

TEST(Unit, PlatformVariantAndRefNameReachTheIndexAndConfig) {
  const std::string out = test::TestTempPath("layout-platform");
  OciImageConfig config = SampleConfig();
  Result<OciPlatform> platform = ParseOciPlatform("linux/arm64/v8");
  ASSERT_THAT(platform, IsOk());
  config.platform = *platform;
  OciWriteOptions options;
  options.ref_name = "fn/hello:1.0-rc.1";
  OciImageSummary s = Write(SampleInputs(), config, options, out);
  Json index = ReadJson(out + "/index.json");
  EXPECT_EQ(index["manifests"][0]["platform"], Json({{"architecture", "arm64"}, {"os", "linux"}, {"variant", "v8"}}));
  EXPECT_EQ(index["manifests"][0]["annotations"][kOciRefNameAnnotation], "fn/hello:1.0-rc.1");
  Json image = ReadJson(out + "/blobs/sha256/" + s.config.digest.substr(7));
  EXPECT_EQ(image["architecture"], "arm64");
  EXPECT_EQ(image["variant"], "v8");
}

TEST(Unit, ShuffledInputsGiveIdenticalLayoutsAndLayoutTars) {
  std::vector<ArchiveInput> inputs = SampleInputs();
  OciImageConfig config = SampleConfig();
  Write(inputs, config, {}, test::TestTempPath("layout-order-a"));
  std::string tar_a = WriteTarFile(inputs, config, {}, test::TestTempPath("order-a.oci.tar"));
  std::reverse(inputs.begin(), inputs.end());
  std::reverse(config.env.begin(), config.env.end());
  Write(inputs, config, {}, test::TestTempPath("layout-order-b"));
  std::string tar_b = WriteTarFile(inputs, config, {}, test::TestTempPath("order-b.oci.tar"));
  EXPECT_EQ(Snapshot(test::TestTempPath("layout-order-a")), Snapshot(test::TestTempPath("layout-order-b")));
  EXPECT_EQ(tar_a, tar_b);
}

TEST(Unit, ZstdWorkerCountDoesNotChangeTheBytes) {
  std::vector<ArchiveInput> inputs = SampleInputs();
  std::mt19937 rng(11);
  inputs[1].content.clear();
  for (int i = 0; i < (6 << 20); ++i) inputs[1].content.push_back(static_cast<char>('a' + rng() % 4));
  OciWriteOptions options;
  options.compression = OciLayerCompression::kZstd;
  options.zstd.workers = 1;
  std::string one = WriteTarFile(inputs, SampleConfig(), options, test::TestTempPath("workers-1.oci.tar"));
  options.zstd.workers = 4;
  std::string four = WriteTarFile(inputs, SampleConfig(), options, test::TestTempPath("workers-4.oci.tar"));
  EXPECT_GT(one.size(), 100000u);
  EXPECT_EQ(one, four);
}

TEST(Unit, LayoutTarHoldsTheDirectoryFilesWithFixedModes) {
  const std::string dir = test::TestTempPath("layout-for-tar");
  Write(SampleInputs(), SampleConfig(), {}, dir);
  const std::string tar = WriteTarFile(SampleInputs(), SampleConfig(), {}, test::TestTempPath("layout.oci.tar"));
  auto entries = TarEntries(tar);
  std::map<std::string, std::string> files;
  for (const auto& [path, entry] : entries) {
    if (path.back() == '/') {
      EXPECT_EQ(entry.first, 0755u) << path;
    } else {
      EXPECT_EQ(entry.first, 0644u) << path;
      files[path] = entry.second;
    }
  }
  EXPECT_EQ(files, Snapshot(dir));
  EXPECT_TRUE(entries.count("blobs/sha256/"));
  for (const std::string& name : List(test::TestTempPath(""))) {
    EXPECT_NE(name.find("layout.oci.tar.tmp-"), 0u) << "a temporary layout directory was left behind";
  }
}

TEST(Unit, LayoutFilesAndDirectoriesHaveFixedModesWhateverTheUmask) {
  const std::string out = test::TestTempPath("layout-umask");
  mode_t old = ::umask(077);
  OciImageSummary s = Write(SampleInputs(), SampleConfig(), {}, out);
  ::umask(old);
  EXPECT_EQ(ModeOf(out), 0755u);
  EXPECT_EQ(ModeOf(out + "/blobs/sha256"), 0755u);
  EXPECT_EQ(ModeOf(out + "/index.json"), 0644u);
  EXPECT_EQ(ModeOf(out + "/blobs/sha256/" + s.layer.digest.substr(7)), 0644u);
  EXPECT_EQ(ModeOf(out + "/blobs/sha256/" + s.config.digest.substr(7)), 0644u);
}

TEST(Unit, ExistingOutputIsRefusedAndLeftAlone) {
  const std::string out = test::TestTempPath("layout-exists");
  RemoveTree(out);
  ASSERT_EQ(::mkdir(out.c_str(), 0755), 0);
  ASSERT_THAT(WriteFileAtomic(out + "/keep", "mine"), IsOk());
  Result<OciImageSummary> s = WriteOciLayout(SampleInputs(), SampleConfig(), {}, out + "/");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(s.status().message(), HasSubstr("already exists"));
  EXPECT_THAT(List(out), ElementsAre("keep"));
}

TEST(Unit, FailureWhileWritingLeavesNothingBehind) {
  const std::string parent = test::TestTempPath("layout-fail");
  RemoveTree(parent);
  ASSERT_EQ(::mkdir(parent.c_str(), 0755), 0);
  std::vector<ArchiveInput> inputs = SampleInputs();
  inputs[2].source_path = parent + "/missing";
  Result<OciImageSummary> s = WriteOciLayout(inputs, SampleConfig(), {}, parent + "/image");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(s.status().message(), HasSubstr("missing"));
  s = WriteOciLayoutTar(inputs, SampleConfig(), {}, parent + "/image.oci.tar");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  OciWriteOptions bad_level;
  bad_level.compression = OciLayerCompression::kZstd;
  bad_level.zstd.level = 99;
  s = WriteOciLayout(SampleInputs(), SampleConfig(), bad_level, parent + "/image");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("zstd level 99"));
  EXPECT_THAT(List(parent), ElementsAre());
}

TEST(Unit, WhiteoutPathsAreRefused) {
  for (const char* path : {".wh.bootstrap", "lib/.wh..wh..opq", ".wh.dir/x"}) {
    std::vector<ArchiveInput> inputs = SampleInputs();
    inputs[2].path = path;
    Result<OciImageSummary> s = WriteOciLayout(inputs, SampleConfig(), {}, test::TestTempPath("layout-whiteout"));
    ASSERT_FALSE(s.ok()) << path;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.status().message(), HasSubstr("whiteout"));
  }
  EXPECT_FALSE(PathExists(test::TestTempPath("layout-whiteout")));
}

void ExpectInvalid(const OciImageConfig& config, const OciWriteOptions& options, const std::string& fragment) {
  Status s = ValidateOciImage(config, options);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << fragment << ": " << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(fragment));
}

TEST(Unit, InvalidImageSettingsAreRejectedWithTheFieldNamed) {
  EXPECT_THAT(ValidateOciImage(SampleConfig(), {}), IsOk());
  OciImageConfig c = SampleConfig();
  c.entrypoint.clear();
  ExpectInvalid(c, {}, "entrypoint is empty");
  c = SampleConfig();
  c.env.push_back("NOEQUALS");
  ExpectInvalid(c, {}, "'NOEQUALS' is not KEY=VALUE");
  c = SampleConfig();
  c.env.push_back("=x");
  ExpectInvalid(c, {}, "is not KEY=VALUE");
  c = SampleConfig();
  c.env.push_back("PORT=9090");
  ExpectInvalid(c, {}, "'PORT' is given twice");
  for (const char* port : {"0/tcp", "65536/tcp", "8080", "8080/http", "x/tcp", "123456/tcp"}) {
    c = SampleConfig();
    c.exposed_ports = {port};
    ExpectInvalid(c, {}, "exposed port '" + std::string(port) + "'");
  }
  c = SampleConfig();
  c.exposed_ports = {"8080/tcp", "8080/tcp"};
  ExpectInvalid(c, {}, "given twice");
  c = SampleConfig();
  c.working_dir = "srv";
  ExpectInvalid(c, {}, "not absolute");
  c = SampleConfig();
  c.entrypoint = {"/bootstrap", std::string("\xff\xfe", 2)};
  ExpectInvalid(c, {}, "not valid UTF-8");
  c = SampleConfig();
  c.platform.architecture = "AMD64";
  ExpectInvalid(c, {}, "architecture 'AMD64'");
  for (const char* ref : {"", "-latest", "a//b", "a b", "latest-", "a---b", "tag!"}) {
    OciWriteOptions o;
    o.ref_name = ref;
    ExpectInvalid(SampleConfig(), o, "reference name");
  }
  OciWriteOptions o;
  o.ref_name = std::string(256, 'a');
  ExpectInvalid(SampleConfig(), o, "longer than 255");
  for (const char* ref : {"latest", "v1.2.3", "fn/hello:1.0", "a--b", "x@y+z", "A_b"}) {
    o.ref_name = ref;
    EXPECT_THAT(ValidateOciImage(SampleConfig(), o), IsOk()) << ref;
  }
  o = OciWriteOptions();
  o.gzip.level = 10;
  ExpectInvalid(SampleConfig(), o, "gzip level 10");
}

TEST(Unit, PlatformsParseAsOsArchAndOptionalVariant) {
  Result<OciPlatform> p = ParseOciPlatform("linux/amd64");
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->os, "linux");
  EXPECT_EQ(p->architecture, "amd64");
  EXPECT_EQ(p->variant, "");
  for (const char* bad : {"linux", "linux/", "/amd64", "linux/amd64/v8/x", "Linux/amd64", "linux/arm 64"}) {
    Result<OciPlatform> r = ParseOciPlatform(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("platform")) << bad;
  }
}

TEST(Unit, PortsAreOneToFiveDigitsUpTo65535) {
  for (const auto& [text, port] : std::vector<std::pair<const char*, unsigned>>{
           {"0", 0}, {"8080", 8080}, {"65535", 65535}, {"00080", 80}}) {
    Result<unsigned> p = ParseOciPort(text);
    ASSERT_THAT(p, IsOk()) << text;
    EXPECT_EQ(*p, port) << text;
  }
  for (const char* bad : {"", "65536", "99999", "123456", "-1", "+80", " 80", "8080/tcp", "0x50"}) {
    Result<unsigned> p = ParseOciPort(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().message(), "port '" + std::string(bad) + "' is not a number in 0..65535");
  }
}

}  // namespace
}  // namespace fnseal
