// `inject --bundle DIR`: the before-create step for direct runc/crun use (fixtures, scripts).
// Plans the container, creates its host dir (runc mounts every source before any hook runs,
// so it must exist now), and edits config.json in place: mount, env var, stage hooks.
import { basename } from "node:path";
import type { Config } from "../core/config.js";
import { viewFromSpec } from "../core/container.js";
import { planContainer } from "../core/plan.js";
import { addAnnotationIfAbsent, applyEdits, editsFor, type HookCommand } from "../core/spec.js";
import { bindLog, log } from "../host/log.js";
import { readSpec, writeSpec } from "../host/oci.js";
import { MetadataStore } from "../host/store.js";

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
  await store.ensureDir({ task: plan.taskSegment, name: plan.nameSegment });
  // The hooks rebuild task and name from annotations; pin the values planned here.
  applyEdits(spec, [addAnnotationIfAbsent("oci-metadata.io/name", plan.name), addAnnotationIfAbsent("oci-metadata.io/task", plan.task), ...editsFor(plan, hook)]);
  await writeSpec(args.bundle, spec);
  await log("debug", "bundle edited", { hostDir: plan.hostDir, containerDir: plan.containerDir });
  return "injected";
}
