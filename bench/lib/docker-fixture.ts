// A private dockerd (test/e2e/lib/docker.ts) set up for timing: a docker CLI with a clean env,
// the runtime's config rewritten for production-like settings, a rotating-order loop and the
// checks that nothing was left behind. One dockerd at a time: the benchmark's signal handler
// destroys whichever is current.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDocker, type Docker, type DockerVersion } from "../../test/e2e/lib/docker.js";
import { type Result, run, runOk } from "../../test/e2e/lib/exec.js";
import { benchEnv } from "./env.js";
import { type TimedRun, timeOk } from "./timer.js";

export interface DockerBench {
  d: Docker;
  /** The daemon's own version string (what the heading shows). */
  serverVersion: string;
  logFile: string;
  /** One timed docker CLI call; throws on a non-zero exit. */
  timed(args: readonly string[]): Promise<TimedRun>;
  /** An untimed docker CLI call (setup, checks, removal); throws on a non-zero exit. */
  cli(args: readonly string[]): Promise<Result>;
  /** `docker rm -f` by name, ignoring containers already gone. */
  rm(names: readonly string[]): Promise<void>;
}

// The dockerd being started or in use: a promise, so a signal that arrives while dockerd is
// still starting waits for it and destroys it rather than leaving it running.
let current: Promise<Docker> | undefined;
let stopping: Promise<void> = Promise.resolve();

/** Starts dockerd `version`; the runtime logs at info (debug lines would be timed, and no
 * real install runs at debug) and fails loudly (failurePolicy fail), so a broken create
 * cannot pass as a fast one. */
export async function startDocker(
  bin: string,
  version: DockerVersion,
  n: number,
  extraRuntimes: Record<string, string> = {},
): Promise<DockerBench> {
  current = createDocker(bin, version, n, extraRuntimes);
  const d = await current;
  const logFile = join(d.dir, "oci-metadata.log");
  writeFileSync(
    d.configPath,
    JSON.stringify({
      hostRoot: d.hostRoot,
      dockerSocket: d.socket,
      failurePolicy: "fail",
      log: { file: logFile, level: "info" },
    }),
  );
  // DOCKER_CONFIG: an empty CLI config dir, so no ~/.docker (contexts, plugins) skews a run.
  const env = benchEnv({ DOCKER_CONFIG: join(d.dir, "cli") });
  const argv = (args: readonly string[]) => ["-H", `unix://${d.socket}`, ...args];
  const cli = (args: readonly string[]) => runOk("/usr/bin/docker", argv(args), { env, timeoutMs: 120_000 });
  const serverVersion = (await cli(["version", "--format", "{{.Server.Version}}"])).stdout.trim();
  const timed = (args: readonly string[]) => timeOk("/usr/bin/docker", argv(args), { env, timeoutMs: 120_000 });
  const rm = async (names: readonly string[]) => {
    if (names.length) await run("/usr/bin/docker", argv(["rm", "-f", ...names]), { env, timeoutMs: 120_000 });
  };
  return { d, serverVersion, logFile, cli, timed, rm };
}

/** Destroys the current dockerd (containers, daemon, bridge, mounts, files). A second call
 * while one is under way (the signal handler, then the main flow's `finally` once its docker
 * call failed) gets the same promise: whoever exits first must wait for the same cleanup. */
export function stopDocker(): Promise<void> {
  const pending = current;
  current = undefined;
  // A failed start gives us no handle to destroy.
  if (pending) stopping = pending.catch(() => undefined).then((d) => d?.destroy());
  return stopping;
}

/** Runs every variant once per round, in an order that rotates per round, so no variant is
 * always first after a slow one; warm-up rounds are discarded. Returns ms per variant. */
export async function alternate(
  names: readonly string[],
  rounds: number,
  warmup: number,
  label: string,
  once: (name: string) => Promise<number>,
): Promise<Map<string, number[]>> {
  const samples = new Map(names.map((n) => [n, [] as number[]]));
  for (let round = 0; round < warmup + rounds; round++) {
    process.stderr.write(`\r${label}: round ${round + 1}/${warmup + rounds}${round < warmup ? " (warm-up)" : ""}     `);
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const took = await once(name);
      if (round >= warmup) samples.get(name)!.push(took);
    }
  }
  process.stderr.write("\n");
  return samples;
}

/** Container dirs still under <hostRoot>/default (each removed container must have none). */
export function leftoverDirs(b: DockerBench): string[] {
  const dir = join(b.d.hostRoot, "default");
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Waits (up to 5 s) for every process started with our config path (detached enrichers) to
 * end; returns the pids still running then. They are ours, so the caller may report them. */
export async function waitEnrichers(b: DockerBench): Promise<number[]> {
  const ours = () =>
    readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const argv = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
          return argv.includes("docker-enrich") && argv.includes(b.d.configPath);
        } catch {
          return false; // gone between readdir and read
        }
      })
      .map(Number);
  for (let i = 0; i < 250 && ours().length; i++) await new Promise((r) => setTimeout(r, 20));
  return ours();
}

/** How many lines the runtime's log has now: a mark for troubleBetween. */
export function logMark(b: DockerBench): number {
  return existsSync(b.logFile) ? readFileSync(b.logFile, "utf8").split("\n").filter(Boolean).length : 0;
}

/** The runtime's warn/error lines between two marks (it logs at info; only these mean trouble),
 * grouped as "N× level code: message head" so a run of the same failure stays one line. */
export function troubleBetween(b: DockerBench, from: number, to: number): string[] {
  if (!existsSync(b.logFile)) return [];
  const groups = new Map<string, number>();
  for (const line of readFileSync(b.logFile, "utf8").split("\n").filter(Boolean).slice(from, to)) {
    let e: { level?: string; code?: string; msg?: string };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      e = { level: "unparsed", msg: line };
    }
    if (e.level === "info" || e.level === "debug") continue;
    // The head of the message, before the first path or pid, names the failure.
    const key = `${e.level} ${e.code ?? "-"}: ${(e.msg ?? "").split(/ \/|: \[/)[0]!.slice(0, 80)}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => `${n}× ${key}`);
}
