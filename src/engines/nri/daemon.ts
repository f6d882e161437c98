// `oci-metadata nri`: runs the plugin until SIGTERM/SIGINT. Flags override the config's nri
// section. Two ways in:
//  - external (DaemonSet, systemd): dials nri.socket and reconnects whenever the runtime
//    restarts (backoff 100 ms … 1 s, woken at once when the socket file appears);
//  - runtime-launched: NRI_PLUGIN_SOCKET=<fd> (with NRI_PLUGIN_NAME / NRI_PLUGIN_IDX) is the
//    socket the runtime passed when it started us from its plugin dir; no reconnect, the
//    process ends with the connection (the runtime starts it again on its next start).
// Steps: (1) the HTTP listener (/healthz, /livez, /metrics) so probes answer at once, (2) the
// one-instance-per-node lock — an external instance waits for it (one line, then quiet), a
// launched one that finds it held registers and steps aside (a launched plugin that fails
// to register takes containerd 1.7 down), (3) the stub until a stop signal.
import type { Server } from "node:http";
import { dirname, join } from "node:path";
import { OciMetadataError } from "../../core/errors.js";
import { GC_INTERVAL_MS } from "../../core/gc-decision.js";
import { useNormalJit } from "../../host/jit.js";
import { type HeldLock, tryLock } from "../../host/lock.js";
import { log } from "../../host/log.js";
import type { Context } from "../../steps/context.js";
import { serveHttp } from "./http.js";
import type { RuntimeView } from "./liveness.js";
import { nriHandlers, type TrackedView } from "./plugin.js";
import { NriMetrics } from "./pure/metrics.js";

export interface NriFlags {
  socket?: string;
  name?: string;
  idx?: string;
  /** How often gc runs (0: never); GC_INTERVAL_MS when absent. */
  gcIntervalMs?: number;
}

/** How often a waiting instance tries the lock again. */
const LOCK_POLL_MS = 200;

/** A gc run over the whole store with the runtime's view (the command line wires it in:
 * engines do not import ops). */
export type PeriodicGc = (view: RuntimeView | undefined) => Promise<void>;

/** Serves NRI until a stop signal; resolves with the exit code. Every gcIntervalMs it runs
 * `gc` with the containers the runtime lists (Synchronize, then creations and removals). */
