// The store race harness (issue 9, "a store that cannot be tricked"): an exchanging racer swaps a
// real dir under the root with a symlink that points outside the root, in a tight loop, while
// the store claims, writes and removes the slot that lives behind it. Decoys outside the root
// must keep their content, mode and existence; each store call is followed by a check of the
// decoys, so an escape is counted against the operation that made it.
// Used by the unit test (node, racer on the host) and by the e2e test (Bun, racer inside a
// container that was wrongly given the root read-write); the racer is injected.
import { spawn } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, posix } from "node:path";

export type Op = "claim" | "write" | "remove";
/** Which level the racer attacks: the task dir (root/t1), the container dir (root/t1/web), or
 * the dir holding the root (a container given a dir above the root read-write); with
 * "container-to-file" the symlink names a 0600 file (the chmod finding). */
export type Level = "parent" | "task" | "container" | "container-to-file";

/** The part of MetadataStore the race drives. */
export interface StoreUnderTest {
  claim(slot: { task: string; name: string }, file: string, id: string): Promise<boolean>;
  write(slot: { task: string; name: string }, file: string, data: string): Promise<void>;
  remove(slot: { task: string; name: string }): Promise<void>;
}

/** A running racer: pid for pausing it (SIGSTOP works from an ancestor pid namespace too). */
export interface Racer {
  pid: number;
  stop(): Promise<{ tries: number; exchanges: number }>;
}

/** Starts a racer exchanging root/a and root/b (paths relative to the root). */
export type StartRacer = (a: string, b: string) => Promise<Racer>;

export interface RaceCount {
  attempts: number;
  ok: number;
  refused: number;
  escapes: number;
}

export interface RaceResult {
  scenario: Op;
  level: Level;
  ops: Record<Op, RaceCount>;
  tries: number;
  exchanges: number;
  /** What the first escapes did (empty when none). */
  samples: string[];
}

export const SLOT = { task: "t1", name: "web" };
export const FILE = "ecs-container-metadata.json";
const DECOY_TEXT = "decoy: must never change\n";

// Each scenario is a round of store calls; the last one is the operation under test.
const ROUND: Record<Op, Op[]> = { write: ["write"], remove: ["claim", "write", "remove"], claim: ["remove", "claim"] };

/** Builds the decoy tree outside the root: foreign dirs with 0600 files, all dirs 0700 — one
 * where a swapped container dir leads (web/), one where a swapped parent of the root leads
 * (root/t1/web/). */
export function makeDecoy(outside: string): string {
  const decoy = join(outside, "decoy");
  rmSync(decoy, { recursive: true, force: true });
  const dirs = [
    decoy,
    join(decoy, "web"),
    join(decoy, "root"),
    join(decoy, "root", "t1"),
    join(decoy, "root", "t1", "web"),
  ];
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const files = [join(decoy, "web", FILE), join(decoy, "precious"), join(decoy, "root", "t1", "web", FILE)];
  for (const f of files) writeFileSync(f, DECOY_TEXT);
  for (const f of files) chmodSync(f, 0o600);
  for (const d of dirs) chmodSync(d, 0o700);
  return decoy;
}

/** Every entry under dir with its type, mode and content: equal snapshots = untouched. */
export function snapshot(dir: string): string {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const path = rel ? join(dir, rel) : dir;
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return void out.push(`${rel} missing`);
    const body = st.isFile()
      ? JSON.stringify(readFileSync(path, "utf8"))
      : st.isSymbolicLink()
        ? readlinkSync(path)
        : "";
    out.push(`${rel || "."} ${(st.mode & 0o7777).toString(8)} ${st.isDirectory() ? "dir" : body}`);
    if (st.isDirectory()) for (const name of readdirSync(path).sort()) walk(rel ? `${rel}/${name}` : name);
  };
  walk("");
  return out.join("\n");
}

// The two names the racer exchanges, and where the symlink among them points.
function layout(outside: string, level: Level) {
  if (level === "parent") return { a: "..", b: "../../p-x", target: join(outside, "decoy") };
  if (level === "container-to-file") return { a: "t1/web", b: "t1/web-x", target: join(outside, "decoy", "precious") };
  if (level === "task") return { a: "t1", b: "t1-x", target: join(outside, "decoy") };
  return { a: "t1/web", b: "t1/web-x", target: join(outside, "decoy", "web") };
}

/** Runs `rounds` rounds of one scenario against a racer; returns the counts. */
export async function race(opts: {
  store: StoreUnderTest;
  root: string;
  outside: string;
  scenario: Op;
  level: Level;
  rounds: number;
  startRacer: StartRacer;
}): Promise<RaceResult> {
  const { store, root, outside, scenario, level, rounds } = opts;
  const { a, b, target } = layout(outside, level);
  makeDecoy(outside);
  const clean = snapshot(outside);
  mkdirSync(join(root, "t1", "web"), { recursive: true, mode: 0o755 });
  mkdirSync(join(root, "t1", "keep"), { recursive: true, mode: 0o755 }); // the task dir never empties
  symlinkSync(target, join(root, b));
  const ops = { claim: zero(), write: zero(), remove: zero() };
  const samples: string[] = [];
  const racer = await opts.startRacer(a, b);
  let counts = { tries: 0, exchanges: 0 };
  try {
    await waitForExchange(root, a);
    for (let i = 0; i < rounds; i++) {
      for (const op of ROUND[scenario]) {
        const count = ops[op];
        count.attempts++;
        await call(store, op, i).then(
          () => count.ok++,
          () => count.refused++,
        );
        const now = snapshot(outside);
        if (now === clean) continue;
        count.escapes++;
        if (samples.length < 5) samples.push(`${op} #${i}: ${diff(clean, now)}`);
        await paused(racer.pid, () => makeDecoy(outside));
      }
      if (!hasSymlink(root, a, b)) await paused(racer.pid, () => repair(root, a, b, target));
    }
  } finally {
    counts = await racer.stop();
  }
  return { scenario, level, ops, tries: counts.tries, exchanges: counts.exchanges, samples };
}

