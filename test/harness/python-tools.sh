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

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

[ -f "$requirements" ] || fail "missing $requirements"
wanted="$(sha256 "$requirements")"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

command -v "$python" >/dev/null 2>&1 || fail "$python not found; install Python 3.10+ (or set PYTHON=/path/to/python3)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || fail "$("$python" --version 2>&1) is too old; moto 5.2 and cfn-lint 1.x need Python 3.10+"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "python-tools: installing $(grep -E '^[a-zA-Z]' "$requirements" | tr '\n' ' ')into .venv"
# A half-built or outdated venv is rebuilt from scratch rather than patched, so
# a removed requirement does not linger.
rm -rf "$venv"
if ! "$python" -m venv "$venv" >"$log" 2>&1; then
  cat "$log" >&2
  fail "could not create $venv (on Debian/Ubuntu: apt-get install python3-venv)"
fi
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >"$log" 2>&1; then
  tail -n 40 "$log" | cut -c1-400 >&2
  fail "pip install -r test/harness/requirements.txt failed (see above)"
fi
"$venv/bin/python" -c 'import moto.server, flask' >"$log" 2>&1 || { cat "$log" >&2; fail "moto server is not importable from $venv"; }
[ -x "$venv/bin/cfn-lint" ] || fail "cfn-lint is missing from $venv/bin"

echo "$wanted" >"$stamp"
echo "python-tools: ready ($venv)"
