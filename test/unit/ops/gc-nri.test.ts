// gc with the NRI daemon's view of its runtime, over a real temp hostRoot and the plugin's
// own handlers: the view follows Synchronize, creations and removals; a dir of a container
// the runtime no longer lists is removed, a listed one kept; without a view (the command
// line) the runtime cannot be asked and the dir is kept, saying so.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { validateConfig } from "../../../src/core/config.js";
import { nriHandlers, type TrackedView } from "../../../src/engines/nri/plugin.js";
import { configureLog } from "../../../src/host/log.js";
import { ContainerSchema, PodSandboxSchema } from "../../../src/nri-stub/gen/nri/api_pb.js";
import { runGc } from "../../../src/ops/gc.js";
import { contextFor } from "../../../src/steps/context.js";

configureLog({ level: "silent" });
const work = mkdtempSync(join(tmpdir(), "ocimd-gc-nri-"));
after(() => rmSync(work, { recursive: true, force: true }));

const pod = (id: string) =>
  create(PodSandboxSchema, { id, name: `pod-${id}`, uid: `uid-${id}`, namespace: "ns", pid: process.pid });
const ctr = (id: string) => create(ContainerSchema, { id, podSandboxId: "p1", name: `c-${id}` });
const HOUR_AGO = new Date(Date.now() - 3600_000);

describe("ops/gc with the NRI daemon's runtime view", () => {
  it("removes the dir of a container the runtime no longer lists, keeps a listed one", async () => {
    const config = validateConfig({ hostRoot: join(work, "root"), enabled: "always", log: { level: "silent" } });
    const ctx = contextFor(config);
    const view: TrackedView = { engine: "containerd" };
    const h = nriHandlers(ctx, view);
    h.configure?.({ config: "", runtimeName: "containerd", runtimeVersion: "test", requestTimeoutMs: 2000 });
    h.synchronize?.([], [], { deadline: Date.now() + 5000 });
    const dirs: string[] = [];
    for (const id of ["c1", "c2"]) {
      const adj = await h.createContainer!(pod("p1"), ctr(id), { deadline: Date.now() + 5000 });
      dirs.push(adj!.mounts[0]!.source);
    }
    assert.deepEqual([...(view.ids ?? [])].sort(), ["c1", "c2"], "creations join the view");
    await h.removeContainer!(pod("p1"), ctr("c2"), { deadline: Date.now() + 5000 });
    assert.deepEqual([...(view.ids ?? [])], ["c1"], "removals leave it");
    // c2's dir as if its removal's cleanup had been lost (e.g. the plugin was down).
    await new Promise((r) => setTimeout(r, 150));
    for (const d of dirs) {
      if (!existsSync(d)) mkdirSync(d, { recursive: true });
      utimesSync(d, HOUR_AGO, HOUR_AGO);
    }
    await ctx.store.write(
      ctx.store.slotOf(dirs[1]!),
      config.fileName,
      JSON.stringify({ ContainerID: "c2", Engine: "containerd" }),
    );
    for (const d of dirs) for (const p of [join(d, config.fileName), d]) utimesSync(p, HOUR_AGO, HOUR_AGO);

    const cli = await runGc(ctx, { dryRun: false, now: new Date() });
    assert.deepEqual(
      cli.entries.map((e) => e.action),
      ["kept", "kept"],
    );
    assert.match(
      cli.entries.find((e) => e.container === "c2")!.why,
      /^cannot ask: containerd: only the NRI plugin daemon/,
    );

    const daemon = await runGc(ctx, {
      dryRun: false,
      now: new Date(),
      runtimeView: { engine: view.engine, ids: view.ids! },
    });
    const byId = Object.fromEntries(daemon.entries.map((e) => [e.container, e]));
    assert.equal(byId.c1?.action, "kept");
    assert.equal(byId.c2?.action, "removed");
    assert.match(byId.c2!.why, /containerd: not in the runtime's containers/);
    assert.ok(existsSync(dirs[0]!));
    assert.equal(existsSync(dirs[1]!), false);
  });
});
