#!/usr/bin/env bash
# Builds the .NET package where a .NET SDK exists; elsewhere (this project's
# machines have none) generates the .NET code only, so `projen build` passes
# and the generated code is still checked by jsii-pacmak.
set -euo pipefail
if command -v dotnet >/dev/null 2>&1; then
  exec jsii-pacmak -v --target dotnet
fi
jsii-pacmak -v --target dotnet --code-only
echo ".NET code generated under dist/dotnet; no .NET SDK here to build the package."
