// `oci-metadata gc [--dry-run]`: removes the container dirs whose container no longer exists
// (its poststop never ran: runtime state lost, `runc kill` without delete, a reboot, a config
// that became unreadable, a killed or failed before-create step) and the `.tmp-` files of
// killed writers. It never removes a dir that a live container mounts. Steps:
//  (1) survey the store: every <task>/<name> dir with its file, age and temp files;
//  (2) remove temp files older than TEMP_GRACE_MS (a writer finishes within its watchdog);
//  (3) read the kernel's mount view once for all dirs (host/mounts.ts);
//  (4) ask the engine named by each file's `Engine` key (engines/<engine>/liveness.ts);
//  (5) decide (core/gc-decision.ts) and, unless --dry-run, remove — after checking that the
//      file did not change since (1): a container that just re-claimed its dir keeps it.
// It runs by itself too: the NRI daemon every GC_INTERVAL_MS, and the poststop hook starts a
// detached run at most once per GC_INTERVAL_MS (steps/auto-gc.ts).
import { realpath } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../core/config.js";
import { decide, type EngineAnswer } from "../core/gc-decision.js";
import { parseJsonObject } from "../core/json.js";
import { dockerLiveness } from "../engines/docker/liveness.js";
import { nriLiveness, type RuntimeView } from "../engines/nri/liveness.js";
import { podmanLiveness } from "../engines/podman/liveness.js";
import { runcLiveness } from "../engines/runc/liveness.js";
import { log } from "../host/log.js";
import { readMountView } from "../host/mounts.js";
import type { MetadataStore, Slot, SlotSurvey } from "../host/store.js";
import type { Context } from "../steps/context.js";

/** A claim younger than this is never collected (its container may still be on its way). */
export const CLAIM_GRACE_MS = 10 * 60_000;
/** A temp file older than this belongs to a killed writer (writers give up after 8 s). */
export const TEMP_GRACE_MS = 60_000;

export interface GcOptions {
  dryRun: boolean;
  now: Date;
  /** Log each removal (runs nobody watches: the daemon, the hook's detached start). */
  logRemovals?: boolean;
  /** The NRI daemon's view of its runtime; absent on the command line. */
  runtimeView?: RuntimeView;
}

/** One line of the report. */
export interface GcEntry {
  dir: string;
  container?: string;
  engine?: string;
  action: "removed" | "would-remove" | "kept";
  why: string;
}

export interface GcReport {
  entries: GcEntry[];
  tempsRemoved: string[];
  kernelViewComplete: boolean;
}

/** Collects the store once (steps in the header). */
export async function runGc(ctx: Context, opts: GcOptions): Promise<GcReport> {
  const { config, store } = ctx;
  const surveyed: { slot: Slot; survey: SlotSurvey }[] = [];
  for (const slot of await store.list()) {
    const survey = await store.survey(slot, config.fileName); // (1)
    if (survey) surveyed.push({ slot, survey });
  }
  const tempsRemoved: string[] = [];
  for (const { slot, survey } of surveyed) {
    for (const t of survey.temps) {
      if (opts.now.getTime() - t.changedMs < TEMP_GRACE_MS) continue;
      if (!opts.dryRun) await store.removeTemp(slot, t.name); // (2)
      tempsRemoved.push(`${store.pathOf(slot)}/${t.name}`);
    }
  }
  // (3) the root's own path without symlinks (an admin may reach it through one); below it the
  // store has refused every symlink already.
  const realRoot = await realpath(config.hostRoot).catch(() => config.hostRoot);
  const ids = surveyed.map((s) => ({ path: join(realRoot, s.slot.task, s.slot.name), dev: s.survey.dev }));
  const mounts = await readMountView(ids);
  const entries: GcEntry[] = [];
  const unreachable = new Map<string, EngineAnswer>(); // an engine that failed once is not asked again
  for (const { slot, survey } of surveyed) {
    const doc = parseJsonObject(survey.text);
    const container = typeof doc?.ContainerID === "string" ? doc.ContainerID : undefined;
    const engine = typeof doc?.Engine === "string" ? doc.Engine : undefined;
    const dir = store.pathOf(slot);
    const ageMs = opts.now.getTime() - survey.changedMs;
    const mounted = mounts.isMounted(join(realRoot, slot.task, slot.name));
    // Ask only when the cheaper facts leave the question open.
    const open = ageMs >= CLAIM_GRACE_MS && !mounted;
    let answer = open && container ? unreachable.get(engine ?? "") : undefined;
    if (open && container && !answer) answer = await ask(container, engine, config, opts.runtimeView); // (4)
    if (answer?.kind === "unknown" && engine) unreachable.set(engine, answer);
    const d = decide({ ageMs, graceMs: CLAIM_GRACE_MS, mounted, kernelViewComplete: mounts.complete, answer });
    let action: GcEntry["action"] = d.remove ? (opts.dryRun ? "would-remove" : "removed") : "kept";
    let why = d.why;
    if (action === "removed" && !(await removeUnchanged(store, slot, config.fileName, survey)))
      [action, why] = ["kept", "its file changed while collecting"]; // (5)
    entries.push({ dir, container, engine, action, why });
    if (action === "removed" && opts.logRemovals)
      await log("info", "gc removed a dir whose container is gone", { dir, container, engine, why });
  }
  return { entries, tempsRemoved, kernelViewComplete: mounts.complete };
}

// Routes the question to the engine that wrote the file.
async function ask(
  id: string,
  engine: string | undefined,
  config: Config,
  view: RuntimeView | undefined,
): Promise<EngineAnswer> {
  switch (engine) {
    case "runc":
    case "crun":
    case "oci":
      return runcLiveness(id);
    case "podman":
      return podmanLiveness(id);
    case "docker":
      return dockerLiveness(id, config.dockerSocket);
    case undefined:
      return { kind: "unknown", why: "the file names no engine" };
    default:
      return nriLiveness(id, engine, view);
  }
}

// Removes the slot only if its file is still the one surveyed (same text and mtime; the dir's
// own mtime moves when step (2) removed a temp file, which is no reason to keep it).
async function removeUnchanged(store: MetadataStore, slot: Slot, file: string, before: SlotSurvey): Promise<boolean> {
  const now = await store.survey(slot, file);
  if (!now || now.text !== before.text || now.fileChangedMs !== before.fileChangedMs) return false;
  await store.remove(slot);
  return true;
}

/** The report as printed: what was (or would be) removed, and what was kept for want of an
 * answer; `verbose` adds every kept dir with its reason. */
export function formatReport(report: GcReport, dryRun: boolean, verbose: boolean): string {
  const verb = dryRun ? "would remove" : "removed";
  const lines = report.tempsRemoved.map((t) => `${verb} ${t} (temp file of a killed writer)`);
  for (const e of report.entries) {
    const who = e.container ? ` (${e.engine ?? "unknown engine"} ${e.container})` : "";
    if (e.action !== "kept") lines.push(`${verb} ${e.dir}${who}: ${e.why}`);
    else if (verbose || e.why.startsWith("cannot ask")) lines.push(`kept ${e.dir}${who}: ${e.why}`);
  }
  const n = report.entries.filter((e) => e.action !== "kept").length;
  lines.push(`${verb} ${n} of ${report.entries.length} dirs and ${report.tempsRemoved.length} temp files`);
  if (!report.kernelViewComplete)
    lines.push(
      "note: the process table is not fully visible (not in the host's pid namespace): dirs not found in an engine were kept",
    );
  return `${lines.join("\n")}\n`;
}
