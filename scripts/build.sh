#!/usr/bin/env bash
# Builds the single binary dist/oci-metadata, with the git commit baked in for --version.
# The flags (why: docs/design.md, "The floor of a hook"):
#   --format=esm --splitting     a command loads only its own chunks, not the whole bundle
#   --no-compile-autoload-*      no .env / bunfig.toml read from the cwd (a hook's is the bundle)
#   --compile-jit-policy=1000    run-once code stays interpreted (the NRI daemon resets it)
# OCI_METADATA_BUILD_ENTRY / OCI_METADATA_BUILD_OUT (absolute paths) build another entry with
# exactly these flags: the benchmarks build their no-op floors this way.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src package.json 2>/dev/null || commit="$commit-dirty"
exec npx bun build --compile --minify --bytecode --format=esm --splitting \
  --no-compile-autoload-dotenv --no-compile-autoload-bunfig --compile-jit-policy=1000 \
  --target=bun-linux-x64 \
  "${OCI_METADATA_BUILD_ENTRY:-src/main.ts}" \
  --define "__OCI_METADATA_COMMIT__=\"$commit\"" --outfile "${OCI_METADATA_BUILD_OUT:-dist/oci-metadata}"
