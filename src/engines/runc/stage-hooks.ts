// OCI stage hooks (runc, crun, and the stages precreate registers for podman): the state
// arrives on stdin, our mount and env var in the bundle's config.json say which dir is ours.
//  - prestart / createRuntime: write the complete file (identity + network) → READY before
//    the container's process runs;
//  - poststart: rewrite with status running;
//  - poststop: remove the container's dir, and its task dir once empty.
import { isAbsolute, join } from "node:path";
import type { Stage } from "../../core/config.js";
import { STAGES } from "../../core/config-fast.js";
import { isRecord, viewFromSpec } from "../../core/container.js";
import { OciMetadataError } from "../../core/errors.js";
import { ownMetadataDir } from "../../core/locate.js";
import { taskAndName } from "../../core/plan.js";
import type { JsonObject } from "../../core/spec.js";
import { bindLog, log } from "../../host/log.js";
import { type OciState, parseState, readSpec, readStdin } from "../../host/oci.js";
import type { Context } from "../../steps/context.js";
import { writeMetadata } from "../../steps/write-metadata.js";

export const HOOK_STAGES: readonly Stage[] = STAGES;

/** Runs one hook stage for the container described by the state text. */
export async function runHook(
  ctx: Context,
  stage: Stage,
  stateText: string | undefined,
  engine: string,
): Promise<void> {
  const { config, store } = ctx;
  const state = parseState(stateText ?? (await readStdin()));
  bindLog({ container: state.id, stage });
  const spec = await readSpec(state.bundle).catch(async (err: unknown) => {
    // An engine may remove the bundle before poststop runs: find the dir by container id.
    if (stage !== "poststop" || (err as { cause?: { code?: string } }).cause?.code !== "ENOENT") throw err;
    for (const slot of await store.findByContainerId(config.fileName, state.id)) await store.remove(slot);
    return undefined;
  });
  if (!spec) return;
  const view = viewFromSpec(spec, state.id, engine);
  view.annotations = { ...view.annotations, ...state.annotations };
  const hostDir = ownMetadataDir(view, config);
  if (!hostDir) {
    await log("debug", "no metadata mount of ours in config.json; nothing to do");
    return;
  }
  const slot = store.slotOf(hostDir);
  if (stage === "poststop") {
    // Only while the file still names us: after gc removed a stopped container's dir, a new
    // container of the same name may hold it by the time this one is deleted.
    if (await store.removeIfNamed(slot, config.fileName, state.id))
      await log("debug", "metadata dir removed", { dir: hostDir });
    else await log("debug", "the metadata dir no longer names this container; left alone", { dir: hostDir });
    return;
  }
  if (stage === "poststart" && !state.pid)
    throw new OciMetadataError("state-invalid", "poststart: the state has no pid");
  await writeMetadata(ctx, {
    slot,
    view,
    ...taskAndName(view),
    status: stage === "poststart" ? "running" : "created",
    pid: state.pid,
    rootfs: rootfsOf(spec, state),
  });
}

// config.json's root.path, made absolute against the bundle.
function rootfsOf(spec: JsonObject, state: OciState): string | undefined {
  const path = isRecord(spec.root) && typeof spec.root.path === "string" ? spec.root.path : undefined;
  if (!path) return undefined;
  return isAbsolute(path) ? path : join(state.bundle, path);
}
