// gc's question to runc/crun (files whose Engine is `runc`, or `oci` for hooks registered by
// hand): does the runtime still hold this container instance? Answered from the runtime's own
// state dirs (host/runtime-state.ts). The OCI state a hook receives carries no runtime root,
// so a container made with a private `--root` is not found here: gc then relies on the
// kernel's mount view, which sees every live container whatever its root.
import type { EngineAnswer } from "../../core/gc-decision.js";
import { DEFAULT_RUNTIME_ROOTS, readInstance } from "../../host/runtime-state.js";

/** Asks the runtime state dirs about one container id. */
export async function runcLiveness(
  id: string,
  roots: readonly string[] = DEFAULT_RUNTIME_ROOTS,
): Promise<EngineAnswer> {
  const state = await readInstance(id, roots);
  if (state.kind === "live")
    return { kind: "live", why: `runc: running or created in ${state.root} (pid ${state.pid})` };
  if (state.kind === "stopped")
    return { kind: "gone", why: `runc: stopped in ${state.root} (its process is gone; delete never ran)` };
  return { kind: "absent", why: `runc: no state in ${roots.join(", ")}` };
}
