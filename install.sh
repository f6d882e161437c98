#!/usr/bin/env bash
# Installs oci-metadata and registers it with every engine present, through
# `oci-metadata configure` (which does the real work: parsers, drop-ins, backups, the reload or
# restart each engine needs — see `oci-metadata configure --help`).
#   bash install.sh                 binary to PREFIX/bin, then configure for podman, Docker,
#                                   containerd and CRI-O when they are installed
#   bash install.sh --uninstall     configure --uninstall for the same engines, then remove
#                                   the binary and the systemd unit
# Options: --prefix DIR (default /usr/local), --config FILE (passed to the hooks and the
# runtime), --docker-default-runtime, --reload (send dockerd SIGHUP itself), --no-podman,
# --no-docker, --no-containerd, --no-crio, --systemd-dir DIR (default /etc/systemd/system; the
# NRI plugin's unit goes there when systemd runs the machine). Engine path flags
# (--hooks-dir, --docker-config, --containerd-config, --containerd-dropin-dir, --crio-config,
# --crio-dropin-dir, ...) are passed to configure; naming an engine's file selects that engine.
set -euo pipefail
cd "$(dirname "$0")"
PREFIX=/usr/local MODE=install SYSTEMD_DIR=/etc/systemd/system
declare -A WANT=([podman]=auto [docker]=auto [containerd]=auto [crio]=auto)
COMMON=() DOCKER_ARGS=() PATHS=()
while [ $# -gt 0 ]; do
  case $1 in
    --uninstall) MODE=uninstall ;;
    --prefix) PREFIX=$2; shift ;;
    --config) COMMON+=(--config "$2"); shift ;;
    --docker-default-runtime) DOCKER_ARGS+=(--set-as-default) ;;
    --reload) DOCKER_ARGS+=(--reload) ;;
    --no-podman|--no-docker|--no-containerd|--no-crio) WANT[${1#--no-}]=no ;;
    --systemd-dir) SYSTEMD_DIR=$2; shift ;;
    --hooks-dir|--containers-conf) PATHS+=("$1" "$2"); WANT[podman]=yes; shift ;;
    --docker-*) PATHS+=("$1" "$2"); WANT[docker]=yes; shift ;;
    --containerd-*) PATHS+=("$1" "$2"); WANT[containerd]=yes; shift ;;
    --crio-*) PATHS+=("$1" "$2"); WANT[crio]=yes; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
BIN=$PREFIX/bin/oci-metadata
declare -A PROBE=([podman]=podman [docker]=dockerd [containerd]=containerd [crio]=crio)
want() { [ "${WANT[$1]}" = yes ] || { [ "${WANT[$1]}" = auto ] && command -v "${PROBE[$1]}" >/dev/null 2>&1; }; }
configure() { # configure ENGINE [ARGS...]
  local engine=$1; shift
  local extra=(); [ "$engine" = docker ] && extra=("${DOCKER_ARGS[@]}")
  "$BIN" configure --runtime "$engine" --bin "$BIN" "${COMMON[@]}" "${PATHS[@]}" "${extra[@]}" "$@"
}
UNIT=$SYSTEMD_DIR/oci-metadata-nri.service

if [ "$MODE" = uninstall ]; then
  if [ -x "$BIN" ]; then
    for engine in podman docker containerd crio; do
      if want "$engine"; then configure "$engine" --uninstall; fi
    done
  fi
  if [ -e "$UNIT" ]; then rm -f "$UNIT" && echo "removed $UNIT (systemctl daemon-reload)"; fi
  rm -f "$BIN" "$BIN-runtime" && echo "removed $BIN and $BIN-runtime"
  exit 0
fi

[ -x dist/oci-metadata ] || { npm ci --no-audit --no-fund >/dev/null && npm run --silent build >/dev/null; }
install -D -m 0755 dist/oci-metadata "$BIN.new" && mv -f "$BIN.new" "$BIN"
ln -sfn oci-metadata "$BIN-runtime" # the runtime wrapper, for runtimes configured by path only (containerd BinaryName)
echo "installed $BIN ($("$BIN" --version)) and $BIN-runtime"
for engine in podman docker containerd crio; do
  if want "$engine"; then configure "$engine"; fi
done
if [ -d /run/systemd/system ] || [ "$SYSTEMD_DIR" != /etc/systemd/system ]; then
  mkdir -p "$SYSTEMD_DIR"
  sed "s#/usr/bin/oci-metadata#$BIN#" packaging/oci-metadata-nri.service > "$UNIT"
  echo "installed $UNIT (systemctl daemon-reload && systemctl enable --now oci-metadata-nri)"
else
  echo "no systemd here: run the NRI plugin as '$BIN nri' under your supervisor (unit: packaging/oci-metadata-nri.service)"
fi
