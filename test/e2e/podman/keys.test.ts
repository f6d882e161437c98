// Issue 10 on real podman 4.3: host networking lists only the host's default-route interfaces
// (finding 4), and the ECS identity keys from --annotation.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { requireTools } from "../lib/guard.js";
import { hostDefaultRoute } from "../lib/host-route.js";
import { createPodman, type Podman } from "../lib/podman.js";

const skip = requireTools(["podman", "runc", "ip", "busybox"]);
const OPT_IN = ["--annotation", "oci-metadata.io/enabled=true"];

describe("podman keys", { skip }, () => {
  let p: Podman;
  let seq = 0;
  const name = () => `ocimd-pk${process.pid % 10000}-${++seq}`;

  before(async () => {
    p = await createPodman(requireBinary(), 41);
  });

  after(async () => {
    await p?.destroy();
  });

  it("podman run --network host [Networks is the default-route interface only, not the host's bridges]", async () => {
    const r = await p.podman([
      "run",
      "--rm",
      "--name",
      name(),
      "--network",
      "host",
      ...OPT_IN,
      p.image,
      "sh",
      "-c",
      'cat "$ECS_CONTAINER_METADATA_FILE"',
    ]);
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
  });

  it("podman run --annotation [task definition family and revision (strings), host address, the CNI network's name]", async () => {
    const ann = [
      "com.amazonaws.ecs.task-definition-family=shop",
      "com.amazonaws.ecs.task-definition-version=3",
    ].flatMap((a) => ["--annotation", a]);
    const r = await p.podman([
      "run",
      "--rm",
      "--name",
      name(),
      ...OPT_IN,
      ...ann,
      p.image,
      "sh",
      "-c",
      'cat "$ECS_CONTAINER_METADATA_FILE"',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.TaskDefinitionFamily, "shop");
    assert.equal(doc.TaskDefinitionRevision, "3");
    assert.equal(doc.Networks[0].NetworkMode, p.network, "each entry names its CNI network");
    assert.equal(doc.HostPrivateIPv4Address, (await hostDefaultRoute()).ipv4);
  });

  it("podman stop [the dir goes at stop, not at rm; podman start writes it again; exec sees the file but not the env var]", async () => {
    const n = name();
    const r = await p.podman(["run", "-d", "--name", n, ...OPT_IN, p.image, "sleep", "300"]);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(p.hostRoot, "default", n);
    try {
      assert.ok(existsSync(join(dir, "ecs-container-metadata.json")));
      const env = await p.podman([
        "exec",
        n,
        "sh",
        "-c",
        'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; cat /ecs/metadata/*/ecs-container-metadata.json',
      ]);
      assert.equal(env.code, 0, env.stderr);
      assert.match(env.stdout, /^ENV=unset$/m, "podman exec sessions do not get the env var");
      assert.match(env.stdout, /"MetadataFileStatus": "READY"/, "but they read the file at its path");
      assert.equal((await p.podman(["stop", "-t", "0", n])).code, 0);
      assert.equal(existsSync(dir), false, "poststop removed the dir at stop");
      assert.match(
        (await p.podman(["ps", "-a", "--format", "{{.Names}}"])).stdout,
        new RegExp(`^${n}$`, "m"),
        "the container still exists",
      );
      assert.equal((await p.podman(["start", n])).code, 0);
      assert.ok(existsSync(join(dir, "ecs-container-metadata.json")), "start wrote it again");
    } finally {
      await p.podman(["rm", "-f", "-t", "0", n]);
    }
    assert.equal(existsSync(dir), false);
  });
});
