#!/usr/bin/env bash
# The main job, on embedded defaults: a busybox container through real runc, in a network
# namespace with known addresses, prints the metadata file oci-metadata gave it.
# Everything it makes lives under a temp dir and in two netns; all of it is removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
BIN=$PWD/dist/oci-metadata
W=$(mktemp -d /tmp/oci-metadata-demo.XXXXXX)
ID=demo-$$
C=ocimd-demo-$$-c G=ocimd-demo-$$-g
cleanup() {
  runc --root "$W/runc" delete -f "$ID" >/dev/null 2>&1 || true
  ip netns del "$C" 2>/dev/null || true
  ip netns del "$G" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

# A container network: veth between two namespaces, IPv4 + IPv6, default routes.
ip netns add "$C"; ip netns add "$G"
ip link add ocimd0 netns "$C" type veth peer name ocimd1 netns "$G"
ip -n "$C" link set ocimd0 name eth0
ip -n "$C" addr add 10.202.0.2/24 dev eth0; ip -n "$C" addr add fd00:202::2/64 dev eth0 nodad
ip -n "$G" addr add 10.202.0.1/24 dev ocimd1; ip -n "$G" addr add fd00:202::1/64 dev ocimd1 nodad
for ns in "$C" "$G"; do ip -n "$ns" link set lo up; done
ip -n "$C" link set eth0 up; ip -n "$G" link set ocimd1 up
ip -n "$C" route add default via 10.202.0.1; ip -n "$C" -6 route add default via fd00:202::1

# A busybox rootfs and a bundle from `runc spec`, opted in by annotation.
mkdir -p "$W/bundle/rootfs/bin" "$W/bundle/rootfs/proc" "$W/bundle/rootfs/sys" "$W/bundle/rootfs/dev"
cp /bin/busybox "$W/bundle/rootfs/bin/"; for a in sh cat echo; do ln -s busybox "$W/bundle/rootfs/bin/$a"; done
(cd "$W/bundle" && runc spec)
jq --arg ns "/var/run/netns/$C" '
  .process.terminal = false
  | .process.args = ["sh", "-c", "echo \"ECS_CONTAINER_METADATA_FILE=$ECS_CONTAINER_METADATA_FILE\"; cat \"$ECS_CONTAINER_METADATA_FILE\""]
  | .annotations = {"oci-metadata.io/enabled": "true", "oci-metadata.io/name": "demo-web", "oci-metadata.io/task": "demo"}
  | .linux.namespaces = [.linux.namespaces[] | select(.type != "network")] + [{"type": "network", "path": $ns}]
' "$W/bundle/config.json" > "$W/config.json" && mv "$W/config.json" "$W/bundle/config.json"

"$BIN" inject --bundle "$W/bundle" --id "$ID"
echo "--- inside the container:" >&2
runc --root "$W/runc" run --bundle "$W/bundle" "$ID"
