// NRI-specific glue for the NRI door: the ContainerAdjustment a plan asks for, and where the
// network of a pod container can be read (the pod sandbox's netns via its pid; NRI 0.8's pod
// IPs when no pid is readable, e.g. containerd 1.7 sends none and a pod without a live pid).
import { create } from "@bufbuild/protobuf";
import type { NetworkEntry } from "../../core/document.js";
import type { Inject } from "../../core/plan.js";
import { netnsReadable } from "../../host/netns.js";
import { type ContainerAdjustment, ContainerAdjustmentSchema } from "../../nri-stub/index.js";
import type { CriPod } from "./pure/cri-view.js";

/** The read-only metadata mount and the env var, as an NRI adjustment. */
export function adjustmentFor(plan: Inject): ContainerAdjustment {
  return create(ContainerAdjustmentSchema, {
    mounts: [
      {
        destination: plan.mount.destination,
        type: plan.mount.type,
        source: plan.mount.source,
        options: [...plan.mount.options, "rprivate"],
      },
    ],
    env: [{ key: plan.env.name, value: plan.env.value }],
  });
}

/** The pid whose netns to read, or the pod's IPs as the engine reports them. */
export async function podNetwork(
  pod: CriPod,
  containerPid?: number,
): Promise<{ pid?: number; engineNetworks?: NetworkEntry[] }> {
  for (const pid of [containerPid, pod.pid]) {
    if (pid && netnsReadable(pid)) return { pid };
  }
  const ips = pod.ips ?? [];
  if (ips.length === 0) return {};
  return {
    engineNetworks: [
      {
        NetworkMode: "pod",
        IPv4Addresses: ips.filter((ip) => !ip.includes(":")),
        IPv6Addresses: ips.filter((ip) => ip.includes(":")),
      },
    ],
  };
}
