#!/usr/bin/env bash
# End-to-end test of the examples' bundles built by function_bundle: each holds a deployable for
# aws_lambda, azure_functions and oci_image, the SBOMs, the license texts and the license verdict;
# the components files list exactly what ships (no toolchain, malloc or exec tool).
set -uo pipefail
source tests/cli_lib.sh
fnseal=$PWD/tools/fnseal/fnseal
root=$PWD
cd "${TEST_TMPDIR:?}"

# has FILE...: every FILE exists under the current directory.
has() {
  for f in "$@"; do [[ -e $f ]] || fail "$(basename "$PWD"): missing $f (have: $(find . -type f | sort | tr '\n' ' '))"; done
}

for example in hello http checksum sentiment; do
  bundle=$root/examples/$example/${example}_bundle.fnb
  rm -rf "$example" && "$fnseal" unpack --quiet "$bundle" "$example" || { fail "cannot unpack $bundle"; continue; }
  (
    cd "$example" || exit 1
    has deployables/aws_lambda/aws_lambda.zip deployables/azure_functions/azure_functions.zip \
      deployables/oci_image/oci_image.tar licenses/verdict.json
    [[ -n $(find attestations -type f -name '*spdx*' 2>/dev/null) ]] || fail "$example: no SPDX SBOM in attestations/"
    [[ -n $(find attestations -type f -iname '*cyclonedx*' 2>/dev/null) ]] || fail "$example: no CycloneDX SBOM in attestations/"
    grep -q '^  "allowed": true,' licenses/verdict.json || fail "$example: the verdict does not allow: $(cat licenses/verdict.json)"
    # Every component of the components file is judged.
    want=$(grep -c '"id": ' "$root/examples/$example/$example.components.json")
    got=$(grep -c '"component": ' licenses/verdict.json)
    [[ $got == "$want" ]] || fail "$example: the verdict judges $got components, the components file has $want"
    for bad in bazel_tools cc_toolchain malloc local_config_cc tools/fnseal; do
      grep -l "$bad" attestations/sbom.* && fail "$example: an SBOM mentions $bad"
    done
    # The Lambda zip has the handler as bootstrap; the OCI tar is an image layout.
    # (Listings are captured first: `grep -q` in a pipe would cut the lister off under pipefail.)
    lambda=$(unzip -Z1 deployables/aws_lambda/aws_lambda.zip)
    azure=$(unzip -Z1 deployables/azure_functions/azure_functions.zip)
    oci=$(tar -tf deployables/oci_image/oci_image.tar)
    grep -qx bootstrap <<<"$lambda" || fail "$example: no bootstrap in the Lambda zip: $lambda"
    grep -qx host.json <<<"$azure" || fail "$example: no host.json in the Azure zip: $azure"
    grep -qx "$example/function.json" <<<"$azure" || fail "$example: no $example/function.json in the Azure zip: $azure"
    grep -qx index.json <<<"$oci" || fail "$example: no index.json in the OCI tar: $oci"
    exit 0
  ) || fail "$example: bundle checks did not run"
done

# License texts: the vendored library's Zlib text and the model's LicenseRef text ship.
[[ -n $(find checksum/licenses -type f -name LICENSE 2>/dev/null) ]] || fail "checksum: no license text for adler32"
[[ -n $(find sentiment/licenses -type f -name MODEL_LICENSE 2>/dev/null) ]] || fail "sentiment: no model license text"

# The provenance records what shaped the bytes: the configuration, the level, each target's
# settings from the function (http: 256 MB, 30 s, the Azure auth level from target_options).
jq -e '.predicate.buildDefinition.externalParameters
  | .target == "//examples/http:http_bundle" and .compressionLevel == 3
    and (.configuration | keys) == ["compilationMode", "cpu"]
    and .deployables.aws_lambda == {"memoryMb": 256, "timeoutSeconds": 30, "handler": {"linking": "static", "machine": "x86_64"}}
    and .deployables.azure_functions == {"timeoutSeconds": 30, "options": {"auth_level": "anonymous"},
                                         "handler": {"linking": "static", "machine": "x86_64"}}
    and .deployables.oci_image == {"options": {"version": "1.0.0"}, "handler": {"linking": "static", "machine": "x86_64"}}' http/attestations/provenance.statement.json >/dev/null ||
  fail "http: externalParameters: $(jq -c .predicate.buildDefinition.externalParameters http/attestations/provenance.statement.json)"

# The C++ toolchain is a resolved dependency: the compiler driver's path and its sha256.
driver=$(jq -r '.predicate.buildDefinition.resolvedDependencies[] | select(.name == "toolchain:cc")
  | .annotations.path' http/attestations/provenance.statement.json)
recorded=$(jq -r '.predicate.buildDefinition.resolvedDependencies[] | select(.name == "toolchain:cc")
  | .digest.sha256' http/attestations/provenance.statement.json)
if [[ $driver == /* ]]; then
  [[ $recorded == "$(sha256sum "$driver" | cut -d' ' -f1)" ]] ||
    fail "http: toolchain:cc records $recorded for $driver, sha256sum says otherwise"
else
  [[ $recorded =~ ^[0-9a-f]{64}$ ]] || fail "http: no toolchain:cc with a digest (driver '$driver')"
fi

# The vendored library is in the checksum SBOMs with its license.
for sbom in checksum/attestations/sbom.*; do
  grep -q 'adler32' "$sbom" && grep -q 'Zlib' "$sbom" || fail "$sbom lacks adler32 under Zlib"
done

finish "bundles of 4 examples checked"
