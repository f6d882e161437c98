// What a kubelet does with a DaemonSet's pod template, done through CRI on a test containerd
// (no kubelet runs here): RunPodSandbox with the template's host namespaces, labels,
// annotations and ports; CreateContainer with its image, command/args, env (downward API
// fieldRefs filled in as the kubelet fills them), securityContext, resources and volume mounts
// (hostPath as given; configMap volumes written to a dir and mounted read-only). Nothing is
// added that the template does not declare.
//
// relocate() is the one liberty, the same an overlay would take: the two hostPath dirs move
// under the test containerd's dir (its NRI socket dir, a private hostRoot), so nothing is
// written under /var on the test machine.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import type { Containerd } from "../../lib/containerd.js";
import {
  NamespaceMode,
  type PodSandboxConfig,
  PodSandboxConfigSchema,
  SecurityProfile_ProfileType,
} from "../../lib/cri.js";
import type { K8sObject } from "./manifests.js";

/** Rewrites the hostPath dirs of the DaemonSet (and hostRoot in its ConfigMap) to test dirs. */
export function relocate(objects: K8sObject[], to: { nriDir: string; hostRoot: string }): K8sObject[] {
  const out = structuredClone(objects);
  const ds = out.find((o) => o.kind === "DaemonSet")!;
  const cm = out.find((o) => o.kind === "ConfigMap")!;
  const config = JSON.parse(cm.data["config.json"]);
  const pod = ds.spec.template.spec;
  for (const v of pod.volumes) {
    if (!v.hostPath) continue;
    if (v.hostPath.path === config.hostRoot) {
      for (const c of pod.containers) for (const m of c.volumeMounts) if (m.name === v.name) m.mountPath = to.hostRoot;
      v.hostPath.path = to.hostRoot;
    } else v.hostPath.path = to.nriDir;
  }
  config.hostRoot = to.hostRoot;
  cm.data["config.json"] = JSON.stringify(config);
  return out;
}

export interface RunningPod {
  podId: string;
  containerId: string;
  name: string;
  podIP: string;
}

/** Runs one pod of the DaemonSet on `cd` as a kubelet on node `nodeName` would. */
export async function runDaemonSetPod(cd: Containerd, objects: K8sObject[], nodeName: string): Promise<RunningPod> {
  const ds = objects.find((o) => o.kind === "DaemonSet")!;
  const tpl = ds.spec.template;
  const spec = tpl.spec;
  const uid = randomUUID();
  const name = `${ds.metadata.name}-${uid.slice(0, 5)}`;
  const namespace = ds.metadata.namespace ?? "default";
  const podDir = join(cd.dir, "kubelet", uid);
  const logDirectory = join(podDir, "logs");
  mkdirSync(logDirectory, { recursive: true });
  const ns = {
    network: spec.hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD,
    pid: spec.hostPID ? NamespaceMode.NODE : spec.shareProcessNamespace ? NamespaceMode.POD : NamespaceMode.CONTAINER,
    ipc: spec.hostIPC ? NamespaceMode.NODE : NamespaceMode.POD,
  };
  const ports = spec.containers.flatMap((c: any) =>
    (c.ports ?? []).map((p: any) => ({ containerPort: p.containerPort, hostPort: p.hostPort ?? 0 })),
  );
  const podConfig: PodSandboxConfig = create(PodSandboxConfigSchema, {
    metadata: { name, uid, namespace, attempt: 0 },
    hostname: spec.hostNetwork ? nodeName : name,
    logDirectory,
    portMappings: ports,
    labels: {
      ...tpl.metadata.labels,
      "io.kubernetes.pod.name": name,
      "io.kubernetes.pod.namespace": namespace,
      "io.kubernetes.pod.uid": uid,
    },
    annotations: { ...(tpl.metadata.annotations ?? {}) },
    linux: { securityContext: { namespaceOptions: ns } },
  });
  const { podSandboxId } = await cd.cri.runPodSandbox({ config: podConfig }, { timeoutMs: 120_000 });
  const [c, ...more] = spec.containers;
  if (more.length > 0 || spec.initContainers) throw new Error("kubelet.ts runs one container per pod");
  const sc = c.securityContext ?? {};
  const config = {
    metadata: { name: c.name, attempt: 0 },
    image: { image: c.image },
    command: c.command ?? [],
    args: c.args ?? [],
    envs: (c.env ?? []).map((e: any) => ({ key: e.name, value: envValue(e, { nodeName, name, namespace, uid }) })),
    mounts: (c.volumeMounts ?? []).map((m: any) => ({
      containerPath: m.mountPath,
      hostPath: volumeSource(spec, m.name, podDir, objects),
      readonly: m.readOnly ?? false,
    })),
    labels: { "io.kubernetes.container.name": c.name },
    annotations: {},
    logPath: `${c.name}/0.log`,
    linux: {
      resources: resources(c.resources ?? {}),
      securityContext: {
        capabilities: { addCapabilities: sc.capabilities?.add ?? [], dropCapabilities: sc.capabilities?.drop ?? [] },
        privileged: sc.privileged ?? false,
        namespaceOptions: ns,
        ...(sc.runAsUser === undefined ? {} : { runAsUser: { value: BigInt(sc.runAsUser) } }),
        ...(sc.runAsGroup === undefined ? {} : { runAsGroup: { value: BigInt(sc.runAsGroup) } }),
        readonlyRootfs: sc.readOnlyRootFilesystem ?? false,
        noNewPrivs: sc.allowPrivilegeEscalation === false,
        seccomp: { profileType: seccomp(sc.seccompProfile?.type) },
      },
    },
  };
  mkdirSync(join(logDirectory, c.name), { recursive: true });
  const { containerId } = await cd.cri.createContainer(
    { podSandboxId, config, sandboxConfig: podConfig },
    { timeoutMs: 120_000 },
  );
  await cd.cri.startContainer({ containerId }, { timeoutMs: 120_000 });
  const { status } = await cd.cri.podSandboxStatus({ podSandboxId });
  return { podId: podSandboxId, containerId, name, podIP: status?.network?.ip ?? "" };
}

