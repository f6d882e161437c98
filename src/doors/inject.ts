// `inject --bundle DIR`: the before-create step for direct runc/crun use (fixtures, scripts).
// Plans the container, creates its host dir (runc mounts every source before any hook runs,
// so it must exist now), and edits config.json in place: mount, env var, stage hooks.
import { basename } from "node:path";
import type { Config } from "../core/config.js";
import { viewFromSpec } from "../core/container.js";
import { planContainer } from "../core/plan.js";
import { applyEdits, editsFor, type HookCommand, pinFacts } from "../core/spec.js";
import { bindLog, log } from "../host/log.js";
import { readSpec, writeSpec } from "../host/oci.js";
import { MetadataStore } from "../host/store.js";
import { publish } from "./publish.js";

export interface InjectArgs {
  bundle: string;
  id?: string;
  engine?: string;
}

/** Edits the bundle for one container; a skip leaves config.json untouched. */
export async function runInject(args: InjectArgs, config: Config, hook: HookCommand): Promise<"injected" | "skipped"> {
  const spec = await readSpec(args.bundle);
  const id = args.id ?? basename(args.bundle);
  bindLog({ container: id });
  const view = viewFromSpec(spec, id, args.engine ?? "runc");
  const plan = planContainer(view, config);
  if (plan.kind === "skip") {
    await log(plan.code === "not-opted-in" || plan.code === "disabled" ? "debug" : "info", `skipped: ${plan.reason}`, { reason: plan.code });
    return "skipped";
  }
  const store = new MetadataStore(config.hostRoot);
  const slot = { task: plan.taskSegment, name: plan.nameSegment };
  await store.ensureDir(slot);
  // The identity part now (not READY): a reader never finds the mount empty.
  await publish({ config, store, slot, view, task: plan.task, name: plan.name, status: "creating" });
  // The hooks rebuild task and name from annotations; pin the values planned here.
  applyEdits(spec, [...pinFacts(view, plan), ...editsFor(plan, hook)]);
  await writeSpec(args.bundle, spec);
  await log("debug", "bundle edited", { hostDir: plan.hostDir, containerDir: plan.containerDir });
  return "injected";
}
