// plan: ContainerView + Config → Skip{reason} | Inject{paths, mount, env, stages}.
// Every door renders the same plan, so enabling rules and conflict rules live only here.
// Invariants: an Inject's hostDir is hostRoot/<safe task>/<safe name>; its containerDir is
// containerRoot/<safe name>; a metadata mount that belongs to another container (our own
// mount shape under both roots, as `--volumes-from` copies it) is never a conflict.
import type { Config, Stage } from "./config.js";
import type { ContainerView, MountView } from "./container.js";
import { safeSegment } from "./names.js";
import { isWithin, joinPath, normalizePosix, type Platform } from "./paths.js";

export type SkipCode = "disabled" | "not-opted-in" | "opted-out" | "mount-conflict" | "env-conflict" | "image-conflict";

export interface Skip {
  kind: "skip";
  code: SkipCode;
  reason: string;
}

export interface MetadataMount {
  destination: string;
  source: string;
  type: "bind";
  options: string[];
}

export interface Inject {
  kind: "inject";
  task: string;
  name: string;
  taskSegment: string;
  nameSegment: string;
  hostDir: string;
  hostFile: string;
  containerDir: string;
  containerFile: string;
  env: { name: string; value: string };
  mount: MetadataMount;
  stages: Stage[];
  platform: Platform;
}

export type Plan = Skip | Inject;

/** Values of the opt-in annotation that turn metadata on (case-insensitive, trimmed). */
export const OPT_IN_TRUE_WORDS = ["true", "1", "yes", "on", "enabled"] as const;
const TRUE_WORDS = new Set<string>(OPT_IN_TRUE_WORDS);
const FALSE_WORDS = new Set(["false", "0", "no", "off", "disabled"]);
/** The seed proposal's per-workload flag, honoured next to the configured annotation. */
export const SEED_OPT_IN_KEY = "metadataEnable";

/** Mount options of the metadata mount: read-only, and nothing executable or device-like. */
export const LINUX_MOUNT_OPTIONS = ["rbind", "ro", "nosuid", "nodev", "noexec"];

/** Task and container name of a view, with their fallbacks ("default", the container id). */
export function taskAndName(view: Pick<ContainerView, "task" | "name" | "id">): { task: string; name: string } {
  return { task: view.task || "default", name: view.name || view.id };
}

export interface PlanOptions {
  /** Which name to try (see nameCandidate): 0 = the name itself; the door moves on while the
   * store holds another container there (see claim()) or the image holds a file there. */
  attempt?: number;
}

/** Attempts a door makes before giving up on a name (each needs another live container). */
export const NAME_ATTEMPTS = 16;

/** The name for attempt k: the name, then `<name>-<id prefix>`, `<name>-<id>`,
 * `<name>-<id>-<k>`. Container ids are unique among live containers, so two live containers
 * never share attempt 2; later ones only matter when names are chosen to squat. */
export function nameCandidate(name: string, id: string, attempt: number): string {
  if (attempt <= 0) return name;
  if (attempt === 1) return `${name}-${id.slice(0, 12)}`;
  return attempt === 2 ? `${name}-${id}` : `${name}-${id}-${attempt}`;
}

