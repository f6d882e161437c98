// Applies an Inject plan to a raw OCI runtime spec (the parsed config.json object), in place.
// The spec is never round-tripped through a typed model: fields we do not know survive as they
// are. Each edit is an idempotent modifier that first looks for its own earlier result, so
// applying a plan twice equals applying it once.
import type { Stage } from "./config.js";
import { type ContainerView, isRecord, PINNED } from "./container.js";
import { OciMetadataError } from "./errors.js";
import type { Inject, MetadataMount } from "./plan.js";

export type JsonObject = Record<string, unknown>;
/** One spec modifier; throws OciMetadataError("spec-invalid") on a spec it cannot edit. */
export type SpecEdit = (spec: JsonObject) => void;

/** How our hooks are invoked: the binary's absolute path plus fixed args. */
export interface HookCommand {
  path: string;
  /** Extra args after `hook <stage>` (e.g. `--config FILE`). */
  extraArgs?: string[];
  /** Seconds; runc kills the hook after this. */
  timeout?: number;
  env?: string[];
}

/** The edits for a plan: mount, env, and one hook per configured stage. */
export function editsFor(plan: Inject, hook: HookCommand | null): SpecEdit[] {
  const edits: SpecEdit[] = [addMount(plan), addEnv(plan.env.name, plan.env.value)];
  if (hook && plan.platform === "linux") for (const stage of plan.stages) edits.push(addHook(stage, hook));
  return edits;
}

/** Applies every edit in order. */
export function applyEdits(spec: JsonObject, edits: readonly SpecEdit[]): JsonObject {
  for (const edit of edits) edit(spec);
  return spec;
}

/** Adds the metadata bind mount unless a mount with the same destination and source exists. */
export function addMount(plan: Inject): SpecEdit {
  return addBindMount(plan.mount);
}

/** Adds a bind mount unless one with the same destination and source exists. */
export function addBindMount(mount: MetadataMount): SpecEdit {
  return (spec) => {
    const mounts = arrayField(spec, "mounts");
    const present = mounts.some((m) => isRecord(m) && m.destination === mount.destination && m.source === mount.source);
    if (!present) mounts.push({ ...mount, options: [...mount.options] });
  };
}

/** Sets NAME=value in process.env, replacing an older NAME=… entry of ours. */
export function addEnv(name: string, value: string): SpecEdit {
  return (spec) => {
    if (spec.process === undefined) spec.process = {};
    if (!isRecord(spec.process))
      throw new OciMetadataError("spec-invalid", "editing process.env: process is not an object");
    const env = arrayField(spec.process, "env", "process.env");
    const entry = `${name}=${value}`;
    const at = env.findIndex((e) => typeof e === "string" && e.startsWith(`${name}=`));
    if (at === -1) env.push(entry);
    else env[at] = entry;
  };
}

/** Registers `<path> hook <stage> …` in hooks[stage] unless the same command is there. */
export function addHook(stage: Stage, hook: HookCommand): SpecEdit {
  return (spec) => {
    if (spec.hooks === undefined) spec.hooks = {};
    if (!isRecord(spec.hooks)) throw new OciMetadataError("spec-invalid", "editing hooks: hooks is not an object");
    const list = arrayField(spec.hooks, stage, `hooks.${stage}`);
    const args = [hook.path, "hook", stage, ...(hook.extraArgs ?? [])];
    const same = (h: unknown) => isRecord(h) && h.path === hook.path && JSON.stringify(h.args) === JSON.stringify(args);
    if (list.some(same)) return;
    const entry: JsonObject = { path: hook.path, args };
    if (hook.env) entry.env = [...hook.env];
    if (hook.timeout) entry.timeout = hook.timeout;
    list.push(entry);
  };
}

// Returns obj[key] as a mutable array, creating it when absent.
function arrayField(obj: JsonObject, key: string, label = key): unknown[] {
  if (obj[key] === undefined || obj[key] === null) obj[key] = [];
  const value = obj[key];
  if (!Array.isArray(value)) throw new OciMetadataError("spec-invalid", `editing ${label}: expected an array`);
  return value;
}

/** Sets an annotation unless the spec already has one under that key. */
export function addAnnotationIfAbsent(key: string, value: string): SpecEdit {
  return (spec) => {
    if (spec.annotations === undefined) spec.annotations = {};
    if (!isRecord(spec.annotations)) throw new OciMetadataError("spec-invalid", "editing annotations: not an object");
    if (typeof spec.annotations[key] !== "string") spec.annotations[key] = value;
  };
}

/** Pins the facts a before-create door learned (engine name, image, ports…) as annotations,
 * so the stage hooks, which only see the spec, write the same identity. */
export function pinFacts(view: ContainerView, plan: Pick<Inject, "name" | "task">): SpecEdit[] {
  const facts: [string, string | undefined][] = [
    [PINNED.name, plan.name],
    [PINNED.task, plan.task],
    [PINNED.image, view.image],
    [PINNED.imageId, view.imageId],
    [PINNED.dockerName, view.dockerName],
    [PINNED.networkMode, view.networkMode],
    [PINNED.ports, view.ports ? JSON.stringify(view.ports) : undefined],
    [PINNED.networkNames, view.networkNames ? JSON.stringify(view.networkNames) : undefined],
  ];
  return facts.filter((f): f is [string, string] => f[1] !== undefined).map(([k, v]) => addAnnotationIfAbsent(k, v));
}
