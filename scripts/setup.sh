#!/usr/bin/env bash
# Installs what oci-metadata's build, demo and tests need on a fresh Debian 12 machine (root),
# then builds the binary. Idempotent: apt runs only when a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# runc tests: runc busybox-static iproute2; podman tests: podman conmon catatonit + CNI plugins;
# Docker 20.10 tests: docker.io (with tini as docker-init).
PACKAGES=(runc busybox-static iproute2 jq util-linux podman conmon catatonit containernetworking-plugins iptables docker.io tini)
missing=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Docker 28.5 comes from Debian sid, unpacked privately (not installed: 20.10 stays the system's).
bash scripts/engines/debian-suite.sh sid docker.io
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund >/dev/null
fi
npm run --silent build >/dev/null
echo "setup: built $(./dist/oci-metadata --version)"
