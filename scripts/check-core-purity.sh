#!/usr/bin/env bash
# House rule 1: src/core does no I/O — no node:/bun: imports, nothing from host/, doors/, nri/.
set -euo pipefail
cd "$(dirname "$0")/.."
if grep -rnE "from \"(node:|bun:|\.\./(host|doors|nri)/)|import\(\"(node:|bun:)" src/core; then
  echo "src/core must stay pure (see docs/design.md)" >&2
  exit 1
fi
