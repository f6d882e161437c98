// Issue 9 finding 2 as it was reported: the compiled binary's own commands — `inject` (claim +
// first write, the chmod of a new dir), `hook createRuntime` (write), `hook poststop` (remove) —
// against an exchanging racer inside a runc container that has the root mounted read-write.
// Decoys outside the root must keep content, mode and existence.
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildRacer, containerRacer, FILE, type Level, race, type StoreUnderTest } from "../../lib/store-race.js";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs } from "../lib/bundle.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const skip = requireTools(["runc", "gcc", "busybox"]);
const ROUNDS = Number(process.env.OCI_METADATA_RACE_BINARY_ROUNDS ?? 200);
const CONTAINER_ID = "ocimd-race-ctr";
const ANNOTATIONS = { "oci-metadata.io/enabled": "true", "oci-metadata.io/task": "t1", "oci-metadata.io/name": "web" };

// The store's three operations, each one run of the binary as an engine would run it. One
// container id throughout: its claim of t1/web succeeds whenever the dir is new or its file
// names that id, so every round goes through the raced dir (no fallback to web-<id>).
function binaryStore(bin: string, bundle: string, pristine: string, root: string): StoreUnderTest {
  const env = { ...process.env, OCI_METADATA_HOST_ROOT: root, OCI_METADATA_FAILURE_POLICY: "fail" };
  const id = CONTAINER_ID;
  const state = () => JSON.stringify({ ociVersion: "1.0.2", id, status: "creating", pid: process.pid, bundle });
  const ok = async (args: string[], input?: string) => {
    const r = await run(bin, args, { env, input });
    if (r.code !== 0) throw new Error(r.stderr);
  };
  return {
    async claim() {
      writeFileSync(join(bundle, "config.json"), pristine); // each round starts from the engine's config
      await ok(["inject", "--bundle", bundle, "--id", id]);
      return true;
    },
    write: () => ok(["hook", "createRuntime"], state()),
    remove: () => ok(["hook", "poststop"], state()),
  };
}

describe("store race through the binary", { skip }, () => {
  let work = "";
  let bin = "";
  let racer = "";
  let rootfs = "";
  let n = 0;

  before(async () => {
    bin = requireBinary();
    work = mkdtempSync(join(tmpdir(), "ocimd-race-bin-"));
    racer = await buildRacer(work);
    rootfs = makeRootfs(work);
  });

  after(async () => {
    const list = await run("runc", ["--root", join(work, "runc"), "list", "-q"]);
    for (const id of list.stdout.split("\n").filter(Boolean))
      await run("runc", ["--root", join(work, "runc"), "delete", "-f", id]);
    rmSync(work, { recursive: true, force: true });
  });

  for (const level of ["task", "container"] as Level[]) {
    it(`inject, createRuntime, poststop keep every decoy while a container swaps the ${level} dir`, async () => {
      const dir = join(work, `case-${++n}`);
      const root = join(dir, "root");
      const outside = join(dir, "outside");
      const racerRootfs = join(dir, "racer-rootfs");
      for (const d of [root, outside, join(racerRootfs, "race"), join(racerRootfs, "proc"), join(racerRootfs, "dev")])
        mkdirSync(d, { recursive: true });
      chmodSync(root, 0o755);
      mkdirSync(join(root, "t1", "web"), { recursive: true });
      writeFileSync(join(root, "t1", "web", FILE), JSON.stringify({ ContainerID: CONTAINER_ID }));
      copyFileSync(racer, join(racerRootfs, "exchange-racer"));
      chmodSync(join(racerRootfs, "exchange-racer"), 0o755);
      const racerBundle = await makeBundle(join(dir, "racer"), {
        rootfs: racerRootfs,
        args: ["/exchange-racer"],
        mounts: [{ destination: "/race", source: root, options: ["rbind", "rw"] }],
      });
      const bundle = await makeBundle(join(dir, "workload"), { rootfs, args: ["true"], annotations: ANNOTATIONS });
      const pristine = readFileSync(join(bundle, "config.json"), "utf8");
      const result = await race({
        store: binaryStore(bin, bundle, pristine, root),
        root,
        outside,
        scenario: "remove", // a round: inject, createRuntime, poststop
        level,
        rounds: ROUNDS,
        startRacer: containerRacer({
          runcRoot: join(work, "runc"),
          bundle: racerBundle,
          configJson: readFileSync(join(racerBundle, "config.json"), "utf8"),
          id: `ocimd-race-bin-${process.pid}-${n}`,
        }),
      });
      console.log(`# race-binary ${JSON.stringify({ ...result, samples: result.samples.length })}`);
      assert.ok(result.exchanges > 0, "the racer never exchanged");
      for (const op of ["claim", "write", "remove"] as const) assert.ok(result.ops[op].attempts >= ROUNDS);
      const escapes = Object.values(result.ops).reduce((sum, c) => sum + c.escapes, 0);
      assert.equal(escapes, 0, `escapes: ${result.samples.join("; ")}`);
    });
  }
});
