// End-to-end on real podman 4.3 (rootful, CNI bridge, private roots): the precreate hook
// registered through hooks.d gives opted-in containers their metadata before they start.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createPodman, type Podman } from "../lib/podman.js";

const skip = requireTools(
  ["podman", "runc", "conmon", "busybox", "iptables"],
  ["/usr/lib/cni/bridge"].filter((p) => !existsSync(p)),
);
const OPT_IN = ["--annotation", "oci-metadata.io/enabled=true"];
const PRINT = [
  "sh",
  "-c",
  'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; cat "$ECS_CONTAINER_METADATA_FILE" 2>/dev/null; true',
];

describe("podman", { skip }, () => {
  let p: Podman;
  let bin: string;
  let seq = 0;
  const name = () => `ocimd-p${process.pid % 10000}-${++seq}`;

  before(async () => {
    bin = requireBinary();
    p = await createPodman(bin, 100 + (process.pid % 100));
  });

  after(async () => {
    await p?.destroy();
  });

  function parse(stdout: string): { env: string; doc: Record<string, any> | undefined } {
    const [first, ...rest] = stdout.split("\n");
    const body = rest.join("\n").trim();
    return { env: first!.replace(/^ENV=/, ""), doc: body ? JSON.parse(body) : undefined };
  }

  function logLines(): Record<string, any>[] {
    if (!existsSync(p.logFile)) return [];
    return readFileSync(p.logFile, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  it("podman run [the container reads a READY file whose id, name, image, IP and gateway match podman inspect]", async () => {
    const n = name();
    const r = await p.podman([
      "run",
      "-d",
      "--name",
      n,
      ...OPT_IN,
      p.image,
      "sh",
      "-c",
      'cat "$ECS_CONTAINER_METADATA_FILE"; sleep 60',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    try {
      const inspect = JSON.parse((await p.podman(["inspect", n])).stdout)[0];
      let logs = "";
      for (let i = 0; i < 50 && !logs.includes("}"); i++) logs = (await p.podman(["logs", n])).stdout;
      const doc = JSON.parse(logs);
      assert.equal(doc.MetadataFileStatus, "READY");
      assert.equal(doc.ContainerID, id);
      assert.equal(doc.ContainerID, inspect.Id);
      assert.equal(doc.ContainerName, n);
      assert.equal(doc.ContainerName, inspect.Name);
      assert.equal(doc.ImageName, p.image);
      assert.equal(doc.ImageID, `sha256:${inspect.Image}`);
      assert.equal(doc.Engine, "podman");
      assert.equal(doc.NetworkMode, "bridge");
      const net = inspect.NetworkSettings.Networks[p.network];
      assert.equal(doc.IPAddress, net.IPAddress);
      assert.ok(doc.IPAddress.startsWith(p.subnetPrefix));
      assert.equal(doc.Gateway, net.Gateway);
      assert.equal(doc.Networks[0].MACAddress, net.MacAddress);
      const dir = join(p.hostRoot, "default", n);
      assert.ok(existsSync(join(dir, "ecs-container-metadata.json")), "host file exists while the container lives");
      const rm = await p.podman(["rm", "-f", "-t", "0", n]);
      assert.equal(rm.code, 0, rm.stderr);
      assert.equal(existsSync(dir), false, "podman rm removes the host dir");
      assert.equal(existsSync(join(p.hostRoot, "default")), false, "and the empty task dir");
    } finally {
      await p.podman(["rm", "-f", "-t", "0", n]);
    }
  });

  it("podman run --network none [READY with no addresses, NetworkMode none]", async () => {
    const r = await p.podman(["run", "--rm", "--network", "none", ...OPT_IN, p.image, ...PRINT]);
    assert.equal(r.code, 0, r.stderr);
    const { doc } = parse(r.stdout);
    assert.equal(doc?.MetadataFileStatus, "READY");
    assert.equal(doc?.NetworkMode, "none");
    assert.deepEqual(doc?.Networks, []);
    assert.equal(doc?.IPAddress, undefined);
  });

  it("podman run -p 127.0.0.1:HOST:CTR [the published port is in PortMappings]", async () => {
    const host = 20000 + (process.pid % 20000);
    const r = await p.podman([
      "run",
      "--rm",
      "-p",
      `127.0.0.1:${host}:8080/tcp`,
      "-p",
      `127.0.0.1:${host + 1}:53/udp`,
      ...OPT_IN,
      p.image,
      ...PRINT,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { doc } = parse(r.stdout);
    assert.deepEqual(doc?.PortMappings, [
      { ContainerPort: 53, HostPort: host + 1, BindIp: "127.0.0.1", Protocol: "udp" },
      { ContainerPort: 8080, HostPort: host, BindIp: "127.0.0.1", Protocol: "tcp" },
    ]);
  });

  it("podman run [without the opt-in annotation: no env, no mount]", async () => {
    const r = await p.podman([
      "run",
      "--rm",
      p.image,
      "sh",
      "-c",
      'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; grep -c " /ecs" /proc/self/mounts || true',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "ENV=unset\n0\n");
  });

  it("podman run [enabled: always: every container gets metadata unless its annotation says false]", async () => {
    const hookFile = join(p.hooksDir, "50-oci-metadata.json");
    const optInHook = readFileSync(hookFile, "utf8");
    p.writeConfig({ hostRoot: p.hostRoot, enabled: "always", log: { file: p.logFile } });
    // As documented: after changing `enabled`, regenerate the hooks.d file (install.sh does).
    writeFileSync(hookFile, (await runOk(bin, ["--config", p.configPath, "hooks-file", "--bin", bin])).stdout);
    try {
      const always = await p.podman(["run", "--rm", p.image, ...PRINT]);
      assert.equal(always.code, 0, always.stderr);
      assert.equal(parse(always.stdout).doc?.MetadataFileStatus, "READY");
      const out = await p.podman(["run", "--rm", "--annotation", "oci-metadata.io/enabled=false", p.image, ...PRINT]);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(parse(out.stdout).env, "unset");
    } finally {
      p.writeConfig({ hostRoot: p.hostRoot, log: { file: p.logFile, level: "info" } });
      writeFileSync(hookFile, optInHook);
    }
  });

  it("podman run -v DIR:/ecs [conflict: skipped, logged with the reason]", async () => {
    const own = join(p.dir, "own-ecs");
    mkdirSync(own, { recursive: true });
    const n = name();
    const r = await p.podman(["run", "--rm", "--name", n, "-v", `${own}:/ecs`, ...OPT_IN, p.image, ...PRINT]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parse(r.stdout).env, "unset");
    const line = logLines().find((l) => l.reason === "mount-conflict" && /already mounts \/ecs/.test(l.msg));
    assert.ok(line, `a log line says why: ${JSON.stringify(logLines())}`);
    assert.equal(readdirSync(own).length, 0, "nothing written into the workload's own dir");
  });

  it("podman run [a corrupt oci-metadata config never blocks the container under ignore]", async () => {
    writeFileSync(p.configPath, "{ this is not json");
    try {
      const r = await p.podman([
        "run",
        "--rm",
        ...OPT_IN,
        p.image,
        "sh",
        "-c",
        'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; echo ran',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "ENV=unset\nran\n");
    } finally {
      p.writeConfig({ hostRoot: p.hostRoot, log: { file: p.logFile, level: "info" } });
    }
  });

  it("podman run --pod [task is the pod, ports come from the pod's infra container]", async () => {
    const pod = name();
    const host = 20000 + ((process.pid + 7) % 20000);
    const created = await p.podman(["pod", "create", "--name", pod, "-p", `127.0.0.1:${host}:80`]);
    assert.equal(created.code, 0, created.stderr);
    try {
      const podId = JSON.parse((await p.podman(["pod", "inspect", pod])).stdout).Id as string;
      const r = await p.podman(["run", "--rm", "--pod", pod, "--name", `${pod}-app`, ...OPT_IN, p.image, ...PRINT]);
      assert.equal(r.code, 0, r.stderr);
      const { doc } = parse(r.stdout);
      assert.equal(doc?.TaskARN, `pod/${podId.slice(0, 12)}`);
      assert.equal(doc?.ContainerName, `${pod}-app`);
      assert.deepEqual(doc?.PortMappings, [
        { ContainerPort: 80, HostPort: host, BindIp: "127.0.0.1", Protocol: "tcp" },
      ]);
      assert.equal(doc?.MetadataFileStatus, "READY");
    } finally {
      await p.podman(["pod", "rm", "-f", "-t", "0", pod]);
    }
  });
});
