// Facts podman does not put into the OCI config, read where podman keeps them at precreate:
//  - name, image name and image id from containers/storage's `containers.json` in the graph
//    root (found from the container's own userdata mounts, so private roots work);
//  - published ports from the CNI result cache (`/var/lib/cni/results/<net>-<id>-<if>`),
//    written when podman set up the network, before precreate (CNI backend only);
//  - with netavark: ports and network names from the libpod database (pure/libpod-db.ts).
// Every read is best effort: a missing or malformed source leaves the fact out.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { PortMapping } from "../../core/container.js";
import { isRecord } from "../../core/container.js";
import { nonEmpty, parseJson, parseJsonObject } from "../../core/json.js";
import {
  aardvarkNames,
  networkModeFromLibpodDb,
  networkNamesFromLibpodDb,
  portsFromLibpodDb,
} from "./pure/libpod-db.js";

/** What containers/storage knows about one container. */
export interface StorageFacts {
  name?: string;
  image?: string;
  imageId?: string;
}

const ID = /^[0-9a-f]{64}$/;
const USERDATA = /^(.*)\/overlay-containers\/([0-9a-f]{64})\/userdata\//;

/** The container id and storage roots podman encoded in its userdata mount sources. In a pod,
 * /etc/hosts, resolv.conf and /dev/shm come from the infra container, so the id is taken from
 * the container's own /run/.containerenv, else its cgroup path — never the first mount — and
 * /etc/hosts names the owner of the network namespace (the infra container in a pod). */
export function podmanLayout(
  mounts: readonly { destination: string; source?: string }[],
  cgroupsPath: string | undefined,
): { id?: string; hostsOwner?: string; roots: string[] } {
  const roots = new Set<string>();
  let own: string | undefined;
  let hostsOwner: string | undefined;
  for (const m of mounts) {
    const match = USERDATA.exec(m.source ?? "");
    if (!match) continue;
    roots.add(match[1]!);
    if (m.destination === "/run/.containerenv") own = match[2];
    if (m.destination === "/etc/hosts") hostsOwner = match[2];
  }
  // cgroupfs: …/libpod-<id>; systemd: <slice>:libpod:<id>; --cgroups=split: …/libpod-payload-<id>.
  const fromCgroup = /libpod(?:-payload)?[-:]([0-9a-f]{64})/.exec(cgroupsPath ?? "")?.[1];
  return { id: own ?? fromCgroup, hostsOwner, roots: [...roots] };
}

/** Looks the container up in `<root>/overlay-containers/containers.json` of each root. */
export async function readStorageFacts(roots: readonly string[], id: string): Promise<StorageFacts> {
  for (const root of roots) {
    const text = readOr(join(root, "overlay-containers", "containers.json"));
    const entry = listOf(text).find((c) => isRecord(c) && c.id === id);
    if (!isRecord(entry)) continue;
    const meta = objectOf(typeof entry.metadata === "string" ? entry.metadata : "");
    const names = Array.isArray(entry.names) ? entry.names.filter((n): n is string => typeof n === "string") : [];
    return {
      name: nonEmpty(meta.name) ?? names[0],
      image: nonEmpty(meta["image-name"]),
      imageId: withAlgo(nonEmpty(meta["image-id"]) ?? nonEmpty(entry.image)),
    };
  }
  return {};
}

/** What the CNI cache holds for a netns owner (the container, or its pod's infra). */
export interface CniFacts {
  networks: string[];
  ports: PortMapping[];
  /** Interface → network name (the cache's ifName and networkName). */
  names: Record<string, string>;
}

