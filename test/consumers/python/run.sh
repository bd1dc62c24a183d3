#!/usr/bin/env bash
# Synthesizes the Python consumer app (app.py) into OUTDIR with the built wheel
# of this library, in a virtualenv of its own:
#
#   bash test/consumers/python/run.sh OUTDIR
#
# The virtualenv lives in .cache/consumers/python/venv and is reused between
# runs. It is rebuilt from scratch when requirements.txt (or the Python) changes:
# installing aws-cdk-lib is the slow part. The wheel is reinstalled, alone and
# without dependencies, when its sha256 changes: jsii-pacmak stamps the build
# time into the wheel, so every `package:python` makes a new one.
#
# PYTHON picks the interpreter (default python3, 3.10 or newer as the wheel
# requires); CONSUMER_PYTHON_DIST the folder the wheel is taken from (default
# dist/python, where `npx projen package:python` puts it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
requirements="$here/requirements.txt"
dist="${CONSUMER_PYTHON_DIST:-$root/dist/python}"
cache="$root/.cache/consumers/python"
venv="$cache/venv"
python="${PYTHON:-python3}"

fail() {
  echo "python consumer: $*" >&2
  exit 1
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

[ $# -eq 1 ] || fail "usage: run.sh OUTDIR"
outdir="$1"

# The wheel first: without it nothing else is worth doing.
shopt -s nullglob
wheels=("$dist"/cdk_mlops_framework-*.whl)
shopt -u nullglob
if [ ${#wheels[@]} -eq 0 ]; then
  fail "no wheel of cdk-mlops-framework in $dist: run npx projen compile && npx projen package:python"
fi
if [ ${#wheels[@]} -gt 1 ]; then
  fail "more than one wheel in $dist (${wheels[*]##*/}): remove the stale ones or run npx projen package:python in a clean dist/"
fi
wheel="${wheels[0]}"

command -v "$python" >/dev/null 2>&1 || fail "$python not found; install Python 3.10+ (or set PYTHON=/path/to/python3)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || fail "$("$python" --version 2>&1) is too old; the wheel requires Python 3.10+"

# The venv's key: the requirements and the interpreter it was made with.
venv_key="$(sha256 "$requirements") $("$python" -c 'import sys; print(sys.version)' | head -n 1)"
wheel_key="$(sha256 "$wheel")"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.venv-key" 2>/dev/null)" != "$venv_key" ]; then
  echo "python consumer: creating $venv (aws-cdk-lib and its dependencies, hash-checked)" >&2
  # Rebuilt rather than patched, so a removed requirement does not linger.
  rm -rf "$venv"
  mkdir -p "$cache"
  if ! "$python" -m venv "$venv" >"$log" 2>&1; then
    cat "$log" >&2
    fail "could not create $venv (on Debian/Ubuntu: apt-get install python3-venv)"
  fi
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    -r "$requirements" >"$log" 2>&1; then
    tail -n 40 "$log" | cut -c1-400 >&2
    fail "pip install -r test/consumers/python/requirements.txt failed (see above)"
  fi
  echo "$venv_key" >"$venv/.venv-key"
fi

if [ "$(cat "$venv/.wheel-sha256" 2>/dev/null)" != "$wheel_key" ]; then
  echo "python consumer: installing ${wheel##*/} into $venv" >&2
  rm -f "$venv/.wheel-sha256"
  # --no-deps: the dependencies are the hash-checked pins above; `pip check`
  # then fails if the wheel asks for something they do not satisfy.
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --force-reinstall "$wheel" >"$log" 2>&1; then
    tail -n 40 "$log" | cut -c1-400 >&2
    fail "pip install ${wheel##*/} failed (see above)"
  fi
  if ! "$venv/bin/python" -m pip check --disable-pip-version-check >"$log" 2>&1; then
    cat "$log" >&2
    fail "the wheel's dependencies are not met by test/consumers/python/requirements.txt (see above)"
  fi
  echo "$wheel_key" >"$venv/.wheel-sha256"
fi

mkdir -p "$outdir"
exec "$venv/bin/python" "$here/app.py" "$outdir"
