// gc by itself, off every container's start path: the poststop hook (already on the way out)
// starts `oci-metadata gc --auto` fully detached (new session, stdio on /dev/null, no inherited
// fds: runc waits for the hook's pipes) at most once per GC_INTERVAL_MS, decided by the mtime of
// the stamp `<hostRoot>/.gc-stamp`. Between two runs this costs the hook one lstat.
import { resolve } from "node:path";
import { GC_INTERVAL_MS } from "../core/gc-decision.js";
import { log } from "../host/log.js";
import { selfPath } from "../host/self.js";
import type { Context } from "./context.js";

const STAMP = ".gc-stamp";

/** Starts a detached gc when the last one is older than the interval; never throws. */
export async function startGcIfDue(ctx: Context): Promise<void> {
  try {
    if (!(await ctx.store.stampDue(STAMP, GC_INTERVAL_MS, new Date()))) return;
    const { spawnDetached } = await import("../host/detach.js"); // node:child_process, only when due
    await spawnDetached(selfPath(), ["gc", "--auto", ...(ctx.configPath ? ["--config", resolve(ctx.configPath)] : [])]);
    await log("debug", "started a detached gc");
  } catch (err) {
    await log("warn", `starting a detached gc failed: ${(err as Error).message}`);
  }
}
