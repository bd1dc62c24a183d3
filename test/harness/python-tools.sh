#!/usr/bin/env bash
# Creates .venv at the project root with the pinned Python test tools
# (moto server, cfn-lint). Re-running is a fast no-op while requirements.txt is
# unchanged: the venv carries a stamp with the sha256 of the requirements it
# was built from.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.venv"
requirements="$root/test/harness/requirements.txt"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

fail() {
  echo "python-tools: $*" >&2
  exit 1
}

# shellcheck source=test/harness/python-venv.sh
. "$root/test/harness/python-venv.sh"

[ -f "$requirements" ] || fail "missing $requirements"
wanted="$(sha256 "$requirements")"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

require_python "$python" "moto 5.2 and cfn-lint 1.x need Python 3.10+"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "python-tools: installing $(grep -E '^[a-zA-Z]' "$requirements" | tr '\n' ' ')into .venv"
# A half-built or outdated venv is rebuilt from scratch.
build_venv "$python" "$venv" "$requirements" test/harness/requirements.txt "$log"
"$venv/bin/python" -c 'import moto.server, flask' >"$log" 2>&1 || { cat "$log" >&2; fail "moto server is not importable from $venv"; }
[ -x "$venv/bin/cfn-lint" ] || fail "cfn-lint is missing from $venv/bin"

echo "$wanted" >"$stamp"
echo "python-tools: ready ($venv)"