/** Decides whether and where a container gets its metadata. */
export function planContainer(view: ContainerView, config: Config, opts: PlanOptions = {}): Plan {
  const gate = enablement(view, config);
  if (gate) return gate;
  const roots = rootsFor(view.platform, config);
  const { task, name } = taskAndName(view);
  const taskSegment = safeSegment(task);
  let attempt = opts.attempt ?? 0;
  let nameSegment = safeSegment(nameCandidate(name, view.id, attempt));
  const hostDir = () => joinPath(view.platform, roots.host, taskSegment, nameSegment);
  const containerDir = () => joinPath(view.platform, roots.container, nameSegment);
  // (1) another container's metadata mount may already sit at our destination (same name,
  // other task): move on to the next name that is free.
  const taken = () =>
    view.mounts.some(
      (m) =>
        isMetadataMount(m, roots, view.platform) &&
        samePath(view.platform, m.destination, containerDir()) &&
        !samePath(view.platform, m.source ?? "", hostDir()),
    );
  while (taken() && attempt < NAME_ATTEMPTS) nameSegment = safeSegment(nameCandidate(name, view.id, ++attempt));
  // (2) the workload's own mounts on, above or below the container root are a conflict.
  const conflict = view.mounts.find(
    (m) => overlaps(view.platform, m.destination, roots.container) && !isMetadataMount(m, roots, view.platform),
  );
  if (conflict) {
    return skip(
      "mount-conflict",
      `the workload already mounts ${conflict.destination}, which overlaps ${roots.container}`,
    );
  }
  // (3) the workload sets the env var itself (to anything but our own value). Our value for a
  // later candidate (a spec we prepared before, moved past a taken name) is ours: plan it again.
  const own = view.env.find((e) => e.startsWith(`${config.envName}=`));
  const ours = () => own === `${config.envName}=${joinPath(view.platform, containerDir(), config.fileName)}`;
  if (own !== undefined && !ours()) {
    const from = nameSegment;
    while (!ours() && attempt < NAME_ATTEMPTS) nameSegment = safeSegment(nameCandidate(name, view.id, ++attempt));
    if (!ours()) nameSegment = from;
    if (!ours()) return skip("env-conflict", `the workload already sets ${config.envName}`);
  }
  const cFile = joinPath(view.platform, containerDir(), config.fileName);
  return {
    kind: "inject",
    task,
    name,
    taskSegment,
    nameSegment,
    hostDir: hostDir(),
    hostFile: joinPath(view.platform, hostDir(), config.fileName),
    containerDir: containerDir(),
    containerFile: cFile,
    env: { name: config.envName, value: cFile },
    mount: {
      destination: containerDir(),
      source: hostDir(),
      type: "bind",
      options: view.platform === "windows" ? ["ro"] : [...LINUX_MOUNT_OPTIONS],
    },
    stages: [...config.stages],
    platform: view.platform,
  };
}

/** The skip that config and the workload's annotations alone decide (disabled, not opted in,
 * opted out), or undefined. */
export function enablement(view: ContainerView, config: Config): Skip | undefined {
  if (config.enabled === "never") return skip("disabled", "oci-metadata is disabled by config (enabled: never)");
  const raw = view.annotations[config.optInAnnotation] ?? view.annotations[SEED_OPT_IN_KEY];
  const word = raw?.trim().toLowerCase();
  if (config.enabled === "opt-in" && !(word !== undefined && TRUE_WORDS.has(word))) {
    return skip("not-opted-in", `the workload does not set ${config.optInAnnotation}=true (enabled: opt-in)`);
  }
  if (config.enabled === "always" && word !== undefined && FALSE_WORDS.has(word)) {
    return skip("opted-out", `the workload sets ${config.optInAnnotation}=${raw}`);
  }
  return undefined;
}

function skip(code: SkipCode, reason: string): Skip {
  return { kind: "skip", code, reason };
}

interface Roots {
  host: string;
  container: string;
}

/** The host and container roots for a platform. */
export function rootsFor(platform: Platform, config: Config): Roots {
  return platform === "windows"
    ? { host: config.windows.hostRoot, container: config.windows.containerRoot }
    : { host: config.hostRoot, container: config.containerRoot };
}

/** Our own mount shape: a bind whose source is below hostRoot and destination below containerRoot. */
export function isMetadataMount(m: MountView, roots: Roots, platform: Platform): boolean {
  if (m.source === undefined) return false;
  const src = comparable(platform, m.source);
  const dst = comparable(platform, m.destination);
  const host = comparable(platform, roots.host);
  const ctr = comparable(platform, roots.container);
  return src !== host && isWithin(host, src) && dst !== ctr && isWithin(ctr, dst);
}

// Same path, parent or child.
function overlaps(platform: Platform, a: string, b: string): boolean {
  const x = comparable(platform, a);
  const y = comparable(platform, b);
  return isWithin(x, y) || isWithin(y, x);
}

function samePath(platform: Platform, a: string, b: string): boolean {
  return comparable(platform, a) === comparable(platform, b);
}

// Windows paths compare case-insensitively with either slash; map both onto POSIX form.
function comparable(platform: Platform, path: string): string {
  if (platform !== "windows") return normalizePosix(path);
  return normalizePosix(`/${path.replace(/\\/g, "/").toLowerCase()}`);
}
