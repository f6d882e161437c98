// Facts podman does not put into the OCI config, read where podman keeps them at precreate:
//  - name, image name and image id from containers/storage's `containers.json` in the graph
//    root (found from the container's own userdata mounts, so private roots work);
//  - published ports from the CNI result cache (`/var/lib/cni/results/<net>-<id>-<if>`),
//    written when podman set up the network, before precreate (CNI backend only).
// Every read is best effort: a missing or malformed source leaves the fact out.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PortMapping } from "../../core/container.js";
import { isRecord } from "../../core/container.js";
import { nonEmpty, parseJson, parseJsonObject } from "../../core/json.js";

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
export function podmanLayout(mounts: readonly { destination: string; source?: string }[], cgroupsPath: string | undefined): { id?: string; hostsOwner?: string; roots: string[] } {
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
      name: nonEmpty(meta["name"]) ?? names[0],
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
}

/** Reads the CNI result cache; undefined when the owner has no CNI network (none, host, netavark). */
export async function readCniFacts(netnsOwnerId: string, cacheDir = "/var/lib/cni/results"): Promise<CniFacts | undefined> {
  if (!ID.test(netnsOwnerId)) return undefined;
  const files = listOr(cacheDir).filter((f) => f.includes(`-${netnsOwnerId}-`));
  const facts: CniFacts = { networks: [], ports: [] };
  for (const file of files) {
    const cached = objectOf(readOr(join(cacheDir, file)));
    if (cached.containerId !== netnsOwnerId) continue;
    if (typeof cached.networkName === "string") facts.networks.push(cached.networkName);
    const caps = isRecord(cached.capabilityArgs) ? cached.capabilityArgs : {};
    if (Array.isArray(caps.portMappings)) facts.ports.push(...caps.portMappings.filter(isRecord).flatMap(toPort));
  }
  // Stable order, whatever order the CNI cache kept them in.
  facts.ports.sort((a, b) => a.ContainerPort - b.ContainerPort || a.Protocol.localeCompare(b.Protocol) || a.HostPort - b.HostPort);
  return facts.networks.length > 0 ? facts : undefined;
}

function toPort(p: Record<string, unknown>): PortMapping[] {
  const protocol = typeof p.protocol === "string" ? p.protocol.toLowerCase() : "tcp";
  if (typeof p.containerPort !== "number" || typeof p.hostPort !== "number") return [];
  if (protocol !== "tcp" && protocol !== "udp" && protocol !== "sctp") return [];
  return [{ ContainerPort: p.containerPort, HostPort: p.hostPort, BindIp: typeof p.hostIP === "string" && p.hostIP ? p.hostIP : "0.0.0.0", Protocol: protocol }];
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
function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
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
