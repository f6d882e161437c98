// A private containerd with CRI and NRI (test/e2e/lib/containerd.ts) and the oci-metadata NRI
// plugin, which the benchmark can stop and start again: stopPlugin() returns once containerd
// logged that the connection closed, startPlugin() once containerd logged the plugin connected
// and the plugin logged that its post-Synchronize reconciliation ended (so nothing of a
// (re)connect runs into a timed call). The plugin runs as it would on a node: log level info,
// failurePolicy fail (a broken CreateContainer fails the run instead of passing as a fast one),
// a clean env. One containerd at a time: the benchmark's signal handler stops whichever is
// current, plugin first.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Containerd, type ContainerdVersion, createContainerd } from "../../test/e2e/lib/containerd.js";
import { benchEnv } from "./env.js";

/** Passed explicitly so the names containerd logs are the ones we wait for. */
const PLUGIN_IDX = "50";
const PLUGIN_NAME = "oci-metadata";
const PLUGIN = `${PLUGIN_IDX}-${PLUGIN_NAME}`;
const WAIT_MS = 20_000;

export interface NriBench {
  cd: Containerd;
  /** The plugin's hostRoot: <task>/<container>/ecs-container-metadata.json. */
  hostRoot: string;
  pluginLog: string;
  /** The plugin's stderr (a crash would land here; its log goes to pluginLog). */
  pluginStderr: string;
  /** The running plugin's pid, undefined while it is stopped. */
  pluginPid(): number | undefined;
  /** Spawns the plugin; resolves with its pid once it is connected and reconciled. */
  startPlugin(): Promise<number>;
  /** SIGTERM to the plugin; resolves once it exited and containerd closed the connection. */
  stopPlugin(): Promise<void>;
  /** Container dirs under hostRoot ("<task>/<name>"); each removed container must have none. */
  leftoverDirs(): string[];
  /** Byte offsets of both logs now: a mark for trouble(). */
  mark(): LogMark;
  /** The warn/error lines of both logs between two marks, grouped. */
  trouble(from: LogMark, to: LogMark): { plugin: string[]; containerd: string[] };
}

export interface LogMark {
  plugin: number;
  containerd: number;
}

// The containerd being started or in use, and the plugin: a promise, so a signal that arrives
// while containerd is still starting waits for it and destroys it rather than leaving it.
let current: Promise<Containerd> | undefined;
let plugin: ChildProcess | undefined;
let stopping: Promise<void> = Promise.resolve();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts containerd `version` (bridge ocimd-cd<n>) and writes the plugin's config; the
 * plugin itself is not started. */
