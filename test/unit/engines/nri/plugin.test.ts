// The NRI plugin's handlers (engines/nri/plugin.ts) called as the stub calls them, over a
// real temp hostRoot: what CreateContainer answers and writes, what happens near the
// runtime's deadline under each failure policy, and the order of cleanup steps.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { validateConfig } from "../../../../src/core/config.js";
import { nriHandlers } from "../../../../src/engines/nri/plugin.js";
import { configureLog } from "../../../../src/host/log.js";
import { ContainerSchema, PodSandboxSchema } from "../../../../src/nri-stub/gen/nri/api_pb.js";
import { contextFor } from "../../../../src/steps/context.js";

configureLog({ level: "silent" });

const work = mkdtempSync(join(tmpdir(), "ocimd-nri-plugin-"));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

function setup(failurePolicy: "ignore" | "fail" = "ignore") {
  const root = join(work, `root-${++n}`);
  // poststart: these tests exercise PostStartContainer (opt-in through stages).
  const stages = ["createRuntime", "poststart", "poststop"];
  const config = validateConfig({ hostRoot: root, enabled: "always", failurePolicy, stages, log: { level: "silent" } });
  const handlers = nriHandlers(contextFor(config));
  handlers.configure?.({ config: "", runtimeName: "containerd", runtimeVersion: "test", requestTimeoutMs: 2000 });
  return { root, config, handlers };
}

const pod = (id: string) =>
  create(PodSandboxSchema, { id, name: `pod-${id}`, uid: `uid-${id}`, namespace: "ns", pid: process.pid });
type Adj = Awaited<ReturnType<NonNullable<ReturnType<typeof nriHandlers>["createContainer"]>>>;
const ctr = (id: string, podId: string) => create(ContainerSchema, { id, podSandboxId: podId, name: `c-${id}` });
// The container as the runtime reports it after our adjustment: with our mount and env var.
const adjusted = (id: string, podId: string, adj: Adj) =>
  create(ContainerSchema, {
    id,
    podSandboxId: podId,
    name: `c-${id}`,
    env: adj!.env.map((e) => `${e.key}=${e.value}`),
    mounts: adj!.mounts.map((m) => ({ ...m })),
  });
const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
const soon = () => ({ deadline: Date.now() + 5000 });
const settle = () => new Promise((r) => setTimeout(r, 150));

describe("the NRI plugin's handlers", () => {
  it("answers CreateContainer with the mount and env var, and writes the file first", async () => {
    const { root, handlers } = setup();
    const adj = await handlers.createContainer!(pod("p1"), ctr("c1", "p1"), soon());
    assert.ok(adj, "no adjustment");
    const mount = adj.mounts[0]!;
    assert.ok(mount.source.startsWith(root));
    assert.ok(mount.options.includes("ro"));
    assert.equal(adj.env[0]!.key, "ECS_CONTAINER_METADATA_FILE");
    const doc = JSON.parse(readFileSync(join(mount.source, "ecs-container-metadata.json"), "utf8"));
    assert.equal(doc.ContainerID, "c1");
  });

  it("answers no adjustment past the deadline under ignore, and removes the late dir", async () => {
    const { root, handlers } = setup("ignore");
    const adj = await handlers.createContainer!(pod("p2"), ctr("c2", "p2"), { deadline: Date.now() - 10_000 });
    assert.equal(adj, undefined);
    await settle();
    assert.deepEqual(
      filesUnder(root).filter((f) => f.endsWith(".json")),
      [],
    );
  });

  it("fails CreateContainer past the deadline under fail", async () => {
    const { handlers } = setup("fail");
    await assert.rejects(
      handlers.createContainer!(pod("p3"), ctr("c3", "p3"), { deadline: Date.now() - 10_000 }),
      /request timeout/,
    );
  });

  it("rewrites the file with status running at PostStartContainer", async () => {
    const { handlers } = setup();
    const adj = await handlers.createContainer!(pod("p4"), ctr("c4", "p4"), soon());
    await handlers.postStartContainer!(pod("p4"), adjusted("c4", "p4", adj), soon());
    await settle();
    const doc = JSON.parse(readFileSync(join(adj!.mounts[0]!.source, "ecs-container-metadata.json"), "utf8"));
    assert.equal(doc.Status, "running");
  });

  it("removes a pod's dirs at RemovePodSandbox only after the pod's queued steps", async () => {
    const { handlers } = setup();
    const a = await handlers.createContainer!(pod("p5"), ctr("c5a", "p5"), soon());
    const b = await handlers.createContainer!(pod("p5"), ctr("c5b", "p5"), soon());
    // A post-start rewrite queued before the pod goes must not re-create a removed dir.
    await handlers.postStartContainer!(pod("p5"), adjusted("c5a", "p5", a), soon());
    await handlers.removePodSandbox!(pod("p5"), soon());
    await settle();
    assert.equal(existsSync(a!.mounts[0]!.source), false);
    assert.equal(existsSync(b!.mounts[0]!.source), false);
  });

  it("leaves a dir whose file names another container at StopContainer", async () => {
    const { handlers } = setup();
    const adj = await handlers.createContainer!(pod("p6"), ctr("c6", "p6"), soon());
    const file = join(adj!.mounts[0]!.source, "ecs-container-metadata.json");
    writeFileSync(file, JSON.stringify({ ContainerID: "someone-else" }));
    await handlers.stopContainer!(pod("p6"), adjusted("c6", "p6", adj), soon());
    await settle();
    assert.equal(existsSync(file), true);
  });

  it("removes its own dir at StopContainer", async () => {
    const { handlers } = setup();
    const adj = await handlers.createContainer!(pod("p7"), ctr("c7", "p7"), soon());
    await handlers.stopContainer!(pod("p7"), adjusted("c7", "p7", adj), soon());
    await settle();
    assert.equal(existsSync(adj!.mounts[0]!.source), false);
  });
});
