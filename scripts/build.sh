#!/usr/bin/env bash
# Builds the single binary dist/oci-metadata, with the git commit baked in for --version.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src package.json 2>/dev/null || commit="$commit-dirty"
exec npx bun build --compile --minify --bytecode --target=bun-linux-x64 src/main.ts \
  --define "__OCI_METADATA_COMMIT__=\"$commit\"" --outfile dist/oci-metadata
