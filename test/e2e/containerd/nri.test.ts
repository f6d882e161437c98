// End-to-end: the oci-metadata NRI plugin against real containerd 1.7.24 (NRI 0.6.1) and 2.1.9
// (NRI 0.8), driven by CRI like a kubelet would. The same suite runs against each version:
// containers read a READY file (the pod's IP, their names, the pod as task) as their first
// instruction; a pod that does not opt in gets nothing; a containerd restart is survived;
// stop/remove leaves no dir behind.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { type Containerd, type ContainerdVersion, containerdBinaries, createContainerd } from "../lib/containerd.js";
import { requireTools } from "../lib/guard.js";

const TOOLS = [
  "/usr/sbin/runc",
  "ip",
  "tar",
  "/usr/lib/cni/bridge",
  "/usr/lib/cni/host-local",
  "/usr/lib/cni/loopback",
];
const VERSIONS: { version: ContainerdVersion; n: number }[] = [
  { version: "1.7", n: 41 },
  { version: "2.1", n: 42 },
];
const ON = { "oci-metadata.io/enabled": "true" };
const PRINT = [
  "sh",
  "-c",
  'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; cat "$ECS_CONTAINER_METADATA_FILE" 2>/dev/null; true',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const { version, n } of VERSIONS) {
  const skip = requireTools(TOOLS, containerdBinaries(version) ? [] : [`containerd ${version}`]);

  describe(`containerd ${version} + NRI plugin`, { skip }, () => {
    let cd: Containerd;
    let plugin: ChildProcess | undefined;
    let hostRoot = "";
    let logFile = "";

    // Lines of the plugin's JSON log.
    const logLines = (): Record<string, any>[] =>
      existsSync(logFile)
        ? readFileSync(logFile, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];

    async function waitForLog(predicate: (l: Record<string, any>) => boolean, what: string, from = 0): Promise<void> {
      for (let i = 0; i < 200; i++) {
        if (logLines().slice(from).some(predicate)) return;
        await sleep(50);
      }
      throw new Error(`plugin never logged ${what}: ${JSON.stringify(logLines().slice(-5))}`);
    }

    async function startPlugin(): Promise<void> {
      const config = join(cd.dir, "oci-metadata.json");
      // poststart: these tests check Status running (opt-in, like on every engine).
      const stages = ["createRuntime", "poststart", "poststop"];
      writeFileSync(
        config,
        JSON.stringify({ hostRoot, stages, annotationsToInclude: ["team"], log: { file: logFile, level: "debug" } }),
      );
      const mark = logLines().length;
      plugin = spawn(requireBinary(), ["nri", "--config", config, "--socket", cd.nriSocket], { stdio: "ignore" });
      await waitForLog((l) => l.msg === "reconciled with the runtime", "Configure and Synchronize", mark);
    }

    async function stopPlugin(): Promise<void> {
      const p = plugin;
      plugin = undefined;
      if (!p || p.exitCode !== null) return;
      const gone = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      await gone;
    }

    before(async () => {
      cd = await createContainerd(version, n);
      hostRoot = join(cd.dir, "meta", "root");
      logFile = join(cd.dir, "oci-metadata.log");
      await startPlugin();
    });

    after(async () => {
      await stopPlugin();
      await cd?.destroy();
    });

    // Runs one container to completion in the pod and returns what it printed.
    async function runToEnd(
      podId: string,
      name: string,
      command = PRINT,
    ): Promise<{ id: string; env: string; doc: Record<string, any> | undefined }> {
      const id = await cd.createContainer(podId, undefined, { name, command });
      await cd.startContainer(id);
      assert.equal(await cd.waitExited(id), 0);
      const [first, ...rest] = (await cd.logs(id)).split("\n");
      const body = rest.join("\n").trim();
      return { id, env: first!.replace(/^ENV=/, ""), doc: body ? JSON.parse(body) : undefined };
    }

    it(`containerd ${version} [a pod of two containers: each reads a READY file with the pod IP, its name and the pod as task]`, async () => {
      const podId = await cd.runPod("web", {
        annotations: { ...ON, team: "shop" },
        labels: { team: "shop", tier: "front" },
        namespace: "prod",
      });
      const ip = await cd.podIP(podId);
      const pod = cd.podConfig(podId).metadata!;
      const first = await runToEnd(podId, "app");
      const second = await runToEnd(podId, "sidecar");
      for (const [name, c] of [
        ["app", first],
        ["sidecar", second],
      ] as const) {
        assert.equal(c.env, `/ecs/metadata/${name}/ecs-container-metadata.json`);
        assert.equal(c.doc?.MetadataFileStatus, "READY");
        assert.equal(c.doc?.ContainerName, name);
        assert.equal(c.doc?.ContainerID, c.id);
        assert.equal(c.doc?.TaskARN, `prod/web/${pod.uid}`);
        assert.equal(c.doc?.IPAddress, ip);
        assert.ok(c.doc?.Gateway?.startsWith(cd.subnetPrefix));
        assert.equal(c.doc?.ImageName, "localhost/ocimd-bb:latest");
        assert.equal(c.doc?.Engine, "containerd");
        assert.deepEqual(c.doc?.Annotations, { team: "shop" });
        assert.deepEqual(c.doc?.Labels, { team: "shop" });
      }
      await cd.stopAndRemove(first.id);
      await cd.stopAndRemove(second.id);
      await cd.removePod(podId);
      await waitForDirsGone();
    });

    it(`containerd ${version} [a pod that does not opt in gets no mount and no env]`, async () => {
      const podId = await cd.runPod("plain", {});
      const c = await runToEnd(podId, "app", [
        "sh",
        "-c",
        'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; grep -c " /ecs" /proc/self/mounts || true',
      ]);
      assert.equal(c.env, "unset");
      assert.equal(c.doc, 0);
      await cd.stopAndRemove(c.id);
      await cd.removePod(podId);
    });

    it(`containerd ${version} [stop and remove: the host dirs are gone]`, async () => {
      const podId = await cd.runPod("long", { annotations: ON });
      const id = await cd.createContainer(podId, undefined, { name: "sleeper", command: ["sleep", "3600"] });
      await cd.startContainer(id);
      const dir = join(hostRoot, readdirSync(hostRoot)[0]!, "sleeper");
      assert.ok(existsSync(join(dir, "ecs-container-metadata.json")));
      await waitFor(
        () => JSON.parse(readFileSync(join(dir, "ecs-container-metadata.json"), "utf8")).Status === "running",
        "Status running after PostStartContainer",
      );
      await cd.stopAndRemove(id);
      await waitFor(() => !existsSync(dir), "container dir removed");
      await cd.removePod(podId);
      await waitForDirsGone();
    });

    it(`containerd ${version} restart [the plugin reconnects; the next pod still gets metadata; dirs of pods gone meanwhile are reconciled]`, async () => {
      const podId = await cd.runPod("before", { annotations: ON });
      const id = await cd.createContainer(podId, undefined, { name: "stays", command: ["sleep", "3600"] });
      await cd.startContainer(id);
      const mark = logLines().length;
      await cd.restart();
      await waitForLog((l) => l.msg === "configured by the runtime", "Configure after the restart", mark);
      const next = await cd.runPod("after", { annotations: ON });
      const c = await runToEnd(next, "fresh");
      assert.equal(c.doc?.MetadataFileStatus, "READY");
      assert.equal(c.doc?.IPAddress, await cd.podIP(next));
      await cd.stopAndRemove(c.id);
      await cd.stopAndRemove(id);
      await cd.removePod(podId);
      await cd.removePod(next);
      await waitForDirsGone();
    });

    it(`containerd ${version} Synchronize [reconciles: a missing file is written again, the dir of a container removed while the plugin was down is removed]`, async () => {
      const podId = await cd.runPod("sync", { annotations: ON });
      const keep = await cd.createContainer(podId, undefined, { name: "keep", command: ["sleep", "3600"] });
      await cd.startContainer(keep);
      const gone = await cd.createContainer(podId, undefined, { name: "gone", command: ["sleep", "3600"] });
      await cd.startContainer(gone);
      const taskDir = join(hostRoot, readdirSync(hostRoot)[0]!);
      const keepFile = join(taskDir, "keep", "ecs-container-metadata.json");
      await stopPlugin();
      rmSync(keepFile);
      await cd.stopAndRemove(gone); // no plugin: no StopContainer/RemoveContainer event reaches us
      assert.ok(existsSync(join(taskDir, "gone")), "the dir outlives its container while the plugin is down");
      await startPlugin();
      assert.equal(existsSync(join(taskDir, "gone")), false, "removed by reconciliation");
      const doc = JSON.parse(readFileSync(keepFile, "utf8"));
      assert.equal(doc.MetadataFileStatus, "READY", "written again by reconciliation");
      assert.equal(doc.ContainerID, keep);
      assert.equal(doc.Status, "running");
      await cd.stopAndRemove(keep);
      await cd.removePod(podId);
      await waitForDirsGone();
    });

    async function waitFor(ok: () => boolean, what: string): Promise<void> {
      for (let i = 0; i < 100 && !ok(); i++) await sleep(50);
      assert.ok(ok(), what);
    }

    async function waitForDirsGone(): Promise<void> {
      await waitFor(
        () => !existsSync(hostRoot) || readdirSync(hostRoot).length === 0,
        `no dir left under ${hostRoot}: ${existsSync(hostRoot) ? readdirSync(hostRoot).join(",") : ""}`,
      );
    }
  });
}