function zero(): RaceCount {
  return { attempts: 0, ok: 0, refused: 0, escapes: 0 };
}

function call(store: StoreUnderTest, op: Op, i: number): Promise<unknown> {
  if (op === "claim") return store.claim(SLOT, FILE, `id-${i}`);
  if (op === "write") return store.write(SLOT, FILE, `{"ContainerID":"id-${i}"}\n`);
  return store.remove(SLOT);
}

// The first line that differs, for the failure message.
function diff(before: string, after: string): string {
  const b = before.split("\n");
  const a = after.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if (a[i] !== b[i]) return `${b[i] ?? "(none)"} -> ${a[i] ?? "(none)"}`;
  return "?";
}

// The race only counts once the racer has been seen to swap: a, then a symlink, at least once.
async function waitForExchange(root: string, a: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (lstatSync(join(root, a), { throwIfNoEntry: false })?.isSymbolicLink()) return;
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  throw new Error(`the racer never exchanged ${a}`);
}

function hasSymlink(root: string, a: string, b: string): boolean {
  return [a, b].some((n) => lstatSync(join(root, n), { throwIfNoEntry: false })?.isSymbolicLink());
}

// A store that unlinks the symlink (allowed: it is inside the root) ends the attack; put it back.
function repair(root: string, a: string, b: string, target: string): void {
  for (const n of [a, b]) {
    const st = lstatSync(join(root, n), { throwIfNoEntry: false });
    if (st && !st.isDirectory()) rmSync(join(root, n));
  }
  const free = [b, a].find((n) => !lstatSync(join(root, n), { throwIfNoEntry: false }));
  if (free) symlinkSync(target, join(root, free));
  else {
    rmSync(join(root, b), { recursive: true });
    symlinkSync(target, join(root, b));
  }
}

// Runs fn with the racer stopped (SIGSTOP, then wait until the kernel reports it stopped).
async function paused(pid: number, fn: () => void): Promise<void> {
  process.kill(pid, "SIGSTOP");
  try {
    for (let i = 0; ; i++) {
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];
      if (state === "T" || state === "t") break;
      if (i > 10_000) throw new Error(`racer ${pid} does not stop`);
      await new Promise((r) => setImmediate(r));
    }
    fn();
  } finally {
    process.kill(pid, "SIGCONT");
  }
}

/** Compiles the racer (static, so it also runs inside a container) into dir; returns its path. */
export async function buildRacer(dir: string): Promise<string> {
  const out = join(dir, "exchange-racer");
  const src = new URL("../fixtures/exchange-racer.c", import.meta.url).pathname;
  const { code, stderr } = await collect(spawn("gcc", ["-O2", "-static", "-o", out, src]));
  if (code !== 0) throw new Error(`gcc failed (the race tests need gcc and libc6-dev): ${stderr}`);
  return out;
}

/** Starts a racer process with the given argv; resolves once it prints its ready line.
 * `pidOf` finds the pid to pause when the racer is not the child itself (runc run). */
export async function startProcessRacer(argv: string[], pidOf?: () => Promise<number>): Promise<Racer> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  for (let i = 0; !out.includes("ready\n"); i++) {
    if (child.exitCode !== null || i > 2000) throw new Error(`racer did not start: ${err}${out}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const pid = pidOf ? await pidOf() : child.pid!;
  return {
    pid,
    async stop() {
      process.kill(pid, "SIGTERM");
      await exited;
      const m = /(\d+) (\d+)\s*$/.exec(out);
      if (!m) throw new Error(`racer printed no counts: ${out} ${err}`);
      return { tries: Number(m[1]), exchanges: Number(m[2]) };
    },
  };
}

function collect(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stderr })));
}

/** A racer inside a runc container that has the root (or a dir above it) bind-mounted
 * read-write (the "container wrongly given hostRoot" of the threat model); `rootInContainer`
 * is where the root is seen inside (default /race); the bundle's rootfs holds the racer. */
export function containerRacer(opts: {
  runcRoot: string;
  bundle: string;
  configJson: string;
  id: string;
  rootInContainer?: string;
}): StartRacer {
  return async (a, b) => {
    const spec = JSON.parse(opts.configJson) as { process: { args: string[] } };
    const inside = opts.rootInContainer ?? "/race";
    spec.process.args = ["/exchange-racer", posix.join(inside, a), posix.join(inside, b)];
    writeFileSync(join(opts.bundle, "config.json"), JSON.stringify(spec));
    const runc = ["runc", "--root", opts.runcRoot];
    return startProcessRacer([...runc, "run", "--bundle", opts.bundle, opts.id], async () => {
      const { code, stdout, stderr } = await collectOut(spawn(runc[0]!, [...runc.slice(1), "state", opts.id]));
      if (code !== 0) throw new Error(`runc state ${opts.id}: ${stderr}`);
      return (JSON.parse(stdout) as { pid: number }).pid;
    });
  };
}

function collectOut(child: ReturnType<typeof spawn>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  return collect(child).then((r) => ({ ...r, stdout }));
}
