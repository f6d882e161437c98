// ContainerView: the normalised facts every door extracts from its input (an OCI spec, a
// podman config, an NRI message, the Docker API), so plan and document never see engine shapes.
import { parseJson } from "./json.js";
import type { Platform } from "./paths.js";

/** One mount as the workload asked for it. */
export interface MountView {
  destination: string;
  source?: string;
  type?: string;
  options?: string[];
}

/** One published port, ECS-shaped. */
export interface PortMapping {
  ContainerPort: number;
  HostPort: number;
  BindIp: string;
  Protocol: "tcp" | "udp" | "sctp";
}

/** What we know about one container, whatever the engine. */
export interface ContainerView {
  /** The runtime's container id. */
  id: string;
  /** Engine-level name (CRI container name, podman/Docker name); undefined when unknown. */
  name?: string;
  /** Docker's name with its leading "/". */
  dockerName?: string;
  /** Task / pod identity; undefined → "default". */
  task?: string;
  /** ECS task definition family and revision (a string, as the ECS agent writes it). */
  taskDefinitionFamily?: string;
  taskDefinitionRevision?: string;
  availabilityZone?: string;
  image?: string;
  imageId?: string;
  cluster?: string;
  networkMode?: string;
  /** Interface → the engine's name of its network (podman: CNI or netavark network). */
  networkNames?: Record<string, string>;
  ports?: PortMapping[];
  annotations: Record<string, string>;
  /** Engine labels (Kubernetes pod labels), for the allow-listed `Labels` key. */
  labels?: Record<string, string>;
  mounts: MountView[];
  env: string[];
  platform: Platform;
  /** Which door produced the view (runc, podman, docker, containerd…). */
  engine: string;
}

// Annotation keys that name things, most specific first (DESIGN §5).
const NAME_KEYS = [
  "oci-metadata.io/name",
  "com.amazonaws.ecs.container-name",
  "io.kubernetes.cri.container-name",
  "io.kubernetes.container.name",
];
const TASK_KEYS = ["oci-metadata.io/task", "com.amazonaws.ecs.task-arn"];
const IMAGE_KEYS = ["oci-metadata.io/image", "io.kubernetes.cri.image-name", "org.opencontainers.image.ref.name"];
const CLUSTER_KEYS = ["oci-metadata.io/cluster", "com.amazonaws.ecs.cluster"];
// The ECS agent labels its containers with the task definition (agent/dockerclient labels).
const FAMILY_KEYS = ["oci-metadata.io/task-definition-family", "com.amazonaws.ecs.task-definition-family"];
const REVISION_KEYS = ["oci-metadata.io/task-definition-revision", "com.amazonaws.ecs.task-definition-version"];
const ZONE_KEYS = ["oci-metadata.io/availability-zone"];

/** First non-empty annotation among keys. */
export function firstAnnotation(annotations: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = annotations[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

/** Task identity from CRI sandbox annotations: `namespace/name/uid`. */
function criTask(a: Record<string, string>): string | undefined {
  const ns = a["io.kubernetes.cri.sandbox-namespace"];
  const name = a["io.kubernetes.cri.sandbox-name"];
  if (!ns || !name) return undefined;
  const uid = a["io.kubernetes.cri.sandbox-uid"];
  return uid ? `${ns}/${name}/${uid}` : `${ns}/${name}`;
}

/** Keys under which a before-create door pins engine facts into the spec, for the hooks. */
export const PINNED = {
  name: "oci-metadata.io/name",
  task: "oci-metadata.io/task",
  image: "oci-metadata.io/image",
  imageId: "oci-metadata.io/image-id",
  dockerName: "oci-metadata.io/docker-name",
  networkMode: "oci-metadata.io/network-mode",
  ports: "oci-metadata.io/ports",
  networkNames: "oci-metadata.io/network-names",
} as const;

type AnnotatedFacts = Pick<
  ContainerView,
  | "name"
  | "task"
  | "image"
  | "imageId"
  | "dockerName"
  | "networkMode"
  | "ports"
  | "cluster"
  | "networkNames"
  | "taskDefinitionFamily"
  | "taskDefinitionRevision"
  | "availabilityZone"
>;

/** Identity fields that annotations can carry, for any door. */
export function identityFromAnnotations(a: Record<string, string>): AnnotatedFacts {
  return {
    name: firstAnnotation(a, NAME_KEYS),
    task: firstAnnotation(a, TASK_KEYS) ?? criTask(a),
    image: firstAnnotation(a, IMAGE_KEYS),
    imageId: firstAnnotation(a, [PINNED.imageId]),
    dockerName: firstAnnotation(a, [PINNED.dockerName]),
    networkMode: firstAnnotation(a, [PINNED.networkMode]),
    ports: parsePorts(a[PINNED.ports]),
    networkNames: parseNames(a[PINNED.networkNames]),
    cluster: firstAnnotation(a, CLUSTER_KEYS),
    taskDefinitionFamily: firstAnnotation(a, FAMILY_KEYS),
    taskDefinitionRevision: firstAnnotation(a, REVISION_KEYS),
    availabilityZone: firstAnnotation(a, ZONE_KEYS),
  };
}

/** Port mappings pinned as JSON; anything malformed is dropped, never half-read. */
export function parsePorts(text: string | undefined): PortMapping[] | undefined {
  if (!text) return undefined;
  const raw = parseJson(text);
  if (!Array.isArray(raw)) return undefined;
  const ok = raw.every(
    (p) =>
      isRecord(p) &&
      Number.isInteger(p.ContainerPort) &&
      Number.isInteger(p.HostPort) &&
      typeof p.BindIp === "string" &&
      p.BindIp !== "" &&
      (p.Protocol === "tcp" || p.Protocol === "udp" || p.Protocol === "sctp"),
  );
  return ok ? (raw as PortMapping[]) : undefined;
}

/** Interface → network name pinned as a JSON object; anything else is dropped. */
export function parseNames(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const raw = parseJson(text);
  const names = stringRecord(raw);
  return Object.keys(names).length > 0 ? names : undefined;
}

/** Builds a view from a raw OCI runtime spec (config.json) as parsed JSON. */
export function viewFromSpec(spec: Record<string, unknown>, id: string, engine: string): ContainerView {
  const annotations = stringRecord(spec.annotations);
  const process = isRecord(spec.process) ? spec.process : {};
  const mounts = Array.isArray(spec.mounts)
    ? spec.mounts
        .filter(isRecord)
        .map(toMountView)
        .filter((m) => m !== undefined)
    : [];
  return {
    id,
    ...identityFromAnnotations(annotations),
    annotations,
    mounts,
    env: Array.isArray(process.env) ? process.env.filter((e): e is string => typeof e === "string") : [],
    platform: isRecord(spec.windows) ? "windows" : "linux",
    engine,
  };
}

function toMountView(m: Record<string, unknown>): MountView | undefined {
  if (typeof m.destination !== "string") return undefined;
  return {
    destination: m.destination,
    source: typeof m.source === "string" ? m.source : undefined,
    type: typeof m.type === "string" ? m.type : undefined,
    options: Array.isArray(m.options) ? m.options.filter((o): o is string => typeof o === "string") : undefined,
  };
}

/** Keeps only string-valued entries of an object. */
export function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  // fromEntries defines own properties, so a hostile "__proto__" key stays a plain key.
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
