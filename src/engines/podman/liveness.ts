// gc's question to podman: is this container instance running? Podman (4.3, rootful) runs
// runc/crun with their default state roots, also with private storage roots (measured), so
// the runtime's state dir answers. A stopped podman container is not "live": its dir is safe
// to remove because `podman start` runs precreate again and claims a fresh dir (measured on
// 4.3). podman's own storage (containers.json) says whether a container exists, not whether
// it runs, and its state database (bolt) cannot be read without podman's locks: not asked.
import type { EngineAnswer } from "../../core/gc-decision.js";
import { readInstance } from "../../host/runtime-state.js";

/** The runtime roots podman's OCI runtimes use (runc, crun defaults). */
const PODMAN_RUNTIME_ROOTS = ["/run/runc", "/run/crun"];

/** Asks podman's runtime state about one container id. */
export async function podmanLiveness(
  id: string,
  roots: readonly string[] = PODMAN_RUNTIME_ROOTS,
): Promise<EngineAnswer> {
  const state = await readInstance(id, roots);
  if (state.kind === "live")
    return { kind: "live", why: `podman: running or created (runtime state in ${state.root})` };
  if (state.kind === "stopped")
    return { kind: "gone", why: `podman: stopped (runtime state in ${state.root}, process gone)` };
  return { kind: "absent", why: `podman: not running (no runtime state in ${roots.join(", ")})` };
}