export async function runNriDaemon(ctx: Context, flags: NriFlags, gc?: PeriodicGc): Promise<number> {
  useNormalJit(); // a daemon, not a run-once hook (see host/jit.ts)
  const { config } = ctx;
  const { createStub } = await import("../../nri-stub/index.js");
  const view: TrackedView = { engine: "containerd" };
  const launched = launchedSocket(process.env);
  const socketPath = flags.socket ?? config.nri.socket;
  const pluginName = process.env.NRI_PLUGIN_NAME || flags.name || config.nri.pluginName;
  const pluginIdx = process.env.NRI_PLUGIN_IDX || flags.idx || config.nri.pluginIdx;
  const lockPath = config.nri.lockFile ?? join(dirname(socketPath), "oci-metadata.lock");
  const metrics = new NriMetrics();
  let stopped = false;
  let stopStub = async () => {};
  const stop = () => {
    stopped = true;
    void stopStub();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const server = config.nri.httpAddress ? await serveHttp(config.nri.httpAddress, metrics) : undefined; // (1)
  try {
    return await serve();
  } catch (err) {
    server?.close(); // an open listener would keep the process alive after the error
    throw err;
  }

  async function serve(): Promise<number> {
    await log("info", "NRI plugin starting", {
      socket: launched === undefined ? socketPath : `fd ${launched}`,
      lock: lockPath,
      http: config.nri.httpAddress,
    });

    let lock = await tryLockOrWarn(lockPath); // (2)
    if (!("release" in lock) && launched !== undefined)
      return stepAside(createStub, { fd: launched, pluginName, pluginIdx, socketPath }, lock.heldBy, lockPath, server);
    if (!("release" in lock)) {
      metrics.state = "waiting-for-lock";
      await log("warn", `another oci-metadata NRI plugin (${lock.heldBy}) holds ${lockPath}: waiting for it to exit`);
      while (!stopped && !("release" in lock)) {
        await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
        lock = await tryLockOrWarn(lockPath);
      }
      if (!("release" in lock)) return finish(server, undefined, metrics);
      await log("info", `took over ${lockPath}`);
    }

    const every = flags.gcIntervalMs ?? GC_INTERVAL_MS;
    const timer = gc && every > 0 ? setInterval(() => void collect(gc, view), every).unref() : undefined;
    let registrations = 0;
    const stub = createStub(nriHandlers(ctx, view, metrics), {
      // (3)
      socketPath,
      pluginName,
      pluginIdx,
      ...(launched === undefined ? {} : { fd: launched }),
      log: (level, msg, fields) => void log(level, msg, fields),
      hint: (errno) => connectHint(errno, socketPath),
      onState: (state) => {
        if (state === "registered" && registrations++ > 0) metrics.reconnects++;
        metrics.onConnection(state, launched !== undefined);
      },
    });
    stopStub = () => stub.stop();
    if (stopped) await stub.stop();
    try {
      await stub.run();
      clearInterval(timer);
    } catch (err) {
      clearInterval(timer);
      // Only a launched plugin's single connection can fail here.
      await log("error", OciMetadataError.from(err).message, { code: OciMetadataError.from(err).code });
      await finish(server, lock, metrics);
      return 1;
    }
    return finish(server, lock, metrics);
  }
}

// The lock, or — when its file cannot be made (a read-only dir, e.g. a sandbox that does not
// list the socket dir as writable) — a warning and no lock: refusing to run would cost more
// than the guard gives.
async function tryLockOrWarn(path: string): Promise<HeldLock | { heldBy: string }> {
  try {
    return await tryLock(path);
  } catch (err) {
    const e = OciMetadataError.from(err);
    await log("warn", `running without the one-instance lock: ${e.message} (set nri.lockFile to a writable path)`, {
      code: e.code,
    });
    return { path, release() {} };
  }
}

// NRI_PLUGIN_SOCKET: a file descriptor number, as the runtime sets it (always 3 today).
function launchedSocket(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.NRI_PLUGIN_SOCKET;
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw))
    throw new OciMetadataError("usage", `NRI_PLUGIN_SOCKET: expected a file descriptor number, got "${raw}"`);
  return Number(raw);
}

// Advice for the operator when the runtime's socket cannot be reached.
function connectHint(errno: string, socket: string): string | undefined {
  if (errno === "ENOENT") {
    return `${socket} does not exist: is NRI enabled in the runtime? containerd 1.7: oci-metadata configure --runtime containerd, then restart containerd (2.x has NRI on); CRI-O: [crio.nri] enable_nri = true`;
  }
  if (errno === "ECONNREFUSED")
    return `nobody listens on ${socket}: the runtime is stopped or restarting (retrying until it is back)`;
  if (errno === "EACCES") return `no permission on ${socket}: the NRI socket is root-only`;
  return undefined;
}

// A launched plugin while another instance holds the lock: register (so containerd 1.7 does
// not exit), then leave at once without touching anything.
async function stepAside(
  createStub: typeof import("../../nri-stub/index.js").createStub,
  where: { fd: number; pluginName: string; pluginIdx: string; socketPath: string },
  heldBy: string,
  lockPath: string,
  server: Server | undefined,
): Promise<number> {
  const stub = createStub(
    { stopContainer: async () => {} },
    { ...where, log: (level, msg, fields) => void log(level, msg, fields) },
  );
  await stub.start();
  await log(
    "warn",
    `another oci-metadata NRI plugin (${heldBy}) holds ${lockPath}: this runtime-launched instance registered and steps aside`,
  );
  await stub.stop();
  server?.close();
  return 0;
}

async function finish(
  server: Server | undefined,
  lock: HeldLock | { heldBy: string } | undefined,
  metrics: NriMetrics,
): Promise<number> {
  metrics.state = "stopped";
  server?.close();
  if (lock && "release" in lock) lock.release();
  await log("info", "NRI plugin stopped");
  return 0;
}

let collecting = false;

// One gc run (never two at once); before the first Synchronize the runtime's own dirs are not
// asked about.
async function collect(gc: PeriodicGc, view: TrackedView): Promise<void> {
  if (collecting) return;
  collecting = true;
  try {
    await gc(view.ids ? { engine: view.engine, ids: view.ids } : undefined);
  } catch (err) {
    await log("warn", `periodic gc failed: ${(err as Error).message}`);
  } finally {
    collecting = false;
  }
}
