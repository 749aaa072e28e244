# Shared helpers for the CLI shell tests; source it, then call `finish` at the end.

failures=0

# fail MESSAGE: records a failed check and goes on.
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_exit CODE FRAGMENT -- COMMAND...: runs COMMAND (output in out.txt, err.txt), checks its
# exit code and, unless FRAGMENT is empty, that its stdout or stderr contains FRAGMENT.
expect_exit() {
  local want=$1 fragment=$2
  shift 3
  local rc=0
  "$@" >out.txt 2>err.txt || rc=$?
  if [[ $rc != "$want" ]]; then
    fail "'$*' exited $rc, want $want; stderr: $(cat err.txt)"
  elif [[ -n $fragment ]] && ! grep -qF -- "$fragment" out.txt err.txt; then
    fail "'$*' output lacks '$fragment': $(cat out.txt err.txt)"
  fi
}

# finish MESSAGE: exits 1 if any check failed, else prints MESSAGE.
finish() {
  if ((failures > 0)); then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "$1"
}
