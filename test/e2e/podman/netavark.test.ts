// Issue 10 on real podman 4.3 with netavark (the backend podman picks when it is installed):
// the published port, the network's name and its IPv6 address are in the file, as with CNI.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { requireTools } from "../lib/guard.js";
import { createPodman, type Podman } from "../lib/podman.js";

const skip = requireTools([
  "podman",
  "/usr/lib/podman/netavark",
  "/usr/lib/podman/aardvark-dns",
  "runc",
  "ip",
  "busybox",
]);
const OPT_IN = ["--annotation", "oci-metadata.io/enabled=true"];

describe("podman netavark", { skip }, () => {
  let p: Podman;
  let seq = 0;
  const name = () => `ocimd-nv${process.pid % 10000}-${++seq}`;

  before(async () => {
    p = await createPodman(requireBinary(), 43, "netavark");
  });

  after(async () => {
    await p?.destroy();
  });

  it("podman run -p on a netavark network [port, network name, IPv4 and IPv6 address and gateways]", async () => {
    const n = name();
    const r = await p.podman([
      "run",
      "-d",
      "--name",
      n,
      "-p",
      "127.0.0.1:18143:80",
      "-p",
      "127.0.0.1:18144:53/udp",
      ...OPT_IN,
      p.image,
      "sh",
      "-c",
      'cat "$ECS_CONTAINER_METADATA_FILE"; sleep 60',
    ]);
    assert.equal(r.code, 0, r.stderr);
    try {
      let logs = "";
      for (let i = 0; i < 50 && !logs.includes("}\n"); i++) logs = (await p.podman(["logs", n])).stdout;
      const doc = JSON.parse(logs);
      const inspect = JSON.parse((await p.podman(["inspect", n])).stdout)[0];
      const net = inspect.NetworkSettings.Networks[p.network];
      assert.equal(doc.MetadataFileStatus, "READY");
      assert.deepEqual(doc.PortMappings, [
        { ContainerPort: 53, HostPort: 18144, BindIp: "127.0.0.1", Protocol: "udp" },
        { ContainerPort: 80, HostPort: 18143, BindIp: "127.0.0.1", Protocol: "tcp" },
      ]);
      assert.equal(doc.NetworkMode, "bridge");
      assert.equal(doc.Networks.length, 1);
      assert.equal(doc.Networks[0].NetworkMode, p.network);
      assert.equal(doc.IPAddress, net.IPAddress);
      assert.ok(doc.IPAddress.startsWith(p.subnetPrefix));
      assert.equal(doc.Gateway, net.Gateway);
      assert.equal(doc.IPv6Address, net.GlobalIPv6Address);
      assert.match(doc.IPv6Address, /^fd93:43::/);
      assert.equal(doc.IPv6Gateway, "fd93:43::1");
    } finally {
      await p.podman(["rm", "-f", "-t", "0", n]);
    }
  });
});
