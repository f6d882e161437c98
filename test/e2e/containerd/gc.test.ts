// End-to-end: the NRI plugin daemon collects by itself (issue 9 part 3), against real
// containerd 1.7.24. With --gc-interval 1 it runs gc every second with the runtime's view:
// a dir of a container containerd does not list (its events were lost) and a runc dir whose
// container is gone are removed; a running pod container's dir stays, however old.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { type Containerd, containerdBinaries, createContainerd } from "../lib/containerd.js";
import { requireTools } from "../lib/guard.js";

const TOOLS = [
  "/usr/sbin/runc",
  "ip",
  "tar",
  "/usr/lib/cni/bridge",
  "/usr/lib/cni/host-local",
  "/usr/lib/cni/loopback",
];
const FILE = "ecs-container-metadata.json";
const HOUR_AGO = new Date(Date.now() - 3600_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const skip = requireTools(TOOLS, containerdBinaries("1.7") ? [] : ["containerd 1.7"]);

describe("containerd 1.7 + NRI plugin gc", { skip }, () => {
  let cd: Containerd;
  let plugin: ChildProcess | undefined;
  let hostRoot = "";
  let logFile = "";
  const logLines = (): Record<string, unknown>[] =>
    existsSync(logFile)
      ? readFileSync(logFile, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];

  before(async () => {
    cd = await createContainerd("1.7", 43);
    hostRoot = join(cd.dir, "meta", "root");
    logFile = join(cd.dir, "oci-metadata.log");
    const config = join(cd.dir, "oci-metadata.json");
    writeFileSync(config, JSON.stringify({ hostRoot, log: { file: logFile, level: "debug" } }));
    plugin = spawn(requireBinary(), ["nri", "--config", config, "--socket", cd.nriSocket, "--gc-interval", "1"], {
      stdio: "ignore",
    });
    for (let i = 0; i < 200 && !logLines().some((l) => l.msg === "reconciled with the runtime"); i++) await sleep(50);
  });

  after(async () => {
    if (plugin && plugin.exitCode === null) {
      const gone = new Promise((r) => plugin!.once("exit", r));
      plugin.kill("SIGTERM");
      await gone;
    }
    await cd?.destroy();
  });

  function staleDir(task: string, name: string, doc: Record<string, unknown>): string {
    const dir = join(hostRoot, task, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, FILE), JSON.stringify(doc));
    for (const p of [join(dir, FILE), dir]) utimesSync(p, HOUR_AGO, HOUR_AGO);
    return dir;
  }

  it("nri --gc-interval [gone containers' dirs are removed by the daemon; a running container's dir stays]", async () => {
    const podId = await cd.runPod("gc-pod", { annotations: { "oci-metadata.io/enabled": "true" } });
    const id = await cd.createContainer(podId, undefined, { name: "live", command: ["sleep", "300"] });
    await cd.startContainer(id);
    const live = logLines()
      .map((l) => l.file)
      .find((f): f is string => typeof f === "string" && f.includes("/live/"));
    assert.ok(live, "the live container's file was written");
    const liveDir = live.slice(0, live.lastIndexOf("/"));
    for (const p of [live, liveDir]) utimesSync(p, HOUR_AGO, HOUR_AGO);
    const lost = staleDir("lost-task", "c-lost", { ContainerID: "f".repeat(64), Engine: "containerd" });
    const runc = staleDir("default", "runc-gone", { ContainerID: "gone-runc-ctr", Engine: "runc" });
    for (let i = 0; i < 200 && (existsSync(lost) || existsSync(runc)); i++) await sleep(50);
    assert.equal(existsSync(lost), false, "not in containerd's list: removed");
    assert.equal(existsSync(runc), false, "runc container gone: removed");
    assert.ok(existsSync(live), "the running container keeps its dir");
    const removed = logLines().filter((l) => l.msg === "gc removed a dir whose container is gone");
    assert.deepEqual(removed.map((l) => l.dir).sort(), [lost, runc].sort());
  });
});
