// End-to-end on real runc: every way a container dir leaks (issue 9 finding 3) is produced for
// real, then `oci-metadata gc` runs and the dirs left are counted. Containers use a private
// runc root, which gc does not know: a live one is kept because the kernel shows it mounted.
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs } from "../lib/bundle.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const skip = requireTools(["runc", "busybox"]);
const ON = { "oci-metadata.io/enabled": "true" };
const FILE = "ecs-container-metadata.json";
const HOUR_AGO = new Date(Date.now() - 3600_000);

describe("runc gc", { skip }, () => {
  let bin: string;
  let work: string;
  let rootfs: string;
  let seq = 0;
  const runcRoot = () => join(work, "runc");
  const hostRoot = () => join(work, "meta", "root");
  const configPath = () => join(work, "config.json");
  const newId = () => `ocimd-gc-${process.pid}-${++seq}`;

  before(() => {
    bin = requireBinary();
    work = mkdtempSync(join(tmpdir(), "ocimd-gc-"));
    rootfs = makeRootfs(work);
    writeFileSync(configPath(), JSON.stringify({ hostRoot: hostRoot(), log: { file: join(work, "log.json") } }));
    // A fresh stamp: no poststop starts a gc of its own while these tests count dirs.
    mkdirSync(hostRoot(), { recursive: true });
    writeFileSync(join(hostRoot(), ".gc-stamp"), "");
  });

  after(async () => {
    const list = await run("runc", ["--root", runcRoot(), "list", "-q"]);
    for (const id of list.stdout.split("\n").filter(Boolean))
      await run("runc", ["--root", runcRoot(), "delete", "-f", id]);
    rmSync(work, { recursive: true, force: true });
  });

  const runc = (args: string[]) =>
    run("runc", ["--root", runcRoot(), ...args], { outputFile: join(work, `runc-${++seq}.out`) });

  // inject + runc create; returns the container's host dir.
  async function created(
    name: string,
    args = ["sleep", "600"],
    config = configPath(),
  ): Promise<{ id: string; dir: string; bundle: string }> {
    const id = newId();
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args,
      annotations: { ...ON, "oci-metadata.io/task": "gc", "oci-metadata.io/name": name },
    });
    await runOk(bin, ["--config", config, "inject", "--bundle", bundle, "--id", id]);
    const r = await runc(["create", "--bundle", bundle, id]);
    assert.equal(r.code, 0, r.stdout);
    return { id, bundle, dir: join(hostRoot(), "gc", dirNamed(id)) };
  }

  // The dir whose file names the container (it may be a displaced `<name>-<id prefix>`).
  function dirNamed(id: string): string {
    for (const name of readdirSync(join(hostRoot(), "gc"))) {
      if (readFileSync(join(hostRoot(), "gc", name, FILE), "utf8").includes(`"${id}"`)) return name;
    }
    throw new Error(`no dir names ${id}`);
  }

  // Past the claim grace period, as after an hour (mtime: what gc reads).
  function age(dir: string): void {
    for (const p of [join(dir, FILE), dir]) if (existsSync(p)) utimesSync(p, HOUR_AGO, HOUR_AGO);
  }

  async function killInit(id: string): Promise<void> {
    const state = JSON.parse((await runOk("runc", ["--root", runcRoot(), "state", id])).stdout) as { pid: number };
    if (!(state.pid > 0)) return; // stopped already (pid 0: never signal a process group)
    process.kill(state.pid, "SIGKILL");
    for (
      let i = 0;
      i < 100 &&
      existsSync(`/proc/${state.pid}/stat`) &&
      !/\) [ZX] /.test(readFileSync(`/proc/${state.pid}/stat`, "utf8"));
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
  }

  const gc = (...flags: string[]) => runOk(bin, ["--config", configPath(), "gc", ...flags]);
  const tasks = () => (existsSync(hostRoot()) ? readdirSync(hostRoot()).filter((t) => t !== ".gc-stamp") : []);
  const dirsLeft = () => tasks().flatMap((t) => readdirSync(join(hostRoot(), t)).map((n) => `${t}/${n}`));

  it("gc [a live container in a private runc root keeps its dir, however old]", async () => {
    const live = await created("live");
    age(live.dir);
    const out = await gc("--verbose");
    assert.match(out.stdout, /kept .*: mounted in a live container/);
    assert.ok(existsSync(join(live.dir, FILE)));
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", live.id]);
    assert.equal(existsSync(live.dir), false, "poststop removed it");
  });

  it("gc [runc kill -9 without delete: the dir is removed; the next same-named container is no longer displaced]", async () => {
    const old = await created("web");
    await runOk("runc", ["--root", runcRoot(), "start", old.id]);
    await runOk("runc", ["--root", runcRoot(), "kill", old.id, "KILL"]);
    await killInit(old.id);
    // The leak: the stopped container's dir keeps the name; a new "web" is displaced.
    const displaced = await created("web");
    assert.notEqual(displaced.dir, old.dir, "displaced to a suffixed dir while the stale one exists");
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", displaced.id]);
    age(old.dir);
    const dry = await gc("--dry-run");
    assert.match(dry.stdout, new RegExp(`would remove ${old.dir} \\(runc ${old.id}\\)`));
    assert.ok(existsSync(old.dir), "--dry-run removes nothing");
    const out = await gc();
    assert.match(out.stdout, new RegExp(`removed ${old.dir} \\(runc ${old.id}\\)`));
    assert.equal(existsSync(old.dir), false);
    const next = await created("web");
    assert.equal(next.dir, old.dir, "the name is free again");
    // The old container's late delete runs its poststop: it must not take the new one's dir.
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", old.id]);
    assert.ok(existsSync(join(next.dir, FILE)), "the new container keeps its dir");
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", next.id]);
    assert.deepEqual(dirsLeft(), []);
  });

  it("gc [runc state lost (runtime dir wiped, process gone): the dir is removed]", async () => {
    const c = await created("lost");
    await killInit(c.id);
    rmSync(join(runcRoot(), c.id), { recursive: true, force: true });
    age(c.dir);
    const out = await gc();
    assert.match(out.stdout, /removed 1 of 1 dirs/);
    assert.deepEqual(dirsLeft(), []);
  });

  it("gc [a config that became unreadable left the dir behind at poststop; gc removes it]", async () => {
    const own = join(work, "own-config.json");
    writeFileSync(own, JSON.stringify({ hostRoot: hostRoot(), log: { file: join(work, "log.json") } }));
    const c = await created("unreadable", ["sleep", "600"], own);
    writeFileSync(own, "{ not json");
    chmodSync(own, 0);
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", c.id]);
    assert.ok(existsSync(c.dir), "poststop could not clean up (the leak)");
    age(c.dir);
    await gc();
    assert.deepEqual(dirsLeft(), []);
  });

  it("gc [an inject whose container never appeared: kept during the grace period, removed after]", async () => {
    const id = newId();
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args: ["true"],
      annotations: { ...ON, "oci-metadata.io/task": "gc", "oci-metadata.io/name": "never" },
    });
    await runOk(bin, ["--config", configPath(), "inject", "--bundle", bundle, "--id", id]);
    const dir = join(hostRoot(), "gc", "never");
    const young = await gc("--verbose");
    assert.match(young.stdout, /kept .*never.*: changed \d+ s ago/);
    assert.ok(existsSync(dir));
    age(dir);
    await gc();
    assert.deepEqual(dirsLeft(), []);
  });

  it("gc [temp files of killed writers are removed, also from a live container's dir]", async () => {
    const c = await created("temps");
    const temp = join(c.dir, `.tmp-${FILE}-999999-abc-0`);
    writeFileSync(temp, '{"partial":');
    const fresh = join(c.dir, `.tmp-${FILE}-999998-abc-0`);
    writeFileSync(fresh, "{");
    utimesSync(temp, HOUR_AGO, HOUR_AGO);
    const out = await gc();
    assert.match(out.stdout, /removed .*\.tmp-.*-999999-abc-0 \(temp file of a killed writer\)/);
    assert.equal(existsSync(temp), false);
    assert.ok(existsSync(fresh), "a temp file being written right now stays");
    assert.ok(existsSync(join(c.dir, FILE)));
    rmSync(fresh);
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", c.id]);
  });

  it("poststop [starts a detached gc when the last one is older than 5 minutes, not again within them]", async () => {
    const stale = join(hostRoot(), "auto", "stale");
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, FILE), JSON.stringify({ ContainerID: "gone-auto", Engine: "runc" }));
    age(stale);
    utimesSync(join(hostRoot(), ".gc-stamp"), HOUR_AGO, HOUR_AGO);
    const c = await created("auto");
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", c.id]); // its poststop
    for (let i = 0; i < 200 && existsSync(stale); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(stale), false, "the detached gc removed the stale dir");
    const stamp = statSync(join(hostRoot(), ".gc-stamp")).mtimeMs;
    assert.ok(stamp > HOUR_AGO.getTime(), "the stamp was renewed");
    const again = await created("auto2");
    await runOk("runc", ["--root", runcRoot(), "delete", "-f", again.id]);
    assert.equal(statSync(join(hostRoot(), ".gc-stamp")).mtimeMs, stamp, "no second gc within the interval");
  });

  it("gc [simulated reboot: every process killed, all runtime state gone; one gc leaves the root empty]", async () => {
    const cs = [await created("r1"), await created("r2"), await created("r3", ["sh", "-c", "exit 0"])];
    await runOk("runc", ["--root", runcRoot(), "start", cs[0]!.id]);
    for (const c of cs) await killInit(c.id).catch(() => undefined);
    rmSync(runcRoot(), { recursive: true, force: true });
    const temp = join(cs[1]!.dir, `.tmp-${FILE}-999997-abc-0`); // a writer killed by the "reboot"
    writeFileSync(temp, "{");
    utimesSync(temp, HOUR_AGO, HOUR_AGO);
    for (const c of cs) age(c.dir);
    assert.equal(dirsLeft().length, 3);
    const out = await gc();
    assert.match(out.stdout, /removed 3 of 3 dirs/);
    assert.deepEqual(tasks(), [], "root empty (but for gc's own stamp)");
  });
});
