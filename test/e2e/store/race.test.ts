// Issue 9 finding 2, end to end: the racer runs inside a real runc container that was wrongly
// given the dir above the metadata root read-write (<dir> at /race, the root is <dir>/p/root),
// so it can swap the root's parent, a task dir or a container dir; the store runs under Bun, the
// runtime the binary is compiled with (the unit test races the same code under Node).
// ≥ 1,000 rounds per scenario; decoys outside the root must keep content, mode and existence.
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { buildRacer, type Level, type Op } from "../../lib/store-race.js";
import { makeBundle } from "../lib/bundle.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const skip = requireTools(["runc", "gcc"]);
const ROUNDS = Number(process.env.OCI_METADATA_RACE_ROUNDS ?? 1000);
const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const DRIVER = fileURLToPath(new URL("./race-driver.ts", import.meta.url));

describe("store race", { skip }, () => {
  let work = "";
  let n = 0;
  let racer = "";

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "ocimd-race-"));
    racer = await buildRacer(work);
  });

  after(async () => {
    const list = await run("runc", ["--root", join(work, "runc"), "list", "-q"]);
    for (const id of list.stdout.split("\n").filter(Boolean))
      await run("runc", ["--root", join(work, "runc"), "delete", "-f", id]);
    rmSync(work, { recursive: true, force: true });
  });

  const cases: Array<[Op, Level]> = [
    ["write", "parent"],
    ["remove", "parent"],
    ["claim", "parent"],
    ["write", "task"],
    ["write", "container"],
    ["remove", "task"],
    ["remove", "container"],
    ["claim", "task"],
    ["claim", "container"],
  ];
  for (const [scenario, level] of cases) {
    it(`bun + runc [${scenario} never touches a decoy while a container exchanges the ${level} dir]`, async () => {
      const dir = join(work, `case-${++n}`);
      const root = join(dir, "p", "root"); // the container gets dir: it can swap p, t1, web
      const outside = join(dir, "outside");
      const rootfs = join(dir, "rootfs");
      for (const d of [root, outside, join(rootfs, "race"), join(rootfs, "proc"), join(rootfs, "dev")])
        mkdirSync(d, { recursive: true });
      for (const d of [join(dir, "p"), root]) chmodSync(d, 0o755);
      copyFileSync(racer, join(rootfs, "exchange-racer"));
      chmodSync(join(rootfs, "exchange-racer"), 0o755);
      const bundle = await makeBundle(join(dir, "bundle"), {
        rootfs,
        args: ["/exchange-racer"],
        mounts: [{ destination: "/race", source: dir, options: ["rbind", "rw"] }],
      });
      const configJson = readFileSync(join(bundle, "config.json"), "utf8");
      const args = {
        root,
        outside,
        scenario,
        level,
        rounds: ROUNDS,
        runcRoot: join(work, "runc"),
        bundle,
        configJson,
        id: `ocimd-race-${process.pid}-${n}`,
        rootInContainer: "/race/p/root",
      };
      const r = await run(BUN, [DRIVER, JSON.stringify(args)], { timeoutMs: 600_000 });
      assert.equal(r.code, 0, r.stderr);
      const line = r.stdout.trim().split("\n").pop()!;
      console.log(`# race ${line}`);
      const result = JSON.parse(line) as {
        runtime: string;
        exchanges: number;
        ops: Record<Op, { attempts: number; escapes: number }>;
        samples: string[];
      };
      assert.match(result.runtime, /^bun /);
      assert.ok(result.exchanges > 0, "the racer never exchanged");
      assert.ok(result.ops[scenario].attempts >= ROUNDS);
      const escapes = Object.values(result.ops).reduce((sum, c) => sum + c.escapes, 0);
      assert.equal(escapes, 0, `escapes: ${result.samples.join("; ")}`);
    });
  }
});
