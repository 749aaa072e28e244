#!/usr/bin/env bash
# Validates fnseal's SBOMs against the published JSON schemas (testdata/schemas: SPDX 2.3,
# SPDX 3.0.1, CycloneDX 1.6 with the two schemas it references) with ajv: all three formats, as
# documents and as in-toto statements, for the golden example (testdata/sbom/example) and for a
# larger generated components file (generate_components.js), and checks that deliberately broken
# documents FAIL validation, so that the check itself can fail. Then checks every package URL in
# the three SBOMs of every example bundle (bazel-bin/examples/**/*.fnb) with packageurl-js
# (purls.js), and that broken purls fail that check. Installs the pinned npm packages
# (package.json + package-lock.json here) with `npm ci`, idempotently; needs no network otherwise.
#
# Environment: BAZEL (default "bazel"), FNSEAL_BAZEL_OUTPUT_BASE (a separate output base, shut
# down at the end), CI (when set, the Bazel server is shut down at the end either way),
# SBOM_COMPONENTS (size of the generated file, default 50).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=sbom
source "$here/../script_lib.sh"
npm_ci "$here"

cd "$root"
"${bazel[@]}" build --symlink_prefix=/ //tools/fnseal || die "bazel build failed"
bin=$("${bazel[@]}" info --symlink_prefix=/ bazel-bin 2>/dev/null)/tools/fnseal/fnseal
[[ -x $bin ]] || die "fnseal not found at $bin"

node "$here/generate_components.js" "$work/generated" "${SBOM_COMPONENTS:-50}" || die "generating the components file failed"
echo subject >"$work/subject.bin"
specs=()
for format in spdx-2.3 spdx-3.0.1 cyclonedx-1.6; do
  for input in example generated; do
    if [[ $input == example ]]; then dir=testdata/sbom/example; else dir=$work/generated; fi
    out=$work/$input.$format.json
    "$bin" sbom -q --components "$dir/components.json" --base-dir "$dir" --format "$format" \
      --created 2026-06-01T12:00:00Z -o "$out" || die "fnseal sbom --format $format ($input) failed"
    specs+=("$format=$out")
  done
  statement=$work/example.$format.statement.json
  "$bin" sbom -q --components testdata/sbom/example/components.json --base-dir testdata/sbom/example \
    --format "$format" --statement --subject "hello.fnb=$work/subject.bin" -o "$statement" ||
    die "fnseal sbom --format $format --statement failed"
  specs+=("$format=$statement")
done

# Broken documents, each violating its schema in one place: they must be reported invalid.
node - "$work" <<'JS' || die "making the broken documents failed"
const fs = require('fs');
const dir = process.argv[2];
const breakIt = (format, fn) => {
  const doc = JSON.parse(fs.readFileSync(`${dir}/example.${format}.json`, 'utf8'));
  fn(doc);
  fs.writeFileSync(`${dir}/broken.${format}.json`, JSON.stringify(doc));
};
breakIt('spdx-2.3', (d) => { d.packages[0].primaryPackagePurpose = 'MODEL'; });
breakIt('spdx-3.0.1', (d) => { d['@graph'].find((e) => e.type === 'ai_AIPackage').software_primaryPurpose = 'weights'; });
breakIt('cyclonedx-1.6', (d) => { d.components[0].hashes = [{ alg: 'SHA-256', content: 'not hex' }]; });
JS
for format in spdx-2.3 spdx-3.0.1 cyclonedx-1.6; do specs+=("$format=$work/broken.$format.json!"); done

node "$here/validate.js" testdata/schemas "${specs[@]}" || die "an SBOM did not validate as expected (see above)"
echo "sbom: PASS: ${#specs[@]} documents checked against the SPDX 2.3, SPDX 3.0.1 and CycloneDX 1.6 schemas"

# Package URLs: every purl in the three SBOMs of every example bundle, checked with packageurl-js
# (purls.js), and the example's model and data set must have their Hugging Face purls.
"${bazel[@]}" build --symlink_prefix=/ //examples/... || die "bazel build //examples/... failed"
examples_bin=$("${bazel[@]}" info --symlink_prefix=/ bazel-bin 2>/dev/null)/examples
bundles=()
while IFS= read -r -d '' fnb; do
  dir=$work/bundles/$(basename "$fnb" .fnb)
  mkdir -p "$dir"
  zstd -q -d -c "$fnb" | tar -x -C "$dir" -f - || die "unpacking $fnb failed"
  bundles+=("$dir")
done < <(find "$examples_bin" -name '*.fnb' -print0 | sort -z)
((${#bundles[@]} > 0)) || die "no example bundle (*.fnb) under $examples_bin"
node "$here/purls.js" --expect pkg:huggingface/example/tiny-sentiment --expect pkg:huggingface/stanfordnlp/sst2 \
  "${bundles[@]}" || die "a purl of an example bundle is not accepted by packageurl-js (see above)"
# The check can fail: a purl packageurl-js rejects, and one that is not in canonical form.
for bad in 'pkg:/no-type' 'pkg:npm/%41bc'; do
  broken=$work/broken-purl/$(basename "${bundles[0]}")
  rm -rf "$work/broken-purl" && mkdir -p "$work/broken-purl" && cp -r "${bundles[0]}" "$broken"
  node - "$broken/attestations/sbom.cyclonedx-1.6.statement.json" "$bad" <<'JS' || die "making a broken purl failed"
const fs = require('fs');
const [file, bad] = process.argv.slice(2);
const statement = JSON.parse(fs.readFileSync(file, 'utf8'));
statement.predicate.metadata.component.purl = bad;
fs.writeFileSync(file, JSON.stringify(statement));
JS
  if node "$here/purls.js" "$broken" >/dev/null 2>&1; then die "purls.js accepted the purl $bad"; fi
done
echo "sbom: PASS: the purls of ${#bundles[@]} example bundles are accepted by packageurl-js"
