// gc's decision for one container dir, as data (no I/O): keep or remove, and why. The facts
// come from three places, asked in this order:
//  (1) age: a dir changed within the grace period may be a claim whose container is still on
//      its way (inject runs before `runc create`, precreate before podman's create) → keep;
//  (2) the kernel: a dir mounted into a live mount namespace is in use → keep, whatever any
//      engine says (this covers private runtime roots and --volumes-from);
//  (3) the engine that wrote the file (its `Engine` key): live → keep; gone → remove;
//      absent from the places we know → remove only when the kernel's view was complete (a
//      live container somewhere else would have shown up mounted); cannot be asked → keep.
// When in doubt, keep.

/** How often gc runs by itself (NRI daemon; the poststop hook's detached start). */
export const GC_INTERVAL_MS = 5 * 60_000;

/** What an engine says about one container id. */
export type EngineAnswer =
  /** running, created or paused: it may read its file */
  | { kind: "live"; why: string }
  /** the engine knows it and it will never run again as this instance */
  | { kind: "gone"; why: string }
  /** not found where we looked (a private root could still hold it) */
  | { kind: "absent"; why: string }
  /** the engine could not be asked */
  | { kind: "unknown"; why: string };

/** Everything the decision needs about one dir. */
export interface DirFacts {
  /** ms since the dir or its file last changed */
  ageMs: number;
  graceMs: number;
  mounted: boolean;
  /** the whole process table was visible when mounts were read */
  kernelViewComplete: boolean;
  /** undefined when the file names no container (missing, corrupt) */
  answer?: EngineAnswer;
}

export type Decision = { remove: boolean; why: string };

/** Keep or remove one dir (steps in the header). */
export function decide(f: DirFacts): Decision {
  if (f.ageMs < f.graceMs)
    return { remove: false, why: `changed ${Math.round(f.ageMs / 1000)} s ago (grace ${f.graceMs / 1000} s)` }; // (1)
  if (f.mounted) return { remove: false, why: "mounted in a live container" }; // (2)
  const a = f.answer; // (3)
  if (!a) {
    return f.kernelViewComplete
      ? { remove: true, why: "its file names no container and no container mounts it" }
      : { remove: false, why: "its file names no container; the process table is not fully visible" };
  }
  if (a.kind === "live") return { remove: false, why: a.why };
  if (a.kind === "gone") return { remove: true, why: a.why };
  if (a.kind === "absent") {
    return f.kernelViewComplete
      ? { remove: true, why: `${a.why}, and no container mounts it` }
      : { remove: false, why: `${a.why}; the process table is not fully visible, so a private root could hold it` };
  }
  return { remove: false, why: `cannot ask: ${a.why}` };
}
