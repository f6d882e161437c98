// The metadata document builder (its schema: document-schema.ts). Keys are a superset of the
// ECS agent's file and the seed proposal's. Values an engine cannot know are omitted, never
// invented.
import type { ContainerView } from "./container.js";
import type { ContainerStatus, MetadataDocument, NetworkEntry } from "./document-schema.js";
import type { InterfaceFacts, NetworkFacts } from "./net-parse.js";
import type { Inject } from "./plan.js";

export type { ContainerStatus, MetadataDocument, NetworkEntry };

export interface DocumentInput {
  view: ContainerView;
  plan: Pick<Inject, "task" | "name">;
  identity: { cluster?: string; containerInstance?: string };
  /** undefined: network unknown (not read, or unreadable) → the file is not READY. */
  network?: NetworkFacts;
  /** Networks as the engine names them (Docker: one per network); merged with `network` by MAC. */
  engineNetworks?: NetworkEntry[];
  status: ContainerStatus;
  annotationsToInclude: readonly string[];
  now: Date;
}

/** Builds the document; READY when the network is known (identity is always there). */
export function buildDocument(input: DocumentInput): MetadataDocument {
  const { view, network: net } = input;
  const fromProc = net ? networkEntries(net, view.networkMode) : undefined;
  // An engine that names no network (e.g. Docker's --network container:x) leaves the netns's view.
  const networks = input.engineNetworks?.length ? mergeByMac(input.engineNetworks, fromProc ?? []) : fromProc;
  const primary = networks?.find((n) => n.Interface !== undefined && n.Interface === net?.ipv4Gateway?.interface) ?? networks?.find((n) => n.IPv4Addresses.length > 0) ?? networks?.[0];
  const doc: MetadataDocument = {
    Version: "v1",
    Status: input.status,
    MetadataFileStatus: networks ? "READY" : undefined,
    Cluster: opt(input.identity.cluster) ?? opt(view.cluster),
    ContainerInstanceARN: opt(input.identity.containerInstance),
    TaskARN: input.plan.task,
    ContainerName: input.plan.name,
    ContainerID: view.id,
    DockerContainerName: opt(view.dockerName),
    ImageName: opt(view.image),
    ImageID: opt(view.imageId),
    PortMappings: view.ports,
    Networks: networks,
    NetworkMode: opt(view.networkMode),
    IPAddress: primary?.IPv4Addresses[0],
    Gateway: net?.ipv4Gateway?.address ?? primary?.IPv4Gateway,
    IPv6Address: primary?.IPv6Addresses[0] ?? networks?.find((n) => n.IPv6Addresses.length > 0)?.IPv6Addresses[0],
    IPv6Gateway: net?.ipv6Gateway?.address ?? networks?.find((n) => n.IPv6Gateway)?.IPv6Gateway,
    Annotations: pickAnnotations(view.annotations, input.annotationsToInclude),
    Labels: view.labels ? pickAnnotations(view.labels, input.annotationsToInclude) : undefined,
    Engine: view.engine,
    LastUpdatedAt: input.now.toISOString(),
  };
  return dropEmpty(doc);
}

// An optional string: "" means unknown, like undefined.
function opt(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

/** One ECS-style entry per non-loopback interface; link-local IPv6 is left out (not routable). */
export function networkEntries(net: NetworkFacts, mode: string | undefined): NetworkEntry[] {
  return net.interfaces.map((i: InterfaceFacts) => {
    const v6 = i.ipv6.filter((a) => a.scope === "global" || a.scope === "site");
    return {
      NetworkMode: opt(mode),
      Interface: i.name,
      MACAddress: i.mac,
      IPv4Addresses: i.ipv4.map((a) => a.address),
      IPv6Addresses: v6.map((a) => a.address),
      IPv4CIDRs: i.ipv4.map((a) => `${a.address}/${a.prefix}`),
      IPv6CIDRs: v6.map((a) => `${a.address}/${a.prefix}`),
      IPv4Gateway: net.ipv4Gateway?.interface === i.name ? net.ipv4Gateway.address : undefined,
      IPv6Gateway: net.ipv6Gateway?.interface === i.name ? net.ipv6Gateway.address : undefined,
    };
  });
}

/** Engine entries, completed with the interface name and CIDRs the netns shows for the same MAC. */
export function mergeByMac(engine: readonly NetworkEntry[], proc: readonly NetworkEntry[]): NetworkEntry[] {
  return engine.map((e) => {
    const mac = e.MACAddress?.toLowerCase();
    const p = mac ? proc.find((x) => x.MACAddress?.toLowerCase() === mac) : undefined;
    if (!p) return e;
    return { ...e, Interface: e.Interface ?? p.Interface, IPv4CIDRs: e.IPv4CIDRs ?? p.IPv4CIDRs, IPv6CIDRs: e.IPv6CIDRs ?? p.IPv6CIDRs, IPv6Addresses: e.IPv6Addresses.length ? e.IPv6Addresses : p.IPv6Addresses };
  });
}

/** Annotations whose key is listed exactly, or matches a listed prefix ending in `*`. */
export function pickAnnotations(all: Record<string, string>, allow: readonly string[]): Record<string, string> | undefined {
  if (allow.length === 0) return undefined;
  const matches = (key: string) => allow.some((a) => (a.endsWith("*") ? key.startsWith(a.slice(0, -1)) : key === a));
  const picked = Object.entries(all).filter(([k]) => matches(k));
  return picked.length > 0 ? Object.fromEntries(picked) : undefined;
}

// ECS omits unknown values (Go omitempty); so do we, at the top level and in entries. Only
// undefined is dropped: a required key is never lost because its value happens to be "".
function dropEmpty<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((e) => (typeof e === "object" && e !== null ? dropEmpty(e) : e)) : v;
  }
  return out as T;
}

/** The document as written to disk: tab-indented like the ECS agent, with a final newline. */
export function serializeDocument(doc: MetadataDocument): string {
  return `${JSON.stringify(doc, null, "\t")}\n`;
}

/** NetworkMode where it is knowable without the engine: host netns, or an empty own netns. */
export function deriveNetworkMode(sharesHost: boolean, net: NetworkFacts | undefined, annotated: string | undefined): string | undefined {
  if (annotated) return annotated;
  if (sharesHost) return "host";
  if (net && net.interfaces.length === 0) return "none";
  return undefined;
}
