#!/usr/bin/env bash
# Creates .venv at the project root with the pinned Python test tools
# (moto server, cfn-lint), and downloads the pinned SageMaker SDK wheel whose
# image URI tables the framework catalog is generated from (sagemaker-tables.txt:
# the wheel only, into .cache/sagemaker-sdk/). Re-running is a fast no-op while
# both files are unchanged: the venv carries a stamp with the sha256 of the
# requirements it was built from, and the wheel is kept once its hash checked.
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

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ] || [ ! -x "$venv/bin/python" ]; then
  require_python "$python" "moto 5.2 and cfn-lint 1.x need Python 3.10+"
  echo "python-tools: installing $(grep -E '^[a-zA-Z]' "$requirements" | tr '\n' ' ')into .venv"
  # A half-built or outdated venv is rebuilt from scratch.
  build_venv "$python" "$venv" "$requirements" test/harness/requirements.txt "$log"
  "$venv/bin/python" -c 'import moto.server, flask' >"$log" 2>&1 || { cat "$log" >&2; fail "moto server is not importable from $venv"; }
  [ -x "$venv/bin/cfn-lint" ] || fail "cfn-lint is missing from $venv/bin"
  echo "$wanted" >"$stamp"
  echo "python-tools: ready ($venv)"
fi

# The SageMaker SDK's image URI tables: its wheel, downloaded (never installed)
# with pip's hash check. build-tools/framework-image-tables.ts finds it by the
# name PyPI gives it and checks the hash again.
sdk_requirements="$root/test/harness/sagemaker-tables.txt"
sdk_cache="$root/.cache/sagemaker-sdk"
[ -f "$sdk_requirements" ] || fail "missing $sdk_requirements"
sdk_pin="$(grep -E '^[a-zA-Z]' "$sdk_requirements" | cut -d' ' -f1)"
sdk_wheel="$sdk_cache/$(echo "${sdk_pin%%==*}" | tr '-' '_')-${sdk_pin##*==}-py3-none-any.whl"
if [ ! -f "$sdk_wheel" ]; then
  echo "python-tools: downloading the $sdk_pin wheel into .cache/sagemaker-sdk/"
  mkdir -p "$sdk_cache"
  if ! "$venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --require-hashes -r "$sdk_requirements" -d "$sdk_cache" >"$log" 2>&1; then
    tail -n 20 "$log" | cut -c1-400 >&2
    fail "pip download -r test/harness/sagemaker-tables.txt failed (see above)"
  fi
  [ -f "$sdk_wheel" ] || fail "pip downloaded no $sdk_wheel"
fi
