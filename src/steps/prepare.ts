// The before-create step every engine shares (inject, precreate, the runtime wrapper, NRI):
// plan → claim the host dir (atomically: mkdir) → write the identity part of the file → edit
// the spec in place. A skip leaves everything untouched and logs why (debug for "not
// enabled", info otherwise). The spec edits are tried on a copy first, so a spec we cannot
// edit never leaves a claimed dir behind.
import type { ContainerView } from "../core/container.js";
import { OciMetadataError } from "../core/errors.js";
import { type Inject, type Plan, planContainer } from "../core/plan.js";
import { applyEdits, editsFor, type HookCommand, type JsonObject, pinFacts } from "../core/spec.js";
import { log } from "../host/log.js";
import type { Slot } from "../host/store.js";
import type { Context } from "./context.js";
import { writeMetadata } from "./write-metadata.js";

/** The store slot of an Inject plan. */
export function slotOf(plan: Inject): Slot {
  return { task: plan.taskSegment, name: plan.nameSegment };
}

/** Plans the container and claims its dir; a second container with the same task and name
 * gets `<name>-<id prefix>`. */
export async function claimSlot(view: ContainerView, ctx: Context): Promise<Plan> {
  const { config, store } = ctx;
  const plan = planContainer(view, config);
  if (plan.kind === "skip") {
    const quiet = plan.code === "not-opted-in" || plan.code === "disabled";
    await log(quiet ? "debug" : "info", `skipped: ${plan.reason}`, { container: view.id, reason: plan.code });
    return plan;
  }
  if (await store.claim(slotOf(plan), config.fileName, view.id)) return plan;
  const other = planContainer(view, config, { nameTaken: true });
  if (other.kind === "inject" && (await store.claim(slotOf(other), config.fileName, view.id))) return other;
  throw new OciMetadataError("io", `claiming a metadata dir for ${view.id}: ${plan.hostDir} and its fallback belong to other containers`);
}

/** Prepares one container's spec; returns the plan that was applied (or the skip). */
export async function prepareContainer(spec: JsonObject, view: ContainerView, ctx: Context, hook: HookCommand): Promise<Plan> {
  const edits = (p: Inject) => [...pinFacts(view, p), ...editsFor(p, hook)];
  const probe = planContainer(view, ctx.config);
  if (probe.kind === "inject") applyEdits(structuredClone(spec), edits(probe));
  const plan = await claimSlot(view, ctx);
  if (plan.kind === "skip") return plan;
  // The identity part now (not READY): a reader never finds the mount empty.
  await writeMetadata(ctx, { slot: slotOf(plan), view, task: plan.task, name: plan.name, status: "creating" });
  applyEdits(spec, edits(plan));
  await log("debug", "spec edited", { container: view.id, hostDir: plan.hostDir, containerDir: plan.containerDir });
  return plan;
}

/** Undoes a claim when the spec could not be handed on (the container will have no mount). */
export async function releaseSlot(plan: Plan, ctx: Context): Promise<void> {
  if (plan.kind === "inject") await ctx.store.remove(slotOf(plan)).catch(() => undefined);
}
