#!/usr/bin/env bash
# The audit store against real databases, outside `bazel test` (it runs Bazel and a server).
# Starts PostgreSQL (initdb in a temporary directory, a Unix socket, a non-root user), runs the
# store's C++ tests against it and SQLite, then `fnseal audit` end to end on both backends:
#   - the example bundles, signed, are ingested; an unsigned one is refused and recorded;
#   - every named query's answer is checked against what the bundles themselves say (read with jq
#     from their signed statements), including built-from on a stamped bundle;
#   - an evidence pack verifies with sha256sum, fnseal, and its own python3 + openssl script;
#   - `kill -9` during ingest, five times at growing delays, leaves a store that passes `fnseal
#     audit check` and holds only whole bundles, and ingesting again completes it;
#   - four concurrent ingesters of the same 400 bundles store each exactly once;
#   - the HTML report renders in Debian's headless Chromium (playwright-core), fetches nothing,
#     shows the store's numbers, and is saved as a screenshot (kept in $FNSEAL_ARTIFACTS if set).
# The server is stopped on exit. Uses the workspace's Bazel server.
set -uo pipefail
cd "$(dirname "$0")/../.."
name=audit
source tests/script_lib.sh
source tests/cli_lib.sh
source tests/audit/postgres.sh

chmod 0755 "$work"
trap 'stop_postgres; script_lib_cleanup' EXIT
mkdir "$work/pg"
start_postgres "$work/pg" || { echo "cannot start PostgreSQL" >&2; exit 1; }

echo "-- the store's tests on SQLite and PostgreSQL"
"${bazel[@]}" test --noshow_progress --test_output=errors --test_env=FNSEAL_TEST_POSTGRES="$POSTGRES_CONNINFO" //audit/... ||
  fail "the audit store's tests failed on PostgreSQL or SQLite"

"${bazel[@]}" build --noshow_progress //examples/... //tools/fnseal //bench/audit:generate_bundles 2>"$work/err.txt" ||
  { cat "$work/err.txt" >&2; exit 1; }
bin=$("${bazel[@]}" info bazel-bin 2>/dev/null)
cp "$bin/tools/fnseal/fnseal" "$work/fnseal"
fnseal=$work/fnseal

# A stamped bundle, so that built-from has a source to find (as tests/rules/stamp_test.sh builds it).
printf '#!/bin/sh\nexec "%s" source-status --workspace-status "%s"\n' "$fnseal" "$PWD" >"$work/status.sh"
chmod +x "$work/status.sh"
"${bazel[@]}" build --noshow_progress --stamp --workspace_status_command="$work/status.sh" //tests/rules:default_stamp_bundle \
  2>"$work/err.txt" || { cat "$work/err.txt" >&2; exit 1; }

cd "$work"
openssl genpkey -algorithm ed25519 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out key.pub.pem 2>/dev/null
cat >policy.json <<'JSON'
{"version": 1, "keys": [{"name": "release", "publicKeyFile": "key.pub.pem", "validUntil": "2099-01-01T00:00:00Z"}],
 "threshold": 1,
 "predicateTypes": ["https://slsa.dev/provenance/v1", "https://spdx.dev/Document/v2.3", "https://spdx.dev/Document/v3",
                    "https://cyclonedx.org/bom"],
 "builders": [{"id": "https://fnseal.dev/builders/bazel/v1"}]}
