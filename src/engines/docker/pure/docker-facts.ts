// Docker-level facts from Docker's own JSON: the Engine API's container inspect (after start)
// and the container's config.v2.json / hostconfig.json (at create, when the API must not be
// asked: dockerd holds the container's lock while it calls the runtime). Pure: text in,
// facts out; anything malformed is left out, never guessed.
import { isRecord, type PortMapping, stringRecord } from "../../../core/container.js";
import type { NetworkEntry } from "../../../core/document.js";
import { nonEmpty } from "../../../core/json.js";

/** What Docker knows about a container that the OCI spec does not carry. */
export interface DockerFacts {
  id?: string;
  /** Docker's name with its leading "/". */
  dockerName?: string;
  image?: string;
  imageId?: string;
  labels: Record<string, string>;
  networkMode?: string;
  ports?: PortMapping[];
  networks?: NetworkEntry[];
  pid?: number;
  running?: boolean;
  /** `--volumes-from` entries: container names or ids, with an optional `:ro`/`:rw`. */
  volumesFrom: string[];
}

/** Facts from `GET /containers/{id}/json` or config.v2.json (same shape for what we read). */
export function dockerFactsFromInspect(json: unknown, hostConfig?: unknown): DockerFacts {
  const c = isRecord(json) ? json : {};
  const config = isRecord(c.Config) ? c.Config : {};
  const host = isRecord(hostConfig) ? hostConfig : isRecord(c.HostConfig) ? c.HostConfig : {};
  const settings = isRecord(c.NetworkSettings) ? c.NetworkSettings : {};
  const state = isRecord(c.State) ? c.State : {};
  const mode = nonEmpty(host.NetworkMode);
  return {
    id: nonEmpty(c.Id) ?? nonEmpty(c.ID),
    dockerName: nonEmpty(c.Name),
    image: nonEmpty(config.Image),
    imageId: nonEmpty(c.Image),
    labels: stringRecord(config.Labels),
    networkMode: mode === "default" ? "bridge" : mode,
    ports: portsOf(settings.Ports),
    networks: networksOf(settings.Networks),
    pid: typeof state.Pid === "number" && state.Pid > 0 ? state.Pid : undefined,
    running: typeof state.Running === "boolean" ? state.Running : undefined,
    volumesFrom: Array.isArray(host.VolumesFrom)
      ? host.VolumesFrom.filter((v): v is string => typeof v === "string")
      : [],
  };
}

/** Docker's `{"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32768"}]}` → ECS PortMappings. */
export function portsOf(value: unknown): PortMapping[] | undefined {
  if (!isRecord(value)) return undefined;
  const out: PortMapping[] = [];
  for (const [key, bindings] of Object.entries(value)) {
    const m = /^(\d+)\/(tcp|udp|sctp)$/.exec(key);
    if (!m || !Array.isArray(bindings)) continue;
    const containerPort = port(m[1]);
    if (containerPort === undefined) continue;
    for (const b of bindings.filter(isRecord)) {
      const hostPort = port(b.HostPort);
      if (hostPort === undefined) continue;
      out.push({
        ContainerPort: containerPort,
        HostPort: hostPort,
        BindIp: nonEmpty(b.HostIp) ?? "0.0.0.0",
        Protocol: m[2] as PortMapping["Protocol"],
      });
    }
  }
  return out;
}

/** One ECS network entry per Docker network, named by the network. */
export function networksOf(value: unknown): NetworkEntry[] | undefined {
  if (!isRecord(value)) return undefined;
  return Object.entries(value).flatMap(([name, n]) => {
    if (!isRecord(n)) return [];
    const v4 = nonEmpty(n.IPAddress);
    const v6 = nonEmpty(n.GlobalIPv6Address);
    const entry: NetworkEntry = {
      NetworkMode: name,
      MACAddress: nonEmpty(n.MacAddress),
      IPv4Addresses: v4 ? [v4] : [],
      IPv6Addresses: v6 ? [v6] : [],
      IPv4CIDRs: v4 && typeof n.IPPrefixLen === "number" && n.IPPrefixLen > 0 ? [`${v4}/${n.IPPrefixLen}`] : undefined,
      IPv6CIDRs:
        v6 && typeof n.GlobalIPv6PrefixLen === "number" && n.GlobalIPv6PrefixLen > 0
          ? [`${v6}/${n.GlobalIPv6PrefixLen}`]
          : undefined,
      IPv4Gateway: nonEmpty(n.Gateway),
      IPv6Gateway: nonEmpty(n.IPv6Gateway),
    };
    return [entry];
  });
}

/** A `--volumes-from` entry's container reference, without its `:ro`/`:rw` mode. */
export function volumesFromRef(entry: string): string {
  return entry.replace(/:(ro|rw)$/, "");
}

// A TCP/UDP port as Docker writes it: decimal digits, 1..65535; anything else is not a port.
function port(v: unknown): number | undefined {
  if (typeof v !== "string" || !/^\d{1,5}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1 && n <= 65535 ? n : undefined;
}
