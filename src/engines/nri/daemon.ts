// `oci-metadata nri`: runs the plugin until SIGTERM/SIGINT, reconnecting when the runtime
// restarts. Flags override the config's nri section.
import { GC_INTERVAL_MS } from "../../core/gc-decision.js";
import { useNormalJit } from "../../host/jit.js";
import { log } from "../../host/log.js";
import type { Context } from "../../steps/context.js";
import type { RuntimeView } from "./liveness.js";
import { nriHandlers, type TrackedView } from "./plugin.js";

export interface NriFlags {
  socket?: string;
  name?: string;
  idx?: string;
  /** How often gc runs (0: never); GC_INTERVAL_MS when absent. */
  gcIntervalMs?: number;
}

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
  const every = flags.gcIntervalMs ?? GC_INTERVAL_MS;
  const timer = gc && every > 0 ? setInterval(() => void collect(gc, view), every).unref() : undefined;
  const stub = createStub(nriHandlers(ctx, view), {
    socketPath: flags.socket ?? config.nri.socket,
    pluginName: flags.name ?? config.nri.pluginName,
    pluginIdx: flags.idx ?? config.nri.pluginIdx,
    log: (level, msg, fields) => void log(level, msg, fields),
    reconnect: { minMs: 200, maxMs: 10_000 },
  });
  const stop = () => void stub.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await log("info", "NRI plugin starting", { socket: flags.socket ?? config.nri.socket });
  await stub.run();
  clearInterval(timer);
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
