// ContainerView for a CRI container as NRI describes it (containerd, CRI-O): task = pod
// (namespace/name/uid), name = CRI container name, image from the CRI annotation, and the
// pod's annotations under the container's own (Kubernetes users annotate pods, not CRI
// containers). The shapes below are the fields we read; NRI's generated types fit them.
import type { ContainerView, MountView } from "../../../core/container.js";
import { identityFromAnnotations } from "../../../core/container.js";

/** The pod fields we read. */
export interface CriPod {
  id: string;
  name: string;
  uid: string;
  namespace: string;
  labels: { [key: string]: string };
  annotations: { [key: string]: string };
  pid: number;
  ips?: string[];
}

/** The container fields we read. */
export interface CriContainer {
  id: string;
  podSandboxId: string;
  name: string;
  annotations: { [key: string]: string };
  env: string[];
  mounts: { destination: string; source: string; type: string; options: string[] }[];
  pid: number;
}

/** The task identity of a pod: namespace/name/uid. */
export function podTask(pod: Pick<CriPod, "namespace" | "name" | "uid">): string {
  return [pod.namespace, pod.name, pod.uid].filter(Boolean).join("/");
}

/** The view of one CRI container; `engine` is the runtime's name (containerd, cri-o). */
export function viewFromCri(pod: CriPod, ctr: CriContainer, engine: string): ContainerView {
  const annotations = { ...pod.annotations, ...ctr.annotations };
  const named = identityFromAnnotations(annotations);
  return {
    id: ctr.id,
    ...named,
    // An explicit oci-metadata.io/name or task wins; otherwise the CRI facts.
    name: annotations["oci-metadata.io/name"] || ctr.name || named.name,
    task: annotations["oci-metadata.io/task"] || podTask(pod),
    annotations,
    labels: { ...pod.labels },
    mounts: ctr.mounts.map(
      (m): MountView => ({ destination: m.destination, source: m.source, type: m.type, options: [...m.options] }),
    ),
    env: [...ctr.env],
    platform: "linux",
    engine,
  };
}