export async function startNriBench(bin: string, version: ContainerdVersion, n: number): Promise<NriBench> {
  current = createContainerd(version, n);
  const cd = await current;
  const hostRoot = join(cd.dir, "meta");
  const pluginLog = join(cd.dir, "oci-metadata.log");
  const pluginStderr = join(cd.dir, "oci-metadata.stderr");
  const config = join(cd.dir, "oci-metadata.json");
  writeFileSync(config, JSON.stringify({ hostRoot, failurePolicy: "fail", log: { file: pluginLog, level: "info" } }));
  const size = (f: string) => (existsSync(f) ? readFileSync(f).length : 0);
  const since = (f: string, from: number) => (existsSync(f) ? readFileSync(f).subarray(from).toString("utf8") : "");
  const mark = (): LogMark => ({ plugin: size(pluginLog), containerd: size(cd.logFile) });

  // Polls until ok(), failing early (with the logs' tails) when the plugin died.
  async function waitUntil(ok: () => boolean, what: string, child?: ChildProcess): Promise<void> {
    for (const end = Date.now() + WAIT_MS; !ok(); await sleep(5)) {
      if (child && exited(child))
        throw new Error(
          `the plugin exited (${child.exitCode ?? child.signalCode}) before ${what}: ${since(pluginStderr, 0).trim().slice(-500)} ${since(pluginLog, 0).trim().slice(-500)}`,
        );
      if (Date.now() > end)
        throw new Error(
          `no ${what} within ${WAIT_MS} ms; containerd log: ${since(cd.logFile, 0).trim().split("\n").slice(-5).join(" | ")}`,
        );
    }
  }

  return {
    cd,
    hostRoot,
    pluginLog,
    pluginStderr,
    pluginPid: () => (plugin && !exited(plugin) ? plugin.pid : undefined),
    mark,

    async startPlugin() {
      if (plugin && !exited(plugin)) throw new Error("the plugin is already running");
      const from = mark();
      const fd = openSync(pluginStderr, "a");
      const child = spawn(
        bin,
        ["nri", "--config", config, "--socket", cd.nriSocket, "--idx", PLUGIN_IDX, "--name", PLUGIN_NAME],
        { stdio: ["ignore", "ignore", fd], env: benchEnv() },
      );
      closeSync(fd);
      child.on("error", () => undefined);
      plugin = child;
      const pid = child.pid!;
      // 1.7: `plugin "50-oci-metadata" connected`; 2.1: `… connected and synchronized`.
      await waitUntil(
        () => since(cd.logFile, from.containerd).includes(`msg="plugin \\"${PLUGIN}\\" connected`),
        "containerd log line: plugin connected",
        child,
      );
      await waitUntil(
        () =>
          pluginLines(since(pluginLog, from.plugin)).some(
            (l) => l.pid === pid && l.msg === "reconciled with the runtime",
          ),
        "plugin log line: reconciled",
        child,
      );
      return pid;
    },

    async stopPlugin() {
      const child = plugin;
      if (!child || exited(child)) throw new Error("the plugin is not running");
      const from = mark();
      child.kill("SIGTERM");
      await waitUntil(() => exited(child), "plugin exit after SIGTERM");
      await waitUntil(
        () => since(cd.logFile, from.containerd).includes(`msg="connection to plugin \\"${PLUGIN}\\" closed"`),
        "containerd log line: connection to plugin closed",
      );
    },

    leftoverDirs() {
      if (!existsSync(hostRoot)) return [];
      // Dot names are the root's own bookkeeping (gc's .gc-stamp), never a task dir.
      return readdirSync(hostRoot)
        .filter((task) => !task.startsWith("."))
        .flatMap((task) => {
          const names = readdirSync(join(hostRoot, task));
          return names.length ? names.map((name) => `${task}/${name}`) : [`${task}/ (empty task dir)`];
        });
    },

    trouble(from, to) {
      const slice = (f: string, a: number, b: number) =>
        existsSync(f) ? readFileSync(f).subarray(a, b).toString("utf8") : "";
      const groups = (keys: string[]) => {
        const counts = new Map<string, number>();
        for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
        return [...counts].map(([k, c]) => `${c}× ${k}`);
      };
      const pluginKeys = pluginLines(slice(pluginLog, from.plugin, to.plugin))
        .filter((l) => l.level !== "info" && l.level !== "debug")
        .map(
          (l) =>
            `${String(l.level)} ${String(l.code ?? "-")}: ${String(l.msg ?? "")
              .split(/ \/|: \[/)[0]!
              .slice(0, 80)}`,
        );
      const containerdKeys = slice(cd.logFile, from.containerd, to.containerd)
        .split("\n")
        .map((line) => /level=(warning|error|fatal) msg="((?:[^"\\]|\\.)*)"/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        // Ids and paths vary per container; the head of the message names the trouble.
        .map(
          (m) =>
            `${m[1]}: ${m[2]!
              .replace(/[0-9a-f]{64}/g, "<id>")
              .replace(/\/tmp\/\S+/g, "<path>")
              .slice(0, 120)}`,
        );
      return { plugin: groups(pluginKeys), containerd: groups(containerdKeys) };
    },
  };
}

/** Stops the plugin (SIGTERM, then SIGKILL) and destroys the current containerd (pods,
 * containers, daemon, shims, bridge, mounts, files). A second call while one is under way
 * (the signal handler, then the main flow's `finally`) gets the same promise. */
export function stopNriBench(): Promise<void> {
  const pending = current;
  const child = plugin;
  current = undefined;
  plugin = undefined;
  if (pending || child) {
    stopping = (async () => {
      if (child && !exited(child)) {
        child.kill("SIGTERM");
        for (let i = 0; i < 200 && !exited(child); i++) await sleep(25);
        if (!exited(child)) child.kill("SIGKILL");
      }
      // A failed start gives us no handle to destroy (createContainerd cleaned up itself).
      await (await pending?.catch(() => undefined))?.destroy();
    })();
  }
  return stopping;
}

/** Resident set size and its peak, from /proc/<pid>/status (kB there are KiB). */
export function memoryOf(pid: number): { rssBytes: number; hwmBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return { rssBytes: kib("VmRSS"), hwmBytes: kib("VmHWM") };
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function pluginLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { level: "unparsed", msg: line };
      }
    });
}
