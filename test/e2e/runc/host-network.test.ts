// Issue 10, finding 4 on real runc: a container sharing the host's netns lists only the
// interfaces that carry the host's default routes, not every bridge and veth of the host
// (this test's own bridge is there to prove it), and the host's address is its IP.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs } from "../lib/bundle.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { hostDefaultRoute } from "../lib/host-route.js";

const skip = requireTools(["runc", "ip", "busybox"]);

describe("runc host network", { skip }, () => {
  let work: string;
  // Another engine's bridge on the host, with an address: it must not be listed.
  const bridge = `ocimd-hb${process.pid % 10000}`;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "ocimd-runc-host-"));
    await runOk("ip", ["link", "add", bridge, "type", "bridge"]);
    await runOk("ip", ["addr", "add", `10.199.${process.pid % 250}.1/24`, "dev", bridge]);
    await runOk("ip", ["link", "set", bridge, "up"]);
  });

  after(async () => {
    await run("ip", ["link", "del", bridge]);
    rmSync(work, { recursive: true, force: true });
  });

  it("runc run with the host netns [Networks is the default-route interface only; IPAddress is the host's]", async () => {
    const bin = requireBinary();
    const id = `ocimd-host-${process.pid}`;
    const env = { ...process.env, OCI_METADATA_HOST_ROOT: join(work, "meta") };
    const bundle = await makeBundle(join(work, id), {
      rootfs: makeRootfs(work),
      args: ["sh", "-c", 'cat "$ECS_CONTAINER_METADATA_FILE"'],
      netns: "host",
      annotations: { "oci-metadata.io/enabled": "true" },
    });
    assert.equal((await run(bin, ["inject", "--bundle", bundle, "--id", id], { env })).code, 0);
    const r = await run("runc", ["--root", join(work, "runc"), "run", "--bundle", bundle, id], { env });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const host = await hostDefaultRoute();
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.equal(doc.NetworkMode, "host");
    assert.deepEqual(
      doc.Networks.map((n: { Interface: string }) => n.Interface),
      [host.dev],
    );
    assert.equal(doc.IPAddress, host.ipv4);
    assert.equal(doc.HostPrivateIPv4Address, host.ipv4);
  });
});
