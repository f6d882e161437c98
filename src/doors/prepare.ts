// The before-create step every door shares (inject, precreate, later the runtime wrapper):
// plan → claim the host dir → write the identity part of the file → edit the spec in place.
// A skip leaves the spec untouched and logs why (debug for "not enabled", info otherwise).
import type { Config } from "../core/config.js";
import type { ContainerView } from "../core/container.js";
import { type Plan, planContainer } from "../core/plan.js";
import { applyEdits, editsFor, type HookCommand, type JsonObject, pinFacts } from "../core/spec.js";
import { log } from "../host/log.js";
import { MetadataStore } from "../host/store.js";
import { publish } from "./publish.js";

/** Prepares one container; returns the plan that was applied (or the skip). */
export async function prepareContainer(spec: JsonObject, view: ContainerView, config: Config, hook: HookCommand): Promise<Plan> {
  let plan = planContainer(view, config);
  if (plan.kind === "skip") {
    const quiet = plan.code === "not-opted-in" || plan.code === "disabled";
    await log(quiet ? "debug" : "info", `skipped: ${plan.reason}`, { reason: plan.code });
    return plan;
  }
  const store = new MetadataStore(config.hostRoot);
  // Two workloads may name the same task and container: the second gets `<name>-<id prefix>`.
  if (!(await store.claim({ task: plan.taskSegment, name: plan.nameSegment }, config.fileName, view.id))) {
    plan = planContainer(view, config, { nameTaken: true });
    if (plan.kind === "skip") return plan;
    await store.ensureDir({ task: plan.taskSegment, name: plan.nameSegment });
  }
  const slot = { task: plan.taskSegment, name: plan.nameSegment };
  // The identity part now (not READY): a reader never finds the mount empty.
  await publish({ config, store, slot, view, task: plan.task, name: plan.name, status: "creating" });
  applyEdits(spec, [...pinFacts(view, plan), ...editsFor(plan, hook)]);
  await log("debug", "spec edited", { hostDir: plan.hostDir, containerDir: plan.containerDir });
  return plan;
}