/** Reads the CNI result cache; undefined when the owner has no CNI network (none, host, netavark). */
export async function readCniFacts(
  netnsOwnerId: string,
  cacheDir = "/var/lib/cni/results",
): Promise<CniFacts | undefined> {
  if (!ID.test(netnsOwnerId)) return undefined;
  const files = listOr(cacheDir).filter((f) => f.includes(`-${netnsOwnerId}-`));
  const facts: CniFacts = { networks: [], ports: [], names: {} };
  for (const file of files) {
    const cached = objectOf(readOr(join(cacheDir, file)));
    if (cached.containerId !== netnsOwnerId) continue;
    if (typeof cached.networkName === "string") facts.networks.push(cached.networkName);
    if (typeof cached.networkName === "string" && typeof cached.ifName === "string")
      facts.names[cached.ifName] = cached.networkName;
    const caps = isRecord(cached.capabilityArgs) ? cached.capabilityArgs : {};
    if (Array.isArray(caps.portMappings)) facts.ports.push(...caps.portMappings.filter(isRecord).flatMap(toPort));
  }
  // Stable order, whatever order the CNI cache kept them in.
  facts.ports.sort(
    (a, b) => a.ContainerPort - b.ContainerPort || a.Protocol.localeCompare(b.Protocol) || a.HostPort - b.HostPort,
  );
  return facts.networks.length > 0 ? facts : undefined;
}

/** What the libpod database says (netavark): ports and interface → network name. */
export interface LibpodDbFacts {
  ports?: PortMapping[];
  /** Interface or address → network name. */
  names?: Record<string, string>;
  mode?: string;
}

const MAX_DB_BYTES = 64 << 20;

/** Reads `<graphroot>/libpod/bolt_state.db` of the first root that has one (see pure/libpod-db.ts). */
export function readLibpodDbFacts(roots: readonly string[], id: string): LibpodDbFacts {
  if (!ID.test(id)) return {};
  for (const root of roots) {
    const path = join(root, "libpod", "bolt_state.db");
    const size = sizeOr(path);
    if (size < 0 || size > MAX_DB_BYTES) continue;
    const text = readOr(path, "latin1");
    const names = { ...readAardvarkNames(id), ...networkNamesFromLibpodDb(text, id) };
    return {
      ports: portsFromLibpodDb(text, id),
      names: Object.keys(names).length > 0 ? names : undefined,
      mode: networkModeFromLibpodDb(text, id),
    };
  }
  return {};
}

// netavark's DNS config names the networks (with DNS on) the container's addresses are on;
// written when the network is set up, before precreate. The built-in "podman" network has
// DNS off, so it is not there.
function readAardvarkNames(id: string, dir = "/run/containers/networks/aardvark-dns"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const network of listOr(dir)) {
    if (network.startsWith("aardvark") || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(network)) continue;
    Object.assign(out, aardvarkNames(readOr(join(dir, network)), network, id));
  }
  return out;
}

function toPort(p: Record<string, unknown>): PortMapping[] {
  const protocol = typeof p.protocol === "string" ? p.protocol.toLowerCase() : "tcp";
  if (typeof p.containerPort !== "number" || typeof p.hostPort !== "number") return [];
  if (protocol !== "tcp" && protocol !== "udp" && protocol !== "sctp") return [];
  return [
    {
      ContainerPort: p.containerPort,
      HostPort: p.hostPort,
      BindIp: typeof p.hostIP === "string" && p.hostIP ? p.hostIP : "0.0.0.0",
      Protocol: protocol,
    },
  ];
}

function withAlgo(id: string | undefined): string | undefined {
  return id && /^[0-9a-f]{64}$/.test(id) ? `sha256:${id}` : id;
}

function objectOf(text: string): Record<string, unknown> {
  return parseJsonObject(text) ?? {};
}

function listOf(text: string): unknown[] {
  const v = parseJson(text);
  return Array.isArray(v) ? v : [];
}

// Blocking reads (a hook does one thing at a time; no thread-pool round trip): "" / [] when
// the file or dir cannot be read.
function sizeOr(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

function readOr(path: string, encoding: BufferEncoding = "utf8"): string {
  try {
    return readFileSync(path, encoding);
  } catch {
    return "";
  }
}

function listOr(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
