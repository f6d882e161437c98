// Tests src/steps/prepare.ts on a real store in a temp dir: any number of containers that
// choose the same task and name each get their own dir (issue 9: the third one whose id
// shared 12 characters with the second got none), and what the image holds at the mount
// target decides between the next name and a skip (issue 9: runc failed the mount).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { validateConfig } from "../../../src/core/config.js";
import { viewFromSpec } from "../../../src/core/container.js";
import type { Inject } from "../../../src/core/plan.js";
import { contextFor } from "../../../src/steps/context.js";
import { prepareContainer, skipEarly } from "../../../src/steps/prepare.js";

const work = mkdtempSync(join(tmpdir(), "ocimd-prepare-"));
after(() => rmSync(work, { recursive: true, force: true }));
const HOOK = { path: "/usr/local/bin/oci-metadata", timeout: 10 };
let n = 0;

function setup() {
  const dir = join(work, `c${++n}`);
  const config = validateConfig({ hostRoot: join(dir, "meta"), enabled: "always", log: { level: "silent" } });
  const ctx = contextFor(config);
  const spec = () => ({
    process: { env: [] as string[] },
    mounts: [] as unknown[],
    annotations: { "oci-metadata.io/task": "t", "oci-metadata.io/name": "web" },
  });
  return { dir, config, ctx, spec };
}

describe("prepareContainer", () => {
  it("gives each of 20 same-named containers, ids sharing 12 characters, its own dir", async () => {
    const { config, ctx, spec } = setup();
    const dirs = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const id = `0123456789ab-${i}`;
      const s = spec();
      const plan = (await prepareContainer(s, viewFromSpec(s, id, "runc"), ctx, HOOK)) as Inject;
      assert.equal(plan.kind, "inject", `container ${i} got no dir`);
      dirs.add(plan.hostDir);
      assert.equal(JSON.parse(readFileSync(plan.hostFile, "utf8")).ContainerID, id);
    }
    assert.equal(dirs.size, 20);
    assert.equal(readdirSync(join(config.hostRoot, "t")).length, 20);
  });

  it("plans the same dir again for a container prepared twice", async () => {
    const { ctx, spec } = setup();
    for (const id of ["0123456789ab-a", "0123456789ab-b", "0123456789ab-c"]) {
      const s = spec();
      const first = (await prepareContainer(s, viewFromSpec(s, id, "runc"), ctx, HOOK)) as Inject;
      const again = (await prepareContainer(s, viewFromSpec(s, id, "runc"), ctx, HOOK)) as Inject;
      assert.equal(again.hostDir, first.hostDir);
    }
  });

  it("moves to the next name when the image holds a file at /ecs/metadata/<name>", async () => {
    const { dir, ctx, spec } = setup();
    const rootfs = join(dir, "rootfs");
    mkdirSync(join(rootfs, "ecs/metadata"), { recursive: true });
    writeFileSync(join(rootfs, "ecs/metadata/web"), "shipped by the image");
    const s = spec();
    const plan = (await prepareContainer(s, viewFromSpec(s, "0123456789abcdef", "runc"), ctx, HOOK, rootfs)) as Inject;
    assert.equal(plan.containerDir, "/ecs/metadata/web-0123456789ab");
  });

  for (const [name, at] of [
    ["ecs", "ecs"],
    ["metadata", "ecs/metadata"],
  ] as const) {
    it(`skips, claiming nothing and leaving the spec as it was, when the image holds a file at /${at} [${name}]`, async () => {
      const { dir, ctx, spec } = setup();
      const rootfs = join(dir, "rootfs");
      mkdirSync(join(rootfs, at, ".."), { recursive: true });
      writeFileSync(join(rootfs, at), "");
      const s = spec();
      const plan = await prepareContainer(s, viewFromSpec(s, "0123456789abcdef", "runc"), ctx, HOOK, rootfs);
      assert.deepEqual(plan, {
        kind: "skip",
        code: "image-conflict",
        reason: `the image holds a file at /${at}, where /ecs/metadata/web would be mounted`,
      });
      assert.deepEqual(s, spec());
      assert.deepEqual(readdirSync(dir), ["rootfs"]);
    });
  }
});

describe("skipEarly", () => {
  // Each case: config.enabled, and an edit of the spec; the skip code prepareContainer gives.
  const cases: Array<[string, "always" | "opt-in" | "never", (s: Record<string, any>) => void, string | undefined]> = [
    ["disabled", "never", () => undefined, "disabled"],
    ["not opted in", "opt-in", () => undefined, "not-opted-in"],
    ["opted out", "always", (s) => (s.annotations["oci-metadata.io/enabled"] = "false"), "opted-out"],
    ["env var taken", "always", (s) => s.process.env.push("ECS_CONTAINER_METADATA_FILE=/x"), "env-conflict"],
    ["mount taken", "always", (s) => s.mounts.push({ destination: "/ecs/metadata", source: "/x" }), "mount-conflict"],
    ["enabled", "always", () => undefined, undefined],
    ["opted in", "opt-in", (s) => (s.annotations["oci-metadata.io/enabled"] = "true"), undefined],
  ];
  for (const [name, enabled, edit, code] of cases) {
    it(`decides as prepareContainer does, claiming nothing [${name}]`, async () => {
      const { dir } = setup();
      const config = validateConfig({ hostRoot: join(dir, "meta"), enabled, log: { level: "silent" } });
      const ctx = contextFor(config);
      const spec: Record<string, any> = {
        process: { env: [] as string[] },
        mounts: [] as unknown[],
        annotations: { "oci-metadata.io/task": "t", "oci-metadata.io/name": "web" },
      };
      edit(spec);
      const early = await skipEarly(viewFromSpec(spec, "c1", "runc"), ctx);
      assert.equal(early?.code, code);
      assert.equal(existsSync(config.hostRoot), false);
      const plan = await prepareContainer(spec, viewFromSpec(spec, "c1", "runc"), ctx, HOOK);
      assert.equal(plan.kind === "skip" ? plan.code : undefined, code);
    });
  }
});
