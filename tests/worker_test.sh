#!/usr/bin/env bash
# `fnseal --persistent_worker`, which the rules' FnsealPack and FnsealBundle actions run in:
# the checks are in worker_test.py (protocol, captured output, same bytes as one-shot runs,
# per-request --no-sync, malformed requests).
set -euo pipefail
exec python3 "$PWD/tests/worker_test.py" "$PWD/tools/fnseal/fnseal"