/** Deletes the pod as a kubelet does: StopContainer with the grace period, then the sandbox. Returns the exit code. */
export async function deleteDaemonSetPod(cd: Containerd, objects: K8sObject[], pod: RunningPod): Promise<number> {
  const grace = objects.find((o) => o.kind === "DaemonSet")!.spec.template.spec.terminationGracePeriodSeconds ?? 30;
  await cd.cri.stopContainer(
    { containerId: pod.containerId, timeout: BigInt(grace) },
    { timeoutMs: (grace + 30) * 1000 },
  );
  const { status } = await cd.cri.containerStatus({ containerId: pod.containerId });
  await cd.removePod(pod.podId);
  return status?.exitCode ?? -1;
}

// The env values a kubelet resolves (value, or the downward API fields used here).
function envValue(e: any, pod: { nodeName: string; name: string; namespace: string; uid: string }): string {
  if (e.value !== undefined) return e.value;
  const field = e.valueFrom?.fieldRef?.fieldPath;
  const known: Record<string, string> = {
    "spec.nodeName": pod.nodeName,
    "metadata.name": pod.name,
    "metadata.namespace": pod.namespace,
    "metadata.uid": pod.uid,
  };
  if (field in known) return known[field]!;
  throw new Error(`kubelet.ts cannot resolve env ${e.name} from ${JSON.stringify(e.valueFrom)}`);
}

// The host side of a volume mount: a hostPath as is; a configMap written to the pod's dir.
function volumeSource(spec: any, volume: string, podDir: string, objects: K8sObject[]): string {
  const v = spec.volumes.find((x: any) => x.name === volume);
  if (v?.hostPath) {
    if (v.hostPath.type === "DirectoryOrCreate") mkdirSync(v.hostPath.path, { recursive: true, mode: 0o755 });
    return v.hostPath.path;
  }
  if (v?.configMap) {
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === v.configMap.name);
    if (!cm) throw new Error(`ConfigMap ${v.configMap.name} not rendered`);
    const dir = join(podDir, "volumes", volume);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(cm.data ?? {})) writeFileSync(join(dir, file), text as string);
    return dir;
  }
  throw new Error(`kubelet.ts cannot mount volume ${volume}`);
}

// Resource limits as the kubelet passes them (cgroup v1 shares, CFS quota over 100 ms).
function resources(r: { requests?: Record<string, string>; limits?: Record<string, string> }) {
  const cpu = (q?: string) =>
    q === undefined ? undefined : q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q);
  const bytes = (q?: string) => {
    const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q ?? "");
    return m ? Number(m[1]) * { "": 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] ?? ""]! : 0;
  };
  const request = cpu(r.requests?.cpu);
  const limit = cpu(r.limits?.cpu);
  return {
    cpuShares: BigInt(Math.max(2, Math.round((request ?? 0) * 1024))),
    cpuPeriod: limit === undefined ? 0n : 100_000n,
    cpuQuota: limit === undefined ? 0n : BigInt(Math.round(limit * 100_000)),
    memoryLimitInBytes: BigInt(bytes(r.limits?.memory)),
  };
}

function seccomp(type: string | undefined): SecurityProfile_ProfileType {
  if (type === "RuntimeDefault") return SecurityProfile_ProfileType.RuntimeDefault;
  if (type === undefined || type === "Unconfined") return SecurityProfile_ProfileType.Unconfined;
  throw new Error(`kubelet.ts does not handle seccomp ${type}`);
}
