// Issue 9 finding 2: the store against an exchanging racer (renameat2(RENAME_EXCHANGE) in a tight
// loop, a real dir swapped with a symlink that points outside the root), ≥ 1,000 claims, writes
// and removes for each attacked level. Decoys outside the root keep content, mode and
// existence: escapes must be 0. No timing is asserted; the figures are printed for the record.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MetadataStore } from "../../../src/host/store.js";
import { buildRacer, type Level, type Op, race, startProcessRacer } from "../../lib/store-race.js";

const ROUNDS = Number(process.env.OCI_METADATA_RACE_ROUNDS ?? 1000);

describe("the store against an exchanging racer", () => {
  let base = "";
  let racer = "";
  let n = 0;

  before(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), "om-race-")));
    racer = await buildRacer(base);
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
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
    ["claim", "container-to-file"],
  ];
  for (const [scenario, level] of cases) {
    it(`${scenario} keeps every decoy outside the root while the ${level} dir is swapped with a symlink`, async () => {
      const dir = join(base, `case-${++n}`);
      const root = join(dir, "p", "root"); // "parent": dir/p is swapped with dir/p-x
      const outside = join(dir, "outside");
      await mkdir(outside, { recursive: true });
      await mkdir(root, { recursive: true, mode: 0o755 });
      const result = await race({
        store: new MetadataStore(root),
        root,
        outside,
        scenario,
        level,
        rounds: ROUNDS,
        startRacer: (a, b) => startProcessRacer([racer, join(root, a), join(root, b)]),
      });
      console.log(`# race ${JSON.stringify(result)}`);
      assert.ok(result.exchanges > 0, "the racer never exchanged");
      assert.ok(result.ops[scenario].attempts >= ROUNDS);
      const escapes = Object.values(result.ops).reduce((sum, c) => sum + c.escapes, 0);
      assert.equal(escapes, 0, `escapes: ${result.samples.join("; ")}`);
    });
  }
});
