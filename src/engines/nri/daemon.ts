// `oci-metadata nri`: runs the plugin until SIGTERM/SIGINT, reconnecting when the runtime
// restarts. Flags override the config's nri section.
import { useNormalJit } from "../../host/jit.js";
import { log } from "../../host/log.js";
import type { Context } from "../../steps/context.js";
import { nriHandlers } from "./plugin.js";

export interface NriFlags {
  socket?: string;
  name?: string;
  idx?: string;
}

/** Serves NRI until a stop signal; resolves with the exit code. */
export async function runNriDaemon(ctx: Context, flags: NriFlags): Promise<number> {
  useNormalJit(); // a daemon, not a run-once hook (see host/jit.ts)
  const { config } = ctx;
  const { createStub } = await import("../../nri-stub/index.js");
  const stub = createStub(nriHandlers(ctx), {
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
  await log("info", "NRI plugin stopped");
  return 0;
}
