// End-to-end on real runc: bundles built from busybox-static, edited by `oci-metadata inject`,
// run with a private runc root; the container itself prints what it sees.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs, readBundleSpec } from "../lib/bundle.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createTestNet, type TestNet } from "../lib/netns.js";

const skip = requireTools(["runc", "ip", "busybox"]);
const ON = { "oci-metadata.io/enabled": "true" };
const PRINT = ["sh", "-c", 'echo "ENV=$ECS_CONTAINER_METADATA_FILE"; cat "$ECS_CONTAINER_METADATA_FILE"'];

describe("runc", { skip }, () => {
  let bin: string;
  let work: string;
  let rootfs: string;
  let net: TestNet;
  let seq = 0;
  const runcRoot = () => join(work, "runc");
  const hostRoot = () => join(work, "meta", "root");
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, OCI_METADATA_HOST_ROOT: hostRoot(), ...extra });
  const newId = () => `ocimd-${process.pid}-${++seq}`;

  before(async () => {
    bin = requireBinary();
    work = mkdtempSync(join(tmpdir(), "ocimd-runc-"));
    rootfs = makeRootfs(work);
    net = await createTestNet(`r${process.pid % 10000}`, (process.pid % 200) + 1);
  });

  after(async () => {
    const list = await run("runc", ["--root", runcRoot(), "list", "-q"]);
    for (const id of list.stdout.split("\n").filter(Boolean))
      await run("runc", ["--root", runcRoot(), "delete", "-f", id]);
    await net?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  // inject + `runc run` (which deletes the container when it exits, running poststop).
  async function injectAndRun(id: string, bundle: string, extraEnv: NodeJS.ProcessEnv = {}) {
    const inj = await run(bin, ["inject", "--bundle", bundle, "--id", id], { env: env(extraEnv) });
    assert.equal(inj.code, 0, inj.stderr);
    const r = await run("runc", ["--root", runcRoot(), "run", "--bundle", bundle, id], { env: env(extraEnv) });
    return { inject: inj, run: r };
  }

  function parseOutput(stdout: string): { env: string; doc: Record<string, any> } {
    const [first, ...rest] = stdout.split("\n");
    return { env: first!.replace(/^ENV=/, ""), doc: JSON.parse(rest.join("\n")) };
  }

  it("runc run [the container reads a READY file with its identity and network]", async () => {
    const id = newId();
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args: PRINT,
      netns: net.path,
      annotations: {
        ...ON,
        "oci-metadata.io/name": "web",
        "oci-metadata.io/task": "shop/web-1",
        "oci-metadata.io/cluster": "prod-eu",
      },
    });
    const { run: r } = await injectAndRun(id, bundle);
    assert.equal(r.code, 0, r.stderr);
    const { env: file, doc } = parseOutput(r.stdout);
    assert.equal(file, "/ecs/metadata/web/ecs-container-metadata.json");
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.equal(doc.ContainerID, id);
    assert.equal(doc.ContainerName, "web");
    assert.equal(doc.TaskARN, "shop/web-1");
    assert.equal(doc.Cluster, "prod-eu");
    assert.equal(doc.IPAddress, net.ipv4);
    assert.equal(doc.Gateway, net.gateway4);
    assert.equal(doc.IPv6Address, net.ipv6);
    assert.equal(doc.IPv6Gateway, net.gateway6);
    assert.equal(doc.Networks.length, 1);
    assert.equal(doc.Networks[0].Interface, "eth0");
    assert.deepEqual(doc.Networks[0].IPv4CIDRs, [`${net.ipv4}/${net.ipv4Prefix}`]);
    assert.deepEqual(doc.Networks[0].IPv6Addresses, [net.ipv6]);
    assert.equal(doc.Networks[0].MACAddress, net.mac);
    assert.ok(!Number.isNaN(Date.parse(doc.LastUpdatedAt)));
  });

  it("runc run [the metadata mount is read-only inside the container]", async () => {
    const id = newId();
    const args = [
      "sh",
      "-c",
      'd=$(dirname "$ECS_CONTAINER_METADATA_FILE"); if touch "$d/x" 2>/dev/null; then echo writable; else echo read-only; fi; test -s "$ECS_CONTAINER_METADATA_FILE" && echo has-file',
    ];
    const bundle = await makeBundle(join(work, id), { rootfs, args, netns: net.path, annotations: ON });
    const { run: r } = await injectAndRun(id, bundle);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), ["read-only", "has-file"]);
  });

  it("runc delete [poststop removes the container dir and the empty task dir]", async () => {
    const id = newId();
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args: ["sleep", "60"],
      netns: net.path,
      annotations: { ...ON, "oci-metadata.io/task": `t-${id}` },
    });
    await runOk(bin, ["inject", "--bundle", bundle, "--id", id], { env: env() });
    const created = await run("runc", ["--root", runcRoot(), "create", "--bundle", bundle, id], {
      env: env(),
      outputFile: join(work, `${id}.out`),
    });
    assert.equal(created.code, 0, created.stdout);
    const dir = join(hostRoot(), `t-${id}`, id);
    const doc = JSON.parse(readFileSync(join(dir, "ecs-container-metadata.json"), "utf8"));
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.equal(statSync(join(dir, "ecs-container-metadata.json")).mode & 0o777, 0o644);
    assert.equal(statSync(dir).mode & 0o777, 0o755);
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", id], { env: env() });
    assert.equal(existsSync(dir), false, "container dir removed");
    assert.equal(existsSync(join(hostRoot(), `t-${id}`)), false, "empty task dir removed");
  });

  it("runc run [opt-in off: no mount, no env, config.json untouched]", async () => {
    const id = newId();
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args: [
        "sh",
        "-c",
        'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; echo "mounts=$(grep -c " /ecs" /proc/self/mounts)"',
      ],
      netns: net.path,
    });
    const before = readFileSync(join(bundle, "config.json"), "utf8");
    const { run: r } = await injectAndRun(id, bundle);
    assert.equal(readFileSync(join(bundle, "config.json"), "utf8"), before);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "ENV=unset\nmounts=0\n");
  });

  it("inject [a bundle that already mounts the container root is skipped, with a log line saying why]", async () => {
    const id = newId();
    const own = join(work, `${id}-own`);
    rmSync(own, { recursive: true, force: true });
    await runOk("mkdir", ["-p", own]);
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args: ["sh", "-c", 'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"'],
      netns: net.path,
      annotations: ON,
      mounts: [{ destination: "/ecs", source: own }],
    });
    const before = readFileSync(join(bundle, "config.json"), "utf8");
    const { inject: inj, run: r } = await injectAndRun(id, bundle);
    assert.equal(readFileSync(join(bundle, "config.json"), "utf8"), before);
    const line = JSON.parse(inj.stderr.trim().split("\n").pop()!);
    assert.equal(line.reason, "mount-conflict");
    assert.match(line.msg, /already mounts \/ecs/);
    assert.equal(line.container, id);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "ENV=unset");
  });

  it("runc run [volumes-from shape: each env points to its own file, both files readable]", async () => {
    const a = newId();
    const aBundle = await makeBundle(join(work, a), {
      rootfs,
      args: ["sleep", "60"],
      netns: net.path,
      annotations: { ...ON, "oci-metadata.io/name": "first", "oci-metadata.io/task": "pair" },
    });
    await runOk(bin, ["inject", "--bundle", aBundle, "--id", a], { env: env() });
    const created = await run("runc", ["--root", runcRoot(), "create", "--bundle", aBundle, a], {
      env: env(),
      outputFile: join(work, `${a}.out`),
    });
    assert.equal(created.code, 0, created.stdout);
    const aMount = readBundleSpec(aBundle).mounts.find((m: any) => m.destination === "/ecs/metadata/first");
    assert.ok(aMount, "first container has its metadata mount");
    const b = newId();
    const args = [
      "sh",
      "-c",
      'echo "ENV=$ECS_CONTAINER_METADATA_FILE"; cat "$ECS_CONTAINER_METADATA_FILE"; echo ---; cat /ecs/metadata/first/ecs-container-metadata.json',
    ];
    const bBundle = await makeBundle(join(work, b), {
      rootfs,
      args,
      netns: net.path,
      annotations: { ...ON, "oci-metadata.io/name": "second", "oci-metadata.io/task": "pair" },
      mounts: [{ destination: aMount.destination, source: aMount.source, options: aMount.options }],
    });
    const { run: r } = await injectAndRun(b, bBundle);
    assert.equal(r.code, 0, r.stderr);
    const [own, other] = r.stdout.split("---\n");
    const { env: file, doc } = parseOutput(own!);
    assert.equal(file, "/ecs/metadata/second/ecs-container-metadata.json");
    assert.equal(doc.ContainerID, b);
    assert.equal(JSON.parse(other!).ContainerID, a);
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", a], { env: env() });
    assert.equal(existsSync(join(hostRoot(), "pair")), false, "both dirs and the task dir are gone");
  });

  const hostile: [string, string][] = [
    ["dot-dot-path", "../../etc"],
    ["four-kb-name", "x".repeat(4096)],
    ["control-characters", "a\u0001b\nc\u001bd"],
    ["unicode", "ünï/cødé\u202e名前"],
    ["dot-only", ".."],
  ];
  for (const [label, name] of hostile) {
    it(`runc run [hostile name ${label}: nothing written outside the root, container reads its file]`, async () => {
      const id = newId();
      const bundle = await makeBundle(join(work, id), {
        rootfs,
        args: PRINT,
        netns: net.path,
        annotations: { ...ON, "oci-metadata.io/name": name, "oci-metadata.io/task": name },
      });
      const metaParent = join(work, "meta");
      const { run: r } = await injectAndRun(id, bundle);
      assert.equal(r.code, 0, r.stderr);
      const { env: file, doc } = parseOutput(r.stdout);
      assert.equal(doc.ContainerName, name);
      assert.equal(doc.MetadataFileStatus, "READY");
      assert.match(file, /^\/ecs\/metadata\/[A-Za-z0-9_-][A-Za-z0-9._-]*\/ecs-container-metadata\.json$/);
      assert.deepEqual(readdirSync(metaParent), ["root"], "nothing beside the root");
      assert.equal(existsSync("/etc/ecs-container-metadata.json"), false);
    });
  }

  it("hook [malformed state JSON: one JSON log line, exit 0 under ignore, exit 1 under fail]", async () => {
    const ignore = await run(bin, ["hook", "createRuntime"], { env: env(), input: "{not json" });
    assert.equal(ignore.code, 0);
    assert.equal(ignore.stdout, "");
    const lines = ignore.stderr.trim().split("\n");
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!);
    assert.equal(line.code, "state-invalid");
    assert.match(line.msg, /\[state-invalid\] reading the OCI state on stdin: not valid JSON/);
    const fail = await run(bin, ["hook", "createRuntime"], {
      env: env({ OCI_METADATA_FAILURE_POLICY: "fail", OCI_METADATA_LOG_LEVEL: "silent" }),
      input: '{"id": 5}',
    });
    assert.equal(fail.code, 1);
    assert.equal(
      fail.stderr.trim(),
      "oci-metadata: [state-invalid] reading the OCI state on stdin: id: expected string, got 5 (number)",
    );
  });

  it("runc run [unwritable root at inject: clear error, config untouched, the container still runs]", async () => {
    const id = newId();
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args: ["sh", "-c", 'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"'],
      netns: net.path,
      annotations: ON,
    });
    const before = readFileSync(join(bundle, "config.json"), "utf8");
    const { inject: inj, run: r } = await injectAndRun(id, bundle, { OCI_METADATA_HOST_ROOT: "/dev/null/ocimd-root" });
    assert.equal(readFileSync(join(bundle, "config.json"), "utf8"), before);
    assert.match(JSON.parse(inj.stderr.trim()).msg, /creating the metadata root \/dev\/null\/ocimd-root/);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "ENV=unset");
  });

  it("runc run [root turns read-only before create: ignore runs the container with a file that is not READY, fail refuses it]", async () => {
    const ro = join(work, "ro-root");
    for (const policy of ["ignore", "fail"] as const) {
      const id = newId();
      const bundle = await makeBundle(join(work, id), {
        rootfs,
        args: ["sh", "-c", 'grep -q READY "$ECS_CONTAINER_METADATA_FILE" && echo ready || echo not-ready'],
        netns: net.path,
        annotations: ON,
      });
      const e = env({ OCI_METADATA_HOST_ROOT: ro, OCI_METADATA_FAILURE_POLICY: policy });
      await runOk(bin, ["inject", "--bundle", bundle, "--id", id], { env: e });
      await runOk("mount", ["--bind", ro, ro]);
      await runOk("mount", ["-o", "remount,bind,ro", ro]);
      try {
        const r = await run("runc", ["--root", runcRoot(), "run", "--bundle", bundle, id], { env: e });
        if (policy === "ignore") {
          assert.equal(r.code, 0, r.stderr);
          assert.equal(r.stdout, "not-ready\n", "the file from inject stays, without READY");
        } else {
          assert.notEqual(r.code, 0);
          assert.match(r.stderr, /\[io\] writing .*Read-only file system|EROFS/);
        }
      } finally {
        await run("runc", ["--root", runcRoot(), "delete", "-f", id]);
        await runOk("umount", [ro]);
      }
    }
  });

  it("show [prints a running container's file by id]", async () => {
    const id = newId();
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args: ["sleep", "60"],
      netns: net.path,
      annotations: { ...ON, "oci-metadata.io/name": "shown" },
    });
    await runOk(bin, ["inject", "--bundle", bundle, "--id", id], { env: env() });
    await run("runc", ["--root", runcRoot(), "create", "--bundle", bundle, id], {
      env: env(),
      outputFile: join(work, `${id}.out`),
    });
    try {
      const human = await runOk(bin, ["show", id], { env: env() });
      assert.match(human.stdout, new RegExp(`ContainerID: ${id}`));
      assert.match(human.stdout, new RegExp(`IPAddress: ${net.ipv4.replace(/\./g, "\\.")}`));
      const json = JSON.parse((await runOk(bin, ["show", id, "--json"], { env: env() })).stdout);
      assert.equal(json.ContainerName, "shown");
    } finally {
      await run("runc", ["--root", runcRoot(), "delete", "-f", id], { env: env() });
    }
  });
});
