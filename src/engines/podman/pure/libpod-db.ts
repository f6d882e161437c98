// Facts podman 4.3 keeps only in its libpod database (graphroot/libpod/bolt_state.db) when
// the network backend is netavark (with CNI they are also in the CNI result cache):
//  - published ports: the container's config JSON (`newPortMappings`), written at create and
//    never changed afterwards;
//  - which network each interface belongs to: the `networkStatus` of the container's state
//    JSON (names the container by its `configPath`).
// BoltDB stores every value contiguously (a value larger than a page spills into contiguous
// overflow pages) and copies pages on write, so the file may hold stale copies of a value next
// to the current one. We therefore scan the bytes for JSON objects instead of walking the
// B+tree: the config is immutable, so every copy agrees; for the state, copies that disagree
// on the interface → network map leave the names out. Pure: the file's text (latin1, byte for
// byte) in, facts out; nothing here throws.
import { isRecord, type PortMapping } from "../../../core/container.js";
import { parseJsonObject } from "../../../core/json.js";

/** Longest JSON object followed; podman's container config is a few kB. */
const MAX_OBJECT = 1 << 20;

/** Every balanced JSON object that starts with `prefix` in text, as parsed values. */
export function objectsStartingWith(text: string, prefix: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
    const end = objectEnd(text, at);
    const v = end < 0 ? undefined : parseJsonObject(text.slice(at, end));
    if (v) out.push(v);
  }
  return out;
}

/** The objects starting with `prefix` that hold `needle` (the container's id in some form)
 * and that `keep` accepts: found from each occurrence of the needle back to the nearest
 * object that encloses it (stepping over objects nested in it), so only the objects that
 * mention this container are walked, not every container's in the database (a char loop over
 * a large file costs milliseconds in a short-lived process). When none is kept, every object
 * is scanned, as objectsStartingWith does. */
export function objectsHolding(
  text: string,
  prefix: string,
  needle: string,
  keep: (o: Record<string, unknown>) => boolean,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<number>();
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    for (let start = text.lastIndexOf(prefix, at); start >= 0 && at - start <= MAX_OBJECT; ) {
      const end = objectEnd(text, start);
      if (end >= at + needle.length) {
        if (!seen.has(start)) {
          seen.add(start);
          const v = parseJsonObject(text.slice(start, end));
          if (v && keep(v)) out.push(v);
        }
        break;
      }
      start = start > 0 ? text.lastIndexOf(prefix, start - 1) : -1; // nested, or not around it
    }
  }
  return out.length > 0 ? out : objectsStartingWith(text, prefix).filter(keep);
}

// Index after the `}` closing the object that opens at `start`; -1 if none within MAX_OBJECT.
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  const limit = Math.min(text.length, start + MAX_OBJECT);
  for (let i = start; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i + 1;
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return -1; // binary: not JSON
  }
  return -1;
}

/** The network mode podman recorded in the container's config ("bridge", "host", "none", …). */
export function networkModeFromLibpodDb(text: string, id: string): string | undefined {
  const config = configOf(text, id);
  return typeof config?.networkMode === "string" && config.networkMode !== "" ? config.networkMode : undefined;
}

/** Address → network name from one aardvark-dns config file (`/run/containers/networks/
 * aardvark-dns/<network>`: lines `<id> <ipv4,…> <ipv6,…> <names,…>` after the gateway line). */
export function aardvarkNames(text: string, network: string, id: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const [who, v4, v6] = line.trim().split(/\s+/);
    if (who !== id) continue;
    for (const addr of [...(v4 ?? "").split(","), ...(v6 ?? "").split(",")])
      if (/^[0-9a-f.:]+$/i.test(addr)) out[addr] = network;
  }
  return out;
}

/** The container's published ports from its config JSON; undefined when not found. */
export function portsFromLibpodDb(text: string, id: string): PortMapping[] | undefined {
  const config = configOf(text, id);
  if (!config) return undefined;
  const raw = Array.isArray(config.newPortMappings) ? config.newPortMappings.filter(isRecord) : [];
  const ports = raw.flatMap(expandPort);
  ports.sort(
    (a, b) => a.ContainerPort - b.ContainerPort || a.Protocol.localeCompare(b.Protocol) || a.HostPort - b.HostPort,
  );
  return ports;
}

// The container's config JSON (every copy agrees: it never changes after create).
function configOf(text: string, id: string): Record<string, unknown> | undefined {
  return objectsHolding(text, '{"spec":', `"${id}"`, (c) => c.id === id)[0];
}

// podman's PortMapping: {host_ip, container_port, host_port, range, protocol: "tcp[,udp]"}.
function expandPort(p: Record<string, unknown>): PortMapping[] {
  const cport = p.container_port;
  const hport = p.host_port;
  if (!Number.isInteger(cport) || !Number.isInteger(hport)) return [];
  const range = Number.isInteger(p.range) && (p.range as number) > 0 ? Math.min(p.range as number, 65536) : 1;
  const bind = typeof p.host_ip === "string" && p.host_ip !== "" ? p.host_ip : "0.0.0.0";
  const protocols = (typeof p.protocol === "string" && p.protocol !== "" ? p.protocol : "tcp").split(",");
  const out: PortMapping[] = [];
  for (const proto of protocols) {
    if (proto !== "tcp" && proto !== "udp" && proto !== "sctp") continue;
    for (let k = 0; k < range; k++)
      out.push({
        ContainerPort: (cport as number) + k,
        HostPort: (hport as number) + k,
        BindIp: bind,
        Protocol: proto,
      });
  }
  return out;
}

/** Interface → network name from the container's state copies; undefined when unknown or
 * when copies disagree. */
export function networkNamesFromLibpodDb(text: string, id: string): Record<string, string> | undefined {
  const maps = objectsHolding(
    text,
    '{"state":',
    `/${id}/`,
    (s) => typeof s.configPath === "string" && s.configPath.includes(`/${id}/`),
  )
    .map((s) => interfaceNames(s.networkStatus))
    .filter((m) => Object.keys(m).length > 0);
  if (maps.length === 0) return undefined;
  const first = JSON.stringify(maps[0]);
  return maps.every((m) => JSON.stringify(m) === first) ? maps[0] : undefined;
}

function interfaceNames(status: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(status)) return out;
  for (const name of Object.keys(status).sort()) {
    const itfs =
      isRecord(status[name]) && isRecord((status[name] as Record<string, unknown>).interfaces)
        ? (status[name] as { interfaces: Record<string, unknown> }).interfaces
        : {};
    for (const itf of Object.keys(itfs)) out[itf] = name;
  }
  return out;
}
