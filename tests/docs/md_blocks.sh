#!/usr/bin/env bash
# The fenced code blocks of fnseal's Markdown, by the words after the block's language
# (docs/development.md, "Examples in the docs"):
#   ```sh run             a test runs the block (bash -euo pipefail), in document order
#   ```LANG file=PATH     a test writes the block to PATH, relative to its workspace
#   ```sh illustrative    shown only: nobody runs it
#
#   md_blocks.sh check [--tested DOC]... FILE...
#       every sh/bash/console/json block carries exactly one of run, file=PATH, illustrative;
#       run and file= only in a --tested DOC (one that a test reads); no other words
#   md_blocks.sh files DOC DIR    writes each file=PATH block of DOC to DIR/PATH
#   md_blocks.sh run DOC          prints DOC's run blocks as one script, each headed by its line
set -euo pipefail

# blocks FILE: one record per fenced block: line, info words, then the body, NUL-terminated.
blocks() {
  awk '
    !inside && /^```/ { inside = 1; start = FNR; info = substr($0, 4); body = ""; next }
    inside && /^```[ \t]*$/ { inside = 0; printf "%d\t%s\t%s%c", start, info, body, 0; next }
    inside { body = body $0 "\n" }
    END { if (inside) { printf "%s:%d: unterminated code block\n", FILENAME, start > "/dev/stderr"; exit 1 } }
  ' "$1"
}

# each FILE FN: calls FN LINE LANG MARK BODY for every block of FILE (MARK: run, file=..., illustrative or "").
each() {
  local file=$1 fn=$2 record line info body lang mark word words records status=0
  # Into a file first, so that an unterminated block (awk's exit status) is seen for certain;
  # `wait $!` on a process substitution may find it already reaped and fail without a word.
  records=$(mktemp)
  blocks "$file" >"$records" || { rm -f "$records"; return 1; }
  while IFS= read -r -d '' record; do
    line=${record%%$'\t'*}
    record=${record#*$'\t'}
    info=${record%%$'\t'*}
    body=${record#*$'\t'}
    read -ra words <<<"$info" || true
    lang=${words[0]:-}
    mark=""
    for word in "${words[@]:1}"; do
      case $word in
        run | illustrative | file=?*)
          [[ -z $mark ]] || { echo "$file:$line: more than one of run, file=, illustrative" >&2; status=1; break 2; }
          mark=$word
          ;;
        *) echo "$file:$line: unknown code block attribute '$word'" >&2; status=1; break 2 ;;
      esac
    done
    "$fn" "$line" "$lang" "$mark" "$body" || { status=1; break; }
  done <"$records"
  rm -f "$records"
  return $status
}

tested=()
bad=0
# complain LINE MESSAGE: records a problem of the current file and goes on checking.
complain() {
  echo "$current:$1: $2" >&2
  bad=1
}

check_block() {
  local line=$1 lang=$2 mark=$3 t
  case $lang in
    sh | bash | console | json)
      [[ -n $mark ]] || complain "$line" "a $lang block needs run, file=PATH or illustrative" ;;
  esac
  [[ $mark == run && $lang != sh && $lang != bash ]] && complain "$line" "only sh and bash blocks can be run"
  [[ $mark == file=/* || $mark == file=*..* ]] && complain "$line" "file= must be a relative path inside the workspace"
  if [[ $mark == run || $mark == file=* ]]; then
    for t in "${tested[@]}"; do [[ $t -ef $current ]] && return 0; done
    complain "$line" "'$mark' in a document no test reads (mark it illustrative)"
  fi
  return 0
}

write_block() {
  local line=$1 mark=$3 body=$4 path
  [[ $mark == file=* ]] || return 0
  path=${mark#file=}
  [[ $path != /* && $path != *..* ]] || { echo "$current:$line: file= must be a relative path inside the workspace" >&2; return 1; }
  mkdir -p "$(dirname "$dest/$path")"
  printf '%s' "$body" >"$dest/$path"
}

print_block() {
  local line=$1 mark=$3 body=$4
  [[ $mark == run ]] || return 0
  printf '# %s:%s\n%s' "$current" "$line" "$body"
}

case ${1:-} in
  check)
    shift
    while [[ ${1:-} == --tested ]]; do tested+=("$2"); shift 2; done
    for current in "$@"; do each "$current" check_block || bad=1; done
    exit $bad
    ;;
  files)
    current=$2 dest=$3
    each "$current" write_block
    ;;
  run)
    current=$2
    each "$current" print_block
    ;;
  *)
    echo "usage: md_blocks.sh check [--tested DOC]... FILE... | files DOC DIR | run DOC" >&2
    exit 2
    ;;
esac
