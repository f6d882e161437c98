// The metadata document builder (its schema: document-schema.ts). Keys are a superset of the
// ECS agent's file and the seed proposal's. Values an engine cannot know are omitted, never
// invented.
import type { ContainerView } from "./container.js";
import type { ContainerStatus, MetadataDocument, NetworkEntry } from "./document-schema.js";
import { defaultRouteOnly, type HostAddresses } from "./host-network.js";
import type { InterfaceFacts, NetworkFacts } from "./net-parse.js";
import type { Inject } from "./plan.js";

export type { ContainerStatus, MetadataDocument, NetworkEntry };

/** Identity from config: each value wins over what annotations say. */
export interface DocumentIdentity {
  cluster?: string;
  containerInstance?: string;
  availabilityZone?: string;
  hostPrivateIPv4Address?: string;
  hostPublicIPv4Address?: string;
  hostIPv6Address?: string;
}

export interface DocumentInput {
  view: ContainerView;
  plan: Pick<Inject, "task" | "name">;
  identity: DocumentIdentity;
  /** The host's default-route addresses (HostPrivateIPv4Address, HostIPv6Address). */
  host?: HostAddresses;
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
  const { view, identity: id } = input;
  // Host networking: only the interfaces carrying the host's default routes (the rest are
  // other engines' bridges and veths, which no consumer can use).
  const hostMode = view.networkMode === "host";
  const net = input.network && hostMode ? defaultRouteOnly(input.network) : input.network;
  const fromProc = net ? networkEntries(net, view.networkMode, view.networkNames) : undefined;
  // An engine that names no network (e.g. Docker's --network container:x) leaves the netns's
  // view, and so does Docker's "host" network, which carries no addresses (issue 10, finding 1).
  const engine = input.engineNetworks;
  const networks = hostMode
    ? (fromProc ?? (engine ? [] : undefined))
    : engine?.length
      ? mergeByMac(engine, fromProc ?? [])
      : fromProc;
  const primary =
    networks?.find((n) => n.Interface !== undefined && n.Interface === net?.ipv4Gateway?.interface) ??
    networks?.find((n) => n.IPv4Addresses.length > 0) ??
    networks?.[0];
  const doc: MetadataDocument = {
    Version: "v1",
    Status: input.status,
    MetadataFileStatus: networks ? "READY" : undefined,
    Cluster: opt(id.cluster) ?? opt(view.cluster),
    ContainerInstanceARN: opt(id.containerInstance),
    TaskARN: input.plan.task,
    TaskDefinitionFamily: opt(view.taskDefinitionFamily),
    TaskDefinitionRevision: opt(view.taskDefinitionRevision),
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
    AvailabilityZone: opt(id.availabilityZone) ?? opt(view.availabilityZone),
    HostPrivateIPv4Address: opt(id.hostPrivateIPv4Address) ?? input.host?.privateIPv4,
    HostPublicIPv4Address: opt(id.hostPublicIPv4Address),
    HostIPv6Address: opt(id.hostIPv6Address) ?? input.host?.ipv6,
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

/** One ECS-style entry per non-loopback interface; link-local IPv6 is left out (not routable).
 * An entry's NetworkMode is its network's name when the engine named it (by interface or by
 * address), else the mode. */
export function networkEntries(
  net: NetworkFacts,
  mode: string | undefined,
  names?: Record<string, string>,
): NetworkEntry[] {
  return net.interfaces.map((i: InterfaceFacts) => {
    const v6 = i.ipv6.filter((a) => a.scope === "global" || a.scope === "site");
    return {
      NetworkMode:
        opt(names?.[i.name] ?? names?.[i.ipv4[0]?.address ?? ""] ?? names?.[i.ipv6[0]?.address ?? ""]) ?? opt(mode),
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
    return {
      ...e,
      Interface: e.Interface ?? p.Interface,
      IPv4CIDRs: e.IPv4CIDRs ?? p.IPv4CIDRs,
      IPv6CIDRs: e.IPv6CIDRs ?? p.IPv6CIDRs,
      IPv6Addresses: e.IPv6Addresses.length ? e.IPv6Addresses : p.IPv6Addresses,
    };
  });
}

/** Annotations whose key is listed exactly, or matches a listed prefix ending in `*`. */
export function pickAnnotations(
  all: Record<string, string>,
  allow: readonly string[],
): Record<string, string> | undefined {
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

/** True when two files say the same apart from LastUpdatedAt: such a rewrite is skipped, so a
 * consumer watching the dir is woken only by a real change. */
export function sameContent(a: string, b: string): boolean {
  const strip = (text: string): string | undefined => {
    try {
      const doc = JSON.parse(text) as Record<string, unknown>;
      if (typeof doc !== "object" || doc === null) return undefined;
      delete doc.LastUpdatedAt;
      return JSON.stringify(doc);
    } catch {
      return undefined;
    }
  };
  const x = strip(a);
  return x !== undefined && x === strip(b);
}

/** The document as written to disk: tab-indented like the ECS agent, with a final newline. */
export function serializeDocument(doc: MetadataDocument): string {
  return `${JSON.stringify(doc, null, "\t")}\n`;
}

/** NetworkMode where it is knowable without the engine: host netns, or an empty own netns. */
export function deriveNetworkMode(
  sharesHost: boolean,
  net: NetworkFacts | undefined,
  annotated: string | undefined,
): string | undefined {
  if (annotated) return annotated;
  if (sharesHost) return "host";
  if (net && net.interfaces.length === 0) return "none";
  return undefined;
}
