#!/usr/bin/env bash
# The whole test suite, from a fresh machine: setup, static checks, unit and engine tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent typecheck
npx tsx scripts/check-layers.ts
npx biome ci . # formatter + linter (biome.json): fails on any unformatted line or lint error
npm run --silent gen
npm run --silent gen:proto >/dev/null
git diff --exit-code -- schema/ hooks/ src/nri-stub/gen/ test/e2e/lib/cri/gen/ || { echo "generated files are stale: run npm run gen and npm run gen:proto, and commit" >&2; exit 1; }
test -z "$(git status --porcelain -- src/nri-stub/gen/ test/e2e/lib/cri/gen/)" || { echo "gen:proto made files that are not committed" >&2; exit 1; }
bash test/run all
