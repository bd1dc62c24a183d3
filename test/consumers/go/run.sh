#!/usr/bin/env bash
# Builds the Go consumer app (main.go) against the packed Go module of this
# library and runs it: the cloud assembly, with ConsumerStack.template.json,
# goes to OUTDIR.
#
#   bash test/consumers/go/run.sh OUTDIR
#
# Modules and build results go to .cache/consumers/go (ignored by git): mod/ is
# the module cache (aws-cdk-go and the rest, from the Go module proxy, checked
# against go.sum), build/ the Go build cache. Compiling aws-cdk-go's packages is
# the slow part of a first run (minutes); later runs reuse it and only compile
# this library's package again when `npx projen package:go` has changed it.
#
# CONSUMER_GO_DIST names the folder of the packed module (default
# dist/go/cdkmlopsframework, where `npx projen package:go` puts it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
module=github.com/cdk-mlops/cdk-mlops-framework-go/cdkmlopsframework
default_dist="$root/dist/go/cdkmlopsframework"
dist="${CONSUMER_GO_DIST:-$default_dist}"
cache="$root/.cache/consumers/go"

fail() {
  echo "go consumer: $*" >&2
  exit 1
}

[ $# -eq 1 ] || fail "usage: run.sh OUTDIR"
outdir="$1"

# The module first: without it nothing else is worth doing.
if [ ! -f "$dist/go.mod" ] || [ "$(sed -n 's/^module //p' "$dist/go.mod")" != "$module" ]; then
  fail "no Go module of cdk-mlops-framework in $dist: run npx projen compile && npx projen package:go"
fi

command -v go >/dev/null 2>&1 || fail "go not found; install Go 1.25 or newer"

export GOMODCACHE="$cache/mod"
export GOCACHE="$cache/build"
# go.mod and go.sum are the whole truth: no edits, no toolchain download, and
# no VCS stamping (a fresh clone owned by another user would make git refuse).
export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

binary="$cache/bin/consumer"
modfile=()
if [ "$(cd "$dist" && pwd)" != "$(cd "$default_dist" 2>/dev/null && pwd)" ]; then
  # Another packed module: a copy of go.mod that replaces the library with it
  # (go.mod itself stays as committed), and a binary of its own.
  cp "$here/go.mod" "$tmp/go.mod"
  cp "$here/go.sum" "$tmp/go.sum"
  (cd "$here" && go mod edit -modfile="$tmp/go.mod" -replace="$module=$(cd "$dist" && pwd)")
  modfile=(-modfile="$tmp/go.mod")
  binary="$tmp/consumer"
fi

mkdir -p "$(dirname "$binary")"
started=$SECONDS
# go build relinks only when a package changed, so an unchanged library costs
# a second or two here.
if ! (cd "$here" && go build "${modfile[@]}" -o "$binary" .) >"$tmp/build.log" 2>&1; then
  tail -n 40 "$tmp/build.log" | cut -c1-400 >&2
  fail "go build failed (see above); if the module cache is damaged, delete $GOMODCACHE to download again"
fi
built=$SECONDS

mkdir -p "$outdir"
"$binary" "$outdir"
# jsii-runtime-go may end its stderr without a newline ("Runtime process exited
# abnormally: waitid: no child processes", when the kernel process has already
# been reaped at exit: harmless, the exit status is still the app's).
echo >&2
echo "go consumer: build $((built - started))s, synth $((SECONDS - built))s" >&2
