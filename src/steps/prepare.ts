// The before-create step every engine shares (inject, precreate, the runtime wrapper, NRI):
// plan → claim the host dir (atomically: mkdir) → write the identity part of the file → edit
// the spec in place. A skip leaves everything untouched and logs why (debug for "not
// enabled", info otherwise). The spec edits are tried on a copy first, so a spec we cannot
// edit never leaves a claimed dir behind.
import type { ContainerView } from "../core/container.js";
import { OciMetadataError } from "../core/errors.js";
import { type Inject, NAME_ATTEMPTS, type Plan, planContainer, type Skip } from "../core/plan.js";
import { applyEdits, editsFor, type HookCommand, type JsonObject, pinFacts } from "../core/spec.js";
import { log } from "../host/log.js";
import { nonDirectoryAlong } from "../host/rootfs.js";
import type { Slot } from "../host/store.js";
import { holdClaim, releasePendingClaim } from "./claims.js";
import type { Context } from "./context.js";
import { writeMetadata } from "./write-metadata.js";

/** The store slot of an Inject plan. */
export function slotOf(plan: Inject): Slot {
  return { task: plan.taskSegment, name: plan.nameSegment };
}

/** Plans the container and claims its dir. A name another container holds, or where the
 * image (`rootfs`, when the door can see it) holds a non-directory, moves on to the next
 * candidate (`<name>-<id prefix>`, `<name>-<id>`, …); a non-directory at the container root or
 * above it is a skip: runc could not mount there and the container would not start.
 * `first`: attempt 0's plan when the caller has made it already. */
export async function claimSlot(view: ContainerView, ctx: Context, rootfs?: string, first?: Plan): Promise<Plan> {
  const { config, store } = ctx;
  let last: Inject | undefined;
  for (let attempt = 0; attempt <= NAME_ATTEMPTS; attempt++) {
    const plan = attempt === 0 && first ? first : planContainer(view, config, { attempt });
    if (plan.kind === "skip") return logSkip(plan, view);
    if (plan.hostDir === last?.hostDir) continue; // the plan moved past a taken name already
    last = plan;
    const blocked =
      rootfs && plan.platform === "linux" ? await nonDirectoryAlong(rootfs, plan.containerDir) : undefined;
    if (blocked && blocked.path !== plan.containerDir) {
      return logSkip(
        {
          kind: "skip",
          code: "image-conflict",
          reason: `the image holds ${blocked.kind} at ${blocked.path}, where ${plan.containerDir} would be mounted`,
        },
        view,
      );
    }
    if (blocked) continue;
    if (await store.claim(slotOf(plan), config.fileName, view.id)) return plan;
  }
  throw new OciMetadataError(
    "io",
    `claiming a metadata dir for ${view.id}: ${NAME_ATTEMPTS + 1} names under ${last?.taskSegment} are taken`,
  );
}

// One log line per skip: debug for "not enabled", info otherwise.
async function logSkip(plan: Skip, view: ContainerView): Promise<Skip> {
  const quiet = plan.code === "not-opted-in" || plan.code === "disabled";
  await log(quiet ? "debug" : "info", `skipped: ${plan.reason}`, { container: view.id, reason: plan.code });
  return plan;
}

/** The decision the view and the config make alone (not enabled, opted out, a conflicting
 * mount or env var): that skip, logged as prepareContainer logs it, or undefined to go on.
 * Lets a door skip the lossless read of a spec it will not edit. */
export async function skipEarly(view: ContainerView, ctx: Context): Promise<Skip | undefined> {
  const plan = planContainer(view, ctx.config);
  return plan.kind === "skip" ? logSkip(plan, view) : undefined;
}

/** Prepares one container's spec; returns the plan that was applied (or the skip). */
export async function prepareContainer(
  spec: JsonObject,
  view: ContainerView,
  ctx: Context,
  hook: HookCommand,
  rootfs?: string,
): Promise<Plan> {
  const edits = (p: Inject) => [...pinFacts(view, p), ...editsFor(p, hook)];
  const probe = planContainer(view, ctx.config);
  if (probe.kind === "inject") applyEdits(structuredClone(spec), edits(probe));
  const plan = await claimSlot(view, ctx, rootfs, probe); // the probe is attempt 0's plan
  if (plan.kind === "skip") return plan;
  holdClaim(() => releaseSlot(plan, ctx)); // until the door hands the spec on
  try {
    // The identity part now (not READY): a reader never finds the mount empty.
    await writeMetadata(ctx, { slot: slotOf(plan), view, task: plan.task, name: plan.name, status: "creating" });
    applyEdits(spec, edits(plan));
  } catch (err) {
    await releasePendingClaim();
    throw err;
  }
  await log("debug", "spec edited", { container: view.id, hostDir: plan.hostDir, containerDir: plan.containerDir });
  return plan;
}

/** Undoes a claim when the spec could not be handed on (the container will have no mount). */
export async function releaseSlot(plan: Plan, ctx: Context): Promise<void> {
  if (plan.kind === "inject") await ctx.store.remove(slotOf(plan)).catch(() => undefined);
}
