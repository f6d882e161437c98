// Reconciliation after Synchronize (NRI): the runtime's list of pods and containers is the
// truth. (1) A listed container with our mount whose file is missing or not READY gets it
// written — when the dir is the one its plan names (a pod cannot point us at another
// container's dir) and still exists (a new dir would not reach the running container's bind
// mount). (2) A dir whose file was written by this engine for a container that is no longer
// listed is removed — pods that vanished while the runtime restarted never send events
// (nri-protocol §12.8) — unless the container was created after the Synchronize began (the
// runtime releases held-back creations right after our reply). Dirs of other engines
// (podman, Docker, runc) are never touched.
import type { Config } from "../../core/config.js";
import type { ContainerView } from "../../core/container.js";
import { parseJsonObject } from "../../core/json.js";
import { ownMetadataDir } from "../../core/locate.js";
import { NAME_ATTEMPTS, planContainer, taskAndName } from "../../core/plan.js";
import { log } from "../../host/log.js";
import type { Context } from "../../steps/context.js";
import { writeMetadata } from "../../steps/write-metadata.js";
import { podNetwork } from "./adjust.js";
import { type CriContainer, type CriPod, viewFromCri } from "./pure/cri-view.js";

/** The command's context plus what reconciliation needs to know of the plugin. */
export interface ReconcileContext extends Context {
  engine: string;
  /** Containers created since the Synchronize began. */
  spare: ReadonlySet<string>;
}

/** Brings the store in line with the runtime's pods and containers. */
export async function reconcile(pods: CriPod[], containers: CriContainer[], ctx: ReconcileContext): Promise<void> {
  const byId = new Map(pods.map((p) => [p.id, p]));
  const files = await ctx.store.readAll(ctx.config.fileName);
  const texts = new Map(files.map((f) => [`${f.slot.task}/${f.slot.name}`, f.text]));
  let written = 0;
  for (const ctr of containers) {
    const pod = byId.get(ctr.podSandboxId);
    if (pod && (await repair(pod, ctr, texts, ctx))) written++;
  }
  const live = new Set(containers.map((c) => c.id));
  let removed = 0;
  for (const { slot, text } of files) {
    const doc = parseJsonObject(text);
    if (
      doc?.Engine !== ctx.engine ||
      typeof doc.ContainerID !== "string" ||
      live.has(doc.ContainerID) ||
      ctx.spare.has(doc.ContainerID)
    )
      continue;
    // Read again: a creation may have claimed and written this dir meanwhile.
    if (
      parseJsonObject(await ctx.store.read(slot, ctx.config.fileName))?.ContainerID !== doc.ContainerID ||
      ctx.spare.has(doc.ContainerID)
    )
      continue;
    await ctx.store.remove(slot);
    removed++;
  }
  await log("info", "reconciled with the runtime", {
    pods: pods.length,
    containers: containers.length,
    written,
    removed,
  });
}

// Writes the file of a listed container that has our mount but no READY file.
async function repair(
  pod: CriPod,
  ctr: CriContainer,
  texts: Map<string, string>,
  ctx: ReconcileContext,
): Promise<boolean> {
  const view = viewFromCri(pod, ctr, ctx.engine);
  const hostDir = ownMetadataDir(view, ctx.config);
  if (!hostDir || !plannedFor(view, hostDir, ctx.config)) return false;
  const slot = ctx.store.slotOf(hostDir);
  if (!(await ctx.store.has(slot))) return false;
  const current = parseJsonObject(texts.get(`${slot.task}/${slot.name}`) ?? "");
  if (current?.MetadataFileStatus === "READY" || (current && current.ContainerID !== ctr.id)) return false;
  const net = await podNetwork(pod, ctr.pid);
  await writeMetadata(ctx, {
    slot,
    view,
    ...taskAndName(view),
    status: ctr.pid ? "running" : "created",
    pid: net.pid,
    engineNetworks: net.engineNetworks,
  });
  return true;
}

// The dir is the one this container's plan names (or one of its same-name fallbacks).
function plannedFor(view: ContainerView, hostDir: string, config: Config): boolean {
  for (let attempt = 0; attempt <= NAME_ATTEMPTS; attempt++) {
    const p = planContainer(view, config, { attempt });
    if (p.kind !== "inject") return false;
    if (p.hostDir === hostDir) return true;
  }
  return false;
}
