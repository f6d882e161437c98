#!/usr/bin/env bash
# The whole test suite, from a fresh machine: setup, static checks, unit and engine tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent typecheck
bash scripts/check-core-purity.sh
npm run --silent gen
git diff --exit-code -- schema/ hooks/ || { echo "generated files are stale: run npm run gen and commit" >&2; exit 1; }
bash test/run all
