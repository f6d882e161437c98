#!/usr/bin/env bash
# Installs what oci-metadata's build, demo and tests need on a fresh Debian 12 machine (root),
# then builds the binary. Idempotent: apt runs only when a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# runc tests: runc busybox-static iproute2; store race tests and change-signal tests: gcc libc6-dev
# (a static racer, a static inotify watcher); podman tests: podman conmon catatonit + CNI plugins,
# netavark aardvark-dns; Docker 20.10 tests: docker.io (with tini as docker-init).
PACKAGES=(runc busybox-static iproute2 jq util-linux gcc libc6-dev podman conmon catatonit containernetworking-plugins netavark aardvark-dns iptables docker.io tini)
missing=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# containerd 1.7.24 (CRI + NRI 0.6.1) comes from Debian trixie and IS installed: it replaces the
# bookworm 1.6.20 that docker.io pulled in (docker.io 20.10 accepts it). Skipped when already 1.7.x.
if ! dpkg-query -W -f='${Version}' containerd 2>/dev/null | grep -q '^1\.7\.'; then
  deb=$(bash scripts/engines/debian-suite.sh --download-only trixie containerd)
  echo "setup: installing $(basename "$deb")"
  dpkg -i --force-confdef --force-confold "$deb" >/dev/null
fi
# Docker 28.5, containerd 2.1.9 (CRI + NRI 0.8) and kubectl (renders deploy/kubernetes with
# `kubectl kustomize`) come from Debian sid, unpacked privately under
# /var/cache/oci-metadata-engines/sid/root (not installed: the system's engines stay).
bash scripts/engines/debian-suite.sh sid docker.io containerd kubectl
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund >/dev/null
fi
npm run --silent build >/dev/null
echo "setup: built $(./dist/oci-metadata --version)"
# The plugin's container image (dist/oci-metadata-image.tar) for the image and DaemonSet tests.
npx tsx scripts/image/build.ts
