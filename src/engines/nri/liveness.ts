// gc's question to an NRI runtime (containerd, CRI-O): is this container in the runtime's
// view? Only the plugin daemon holds that view — the last Synchronize, plus the containers
// created and minus those removed since — so the daemon answers for its own engine and a gc
// run from the command line reports these dirs as not asked (the daemon collects them).
import type { EngineAnswer } from "../../core/gc-decision.js";

/** The runtime's view as the daemon keeps it. */
export interface RuntimeView {
  engine: string;
  /** the ids the runtime lists (Synchronize) and created since, minus those removed */
  ids: ReadonlySet<string>;
}

/** Answers from the daemon's view, or "cannot ask" without one. */
export function nriLiveness(id: string, engine: string, view: RuntimeView | undefined): EngineAnswer {
  if (!view || view.engine !== engine)
    return { kind: "unknown", why: `${engine}: only the NRI plugin daemon (oci-metadata nri) can ask it` };
  return view.ids.has(id)
    ? { kind: "live", why: `${engine}: listed by the runtime` }
    : { kind: "gone", why: `${engine}: not in the runtime's containers` };
}
