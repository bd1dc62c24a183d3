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

# shellcheck source=test/harness/python-venv.sh
. "$root/test/harness/python-venv.sh"

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

require_python "$python" "the wheel requires Python 3.10+"

# The venv's key: the requirements and the interpreter it was made with.
venv_key="$(sha256 "$requirements") $("$python" -c 'import sys; print(sys.version)' | head -n 1)"
wheel_key="$(sha256 "$wheel")"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.venv-key" 2>/dev/null)" != "$venv_key" ]; then
  echo "python consumer: creating $venv (aws-cdk-lib and its dependencies, hash-checked)" >&2
  build_venv "$python" "$venv" "$requirements" test/consumers/python/requirements.txt "$log" --require-hashes
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