JSON
mkdir signed
for b in "$bin"/examples/*/*_bundle.fnb "$bin/tests/rules/default_stamp_bundle.fnb"; do
  "$fnseal" sign --key key.pem --output "signed/$(basename "$b")" "$b" >/dev/null || fail "cannot sign $b"
done
cp "$bin/examples/hello/hello_bundle.fnb" unsigned.fnb
# What the bundles say: for each, its digest, function, SBOM components and attestations.
for b in signed/*.fnb; do
  rm -rf u && "$fnseal" unpack --quiet "$b" u || fail "cannot unpack $b"
  sha=$(sha256sum "$b" | cut -d' ' -f1)
  fn=$(jq -r .function.name u/manifest.json)
  sbom=$(ls u/attestations/*cyclonedx*.dsse.json 2>/dev/null | head -1)
  if [[ -n $sbom ]]; then
    jq -r .payload "$sbom" | base64 -d | jq -c --arg sha "$sha" --arg fn "$fn" \
      '.predicate | ([.metadata.component] + (.components // []))[] | {bundle: $sha, function: $fn,
        ref: .["bom-ref"], type: .type, name: .name, purl: .purl,
        license: ([.licenses[]? | .expression // .license.id] | join(" AND ")),
        files: [.components[]?.hashes[]?.content]}' >>facts.jsonl
  fi
  jq -r .payload u/attestations/provenance.dsse.json | base64 -d |
    jq -c --arg sha "$sha" --arg fn "$fn" '{bundle: $sha, function: $fn,
      source: ((.predicate.buildDefinition.resolvedDependencies[] | select(.name == "source")) // null)}' >>sources.jsonl
  echo "$sha $(ls u/attestations/*.dsse.json | wc -l)" >>attestations.txt
done
bundles=$(ls signed/*.fnb | wc -l)

# sorted_lines: stdin's lines, sorted, as one string (for comparing answers).
sorted_lines() { LC_ALL=C sort | tr '\n' ' '; }

check_backend() {
  local name=$1 store=$2
  echo "-- fnseal audit on $name"
  local a=("$fnseal" audit --store "$store")
  expect_exit 0 "$bundles added" -- "${a[@]}" ingest --policy policy.json signed
  expect_exit 0 "$bundles already stored" -- "${a[@]}" ingest --policy policy.json signed
  expect_exit 3 "1 refused" -- "${a[@]}" ingest --policy policy.json unsigned.fnb
  expect_exit 0 "" -- "${a[@]}" attempts --refused --json
  [[ $(jq '.attempts | length' out.txt) == 1 && $(jq -r '.attempts[0].reason' out.txt) == *"not signed"* ]] ||
    fail "$name: attempts --refused does not show the unsigned bundle: $(cat out.txt)"

  # contains: a label, a file digest, and a name, against the SBOMs.
  expect_exit 0 "" -- "${a[@]}" contains toolchain:glibc --json
  [[ $(jq -r '.matches[].bundle' out.txt | sorted_lines) == \
     $(jq -r 'select(.ref == "toolchain:glibc") | .bundle' facts.jsonl | sorted_lines) ]] ||
    fail "$name: contains toolchain:glibc disagrees with the SBOMs: $(cat out.txt)"
  local digest
  digest=$(jq -r 'select(.type == "machine-learning-model") | .files[0]' facts.jsonl | head -1)
  expect_exit 0 "" -- "${a[@]}" contains "$digest" --json
  [[ $(jq -r '.matches[] | select(.component != null) | .bundle' out.txt | sorted_lines) == \
     $(jq -r --arg d "$digest" 'select(.files | index($d)) | .bundle' facts.jsonl | sorted_lines) ]] ||
    fail "$name: contains <model file digest> disagrees with the SBOMs: $(cat out.txt)"

  local purl
  for purl in pkg:deb/debian/libc6-dev pkg:huggingface/example/tiny-sentiment; do
    expect_exit 0 "" -- "${a[@]}" contains "$purl" --json
    [[ $(jq -r '.matches[].bundle' out.txt | sorted_lines) == \
       $(jq -r --arg p "$purl" 'select(.purl != null and (.purl | startswith($p + "@") or . == $p or
           startswith($p + "?"))) | .bundle' facts.jsonl | sorted_lines) &&
       $(jq '.matches | length' out.txt) -gt 0 ]] || fail "$name: contains $purl disagrees with the SBOMs: $(cat out.txt)"
  done

  # models and licenses.
  expect_exit 0 "" -- "${a[@]}" models --json
  [[ $(jq -r '.models[] | .bundle + " " + .component' out.txt | sorted_lines) == \
     $(jq -r 'select(.type == "machine-learning-model") | .bundle + " " + .ref' facts.jsonl | sorted_lines) ]] ||
    fail "$name: models disagrees with the SBOMs: $(cat out.txt)"
  expect_exit 0 "" -- "${a[@]}" licenses --license "GPL-3.0-or-later WITH GCC-exception-3.1" --json
  [[ $(jq -r '.components[] | .bundle + " " + .component' out.txt | sorted_lines) == \
     $(jq -r 'select(.license | contains("GPL-3.0-or-later WITH GCC-exception-3.1")) | .bundle + " " + .ref' \
       facts.jsonl | sorted_lines) ]] || fail "$name: licenses --license disagrees with the SBOMs: $(cat out.txt)"
  expect_exit 0 "" -- "${a[@]}" licenses --category model --csv
  [[ $(tail -n +2 out.txt | cut -d, -f1,3 | tr -d '\r' | sorted_lines) == \
     $(jq -r 'select(.license | contains("LicenseRef-fnseal-")) | .bundle + "," + .ref' facts.jsonl | sorted_lines) ]] ||
    fail "$name: licenses --category model disagrees with the SBOMs: $(cat out.txt)"

  # signed-by: every attestation of every bundle, by key name and by public key file.
  expect_exit 0 "" -- "${a[@]}" signed-by release --json
  [[ $(jq '.signatures | length' out.txt) == $(awk '{n += $2} END {print n}' attestations.txt) ]] ||
    fail "$name: signed-by release does not list every attestation: $(jq '.signatures | length' out.txt)"
  expect_exit 0 "" -- "${a[@]}" signed-by key.pub.pem --json
  [[ $(jq '.signatures | length' out.txt) == $(awk '{n += $2} END {print n}' attestations.txt) ]] ||
    fail "$name: signed-by key.pub.pem does not list every attestation"

  # built-from: the stamped bundle's repository and commit, as its provenance records them.
  local uri commit stamped
  uri=$(jq -r 'select(.source != null) | .source.uri // empty' sources.jsonl | head -1)
  commit=$(jq -r 'select(.source != null) | .source.digest.gitCommit' sources.jsonl | head -1)
  stamped=$(jq -r 'select(.source != null) | .bundle' sources.jsonl | head -1)
  if [[ -n $uri ]]; then
    expect_exit 0 "" -- "${a[@]}" built-from "$uri" --commit "$commit" --json
    [[ $(jq -r '.bundles[].bundle' out.txt) == "$stamped" ]] ||
      fail "$name: built-from $uri --commit $commit is not the stamped bundle: $(cat out.txt)"
  else
    expect_exit 0 "" -- "${a[@]}" sql "SELECT bundle_sha256 FROM audit_bundles WHERE source_commit = '$commit'" --csv
    [[ $(tail -1 out.txt | tr -d '\r') == "$stamped" ]] || fail "$name: the stamped bundle has no source commit"
  fi

  # trace: the chain of the sentiment bundle (by its deployable's digest) matches the bundle.
  local sentiment deployable
  sentiment=$(sha256sum signed/sentiment_bundle.fnb | cut -d' ' -f1)
  rm -rf u && "$fnseal" unpack --quiet signed/sentiment_bundle.fnb u
  deployable=$(sha256sum u/deployables/aws_lambda/*.zip | cut -d' ' -f1)
  expect_exit 0 "" -- "${a[@]}" trace "$deployable" --json
  [[ $(jq -r '.bundle[0].bundle' out.txt) == "$sentiment" ]] || fail "$name: trace by deployable found the wrong bundle"
  [[ $(jq -r '.deployables[].target' out.txt | sorted_lines) == \
     $(jq -r '.deployables[].target' u/manifest.json | sorted_lines) ]] || fail "$name: trace lists other deployables"
  [[ $(jq '.components | length' out.txt) == $(jq -s "map(select(.bundle == \"$sentiment\")) | length" facts.jsonl) ]] ||
    fail "$name: trace lists another number of components"
  [[ $(jq -r '.signatures[].key_name' out.txt | sort -u) == release ]] || fail "$name: trace shows other signers"

  # acceptable-at: replayed now, and after the key's validUntil.
  expect_exit 0 "" -- "${a[@]}" acceptable-at "$sentiment"
  expect_exit 3 "not acceptable" -- "${a[@]}" acceptable-at "$sentiment" --at 2100-01-01T00:00:00Z

  # diff: two functions differ (exit 4); a bundle against itself does not.
  expect_exit 4 "" -- "${a[@]}" diff signed/hello_bundle.fnb signed/http_bundle.fnb
  expect_exit 0 "" -- "${a[@]}" diff signed/hello_bundle.fnb signed/hello_bundle.fnb

  # evidence: a pack that sha256sum, fnseal and openssl (without fnseal) all verify.
  local pack=$work/pack-$name
  expect_exit 0 "" -- "${a[@]}" evidence "$sentiment" -o "$pack"
  (cd "$pack" && sha256sum --quiet -c MANIFEST.sha256) || fail "$name: the evidence pack does not match its MANIFEST"
  local envelope
  for envelope in "$pack"/attestations/*.dsse.json; do
    expect_exit 0 "" -- "$fnseal" verify "$envelope" --key "$pack"/keys/*.pub.pem
  done
  expect_exit 0 "OK" -- sh "$pack/verify-independently.sh"
  cmp -s "$pack/attestations/provenance.dsse.json" u/attestations/provenance.dsse.json ||
    fail "$name: the pack's provenance envelope differs from the bundle's"
  # A changed signature is caught by the independent check too.
  jq -c '.signatures[0].sig |= (if startswith("A") then "B" else "A" end + .[1:])' \
    "$pack/attestations/provenance.dsse.json" >"$work/t.json" && mv "$work/t.json" "$pack/attestations/provenance.dsse.json"
  expect_exit 1 "FAIL" -- sh "$pack/verify-independently.sh"
  expect_exit 1 "exists" -- "${a[@]}" evidence "$sentiment" -o "$pack"

  # sql over the views; writes are refused.
  expect_exit 0 "" -- "${a[@]}" sql "SELECT count(*) AS n FROM audit_bundles" --json
  [[ $(jq -r '.rows[0].n' out.txt) == "$bundles" ]] || fail "$name: audit_bundles does not hold $bundles bundles"
  expect_exit 1 "only reading" -- "${a[@]}" sql "DELETE FROM bundles"
  expect_exit 0 "ok:" -- "${a[@]}" check

  # report: rendered in Chromium, its numbers are the store's.
  expect_exit 0 "" -- "${a[@]}" report -o "$work/report-$name.html" --bundle "$sentiment"
  local shot=$work/report-$name.png
  if node "$root/tests/audit/report_check.mjs" "$work/report-$name.html" "$shot" >rendered.json 2>render.err; then
    local metric want
    for metric in bundles functions components models keys refused; do
      case $metric in
        bundles) want="SELECT count(*) AS n FROM audit_bundles" ;;
        functions) want="SELECT count(DISTINCT function_name) AS n FROM audit_bundles" ;;
        components) want="SELECT count(*) AS n FROM audit_components" ;;
        models) want="SELECT count(*) AS n FROM audit_components WHERE kind = 'model'" ;;
        keys) want="SELECT count(DISTINCT key_id) AS n FROM audit_signatures" ;;
        refused) want="SELECT count(*) AS n FROM audit_ingest_attempts WHERE outcome = 'refused'" ;;
      esac
      "${a[@]}" sql "$want" --json >n.json
      [[ $(jq -r ".metrics.$metric" rendered.json) == $(jq -r '.rows[0].n' n.json) ]] ||
        fail "$name: the report shows $metric $(jq -r ".metrics.$metric" rendered.json), the store $(jq -r '.rows[0].n' n.json)"
    done
    [[ $(jq -r .chainBundle rendered.json) == "$sentiment" ]] || fail "$name: the report draws another bundle's chain"
    [[ $(jq -r '.tables.models' rendered.json) == $(jq -s 'map(select(.type == "machine-learning-model")) | length' facts.jsonl) ]] ||
      fail "$name: the report lists another number of models"
    [[ -s $shot && $(od -An -tx1 -N8 "$shot" | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$name: no PNG screenshot"
    if [[ -n ${FNSEAL_ARTIFACTS:-} ]]; then mkdir -p "$FNSEAL_ARTIFACTS" && cp "$shot" "$FNSEAL_ARTIFACTS/"; fi
  else
    fail "$name: the report does not render in Chromium: $(cat rendered.json render.err)"
  fi
}

# crash_and_concurrency NAME STORE1 STORE2: kill -9 during ingest, then four concurrent ingesters.
crash_and_concurrency() {
  local name=$1 crashed=$2 shared=$3
  echo "-- kill -9 and concurrent ingest on $name"
  # Killed again and again, each run going on where the last one's commits ended: at least one
  # kill must land mid-ingest, leaving some bundles stored and some not (commits every 0.1 s, so
  # that several land before a kill). Short delays first: ingest of these bundles takes about a
  # second, on a fast machine less.
  local delay stored partial=0
  for delay in 0.1 0.2 0.3 0.5 0.8 1.2 1.6 2.0; do
    "$fnseal" audit --store "$crashed" ingest --quiet --commit-interval 0.1 --policy gen-policy.json generated \
      >/dev/null 2>&1 &
    local pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    expect_exit 0 "ok:" -- "$fnseal" audit --store "$crashed" check
    expect_exit 0 "" -- "$fnseal" audit --store "$crashed" sql "SELECT count(*) AS n FROM audit_bundles b WHERE
      (SELECT count(*) FROM audit_components c WHERE c.bundle_sha256 = b.bundle_sha256) <> 12 OR
      (SELECT count(*) FROM audit_attestations t WHERE t.bundle_sha256 = b.bundle_sha256) <> 3" --json
    [[ $(jq -r '.rows[0].n' out.txt) == 0 ]] || fail "$name: after kill -9 the store holds partial bundles"
    expect_exit 0 "" -- "$fnseal" audit --store "$crashed" sql "SELECT count(*) AS n FROM audit_bundles" --json
    stored=$(jq -r '.rows[0].n' out.txt)
    ((stored > 0 && stored < generated)) && partial=1
  done
  ((partial)) || fail "$name: no kill -9 landed mid-ingest (ingest too fast or too slow for the delays)"
  expect_exit 0 "" -- "$fnseal" audit --store "$crashed" ingest --quiet --policy gen-policy.json generated
  expect_exit 0 "" -- "$fnseal" audit --store "$crashed" sql "SELECT count(*) AS n FROM audit_bundles" --json
  [[ $(jq -r '.rows[0].n' out.txt) == "$generated" ]] || fail "$name: ingesting again did not complete the store"

  local w
  for w in 1 2 3 4; do
    # Short commit intervals interleave the four ingesters' batches.
    "$fnseal" audit --store "$shared" ingest --json --commit-interval 0.1 --policy gen-policy.json generated \
      >"ingest$w.json" 2>"ingest$w.err" &
  done
  wait
  local added
  added=$(jq -s 'map(.added) | add' ingest1.json ingest2.json ingest3.json ingest4.json)
  [[ $added == "$generated" ]] || fail "$name: four ingesters added $added bundles, want $generated: $(cat ingest*.err)"
  expect_exit 0 "" -- "$fnseal" audit --store "$shared" sql "SELECT count(*) AS n FROM audit_bundles" --json
  [[ $(jq -r '.rows[0].n' out.txt) == "$generated" ]] || fail "$name: the shared store holds $(cat out.txt)"
  expect_exit 0 "ok:" -- "$fnseal" audit --store "$shared" check
}

npm_ci "$root/tests/audit"
check_backend SQLite "$work/audit.db"
psql "$POSTGRES_CONNINFO" -qc "CREATE DATABASE audit_e2e" >/dev/null || fail "cannot create a PostgreSQL database"
check_backend PostgreSQL "$POSTGRES_CONNINFO dbname=audit_e2e"

generated=400
cp key.pub.pem gen.pub.pem
"$bin/bench/audit/generate_bundles" --count "$generated" --components 12 --key key.pem --out generated ||
  fail "cannot generate bundles"
jq '.predicateTypes = ["https://slsa.dev/provenance/v1", "https://spdx.dev/Document/v2.3", "https://cyclonedx.org/bom"]' \
  policy.json >gen-policy.json
crash_and_concurrency SQLite "$work/crashed.db" "$work/shared.db"
for db in crashed shared; do psql "$POSTGRES_CONNINFO" -qc "CREATE DATABASE $db" >/dev/null; done
crash_and_concurrency PostgreSQL "$POSTGRES_CONNINFO dbname=crashed" "$POSTGRES_CONNINFO dbname=shared"

finish "audit store: named queries agree with the bundles on SQLite and PostgreSQL; kill -9 and concurrent ingest lose nothing"
