#!/usr/bin/env bash
# The rules' facts about the cloud targets (CLOUD_TARGETS in plugins/private/checks.bzl) agree with
# what fnseal's targets say of themselves (`fnseal targets --json`): the same names in the same
# order, the deployable's file ending from the output kind (zip, or an OCI layout written as one
# tar), and memory / timeout passed exactly to the targets that take such a setting.
set -uo pipefail
source tests/cli_lib.sh
rules=$(jq -S -c . tests/rules/cloud_target_facts.json) || fail "cannot read the rules' facts"
fnseal=$(tools/fnseal/fnseal targets --json | jq -S -c 'map({
    name,
    extension: (if .output == "zip" then "zip" elif .output == "oci-layout" then "tar" else "?" + .output end),
    memory: (.limits.max_memory_mb != null),
    timeout: (.limits.max_timeout_seconds != null)})') || fail "fnseal targets --json failed"
[[ $rules == "$fnseal" ]] || fail "the rules' CLOUD_TARGETS are $rules, but fnseal's targets say $fnseal"
finish "cloud_target_facts_test: the rules and fnseal agree on every cloud target"
