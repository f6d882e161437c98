// Owns the IPv4 half of the /proc/<pid>/net reader: own addresses from `fib_trie`, their
// interface and prefix from `route`, and the default gateway. Pure; garbage lines are skipped.
// Invariants and kernel facts (net/ipv4/fib_trie.c, `fib_trie_seq_show`/`fib_route_seq_show`):
// - Own addresses are the `/32 host LOCAL` leaves under the "Main:"/"Local:" headers (other
//   tables print as "Id <n>:"). Network and broadcast leaves are `link` entries, and the
//   127.0.0.0 leaf is `/8 host LOCAL`, so only `/32 host LOCAL` counts.
// - `route` lists only the main table. Each __be32 is printed with %08X, so on a
//   little-endian host (the only kind we support: x86_64, arm64) "0101A8C0" is 192.168.1.1.
//   Flags are hex, Metric is decimal.
// - An address maps to the longest matching link route (gateway 0); ties go to the lowest
//   metric, then to the first listed. The mapping is ambiguous when two interfaces share a
//   subnet; /proc has no better source for IPv4.

import type { Gateway, Ipv4Address } from "./net-types.js";

const RTF_GATEWAY = 0x0002;
const RTF_REJECT = 0x0200;

/** One decoded line of /proc/net/route. */
interface Route {
  iface: string;
  dest: number;
  gateway: number;
  flags: number;
  metric: number;
  prefix: number;
}

/** Own IPv4 addresses with the interface each belongs to (names are the non-lo interfaces). */
export function ipv4Assignments(
  fibTrie: string,
  route: string,
  names: string[],
): Array<{ iface: string; address: Ipv4Address }> {
  const links = parseRoutes(route).filter(
    // A prefix-0 link route ("default dev eth0") says nothing about an address's subnet.
    (r) => r.gateway === 0 && r.prefix > 0 && (r.flags & RTF_REJECT) === 0 && r.iface !== "*",
  );
  const out: Array<{ iface: string; address: Ipv4Address }> = [];
  for (const addr of parseFibLocals(fibTrie)) {
    const route = bestRoute(links.filter((r) => (addr & maskOf(r.prefix)) >>> 0 === r.dest));
    const address = dotted(addr);
    if (route) out.push({ iface: route.iface, address: { address, prefix: route.prefix } });
    // Unrouted (e.g. a /32 as Calico gives): only safe to place when there is one interface.
    else if (names.length === 1) out.push({ iface: names[0]!, address: { address, prefix: 32 } });
  }
  return out;
}

/** The default route with a gateway and the lowest metric, if any. */
export function ipv4DefaultGateway(route: string): Gateway | undefined {
  const defaults = parseRoutes(route).filter(
    (r) => r.dest === 0 && r.prefix === 0 && (r.flags & RTF_GATEWAY) !== 0 && (r.flags & RTF_REJECT) === 0,
  );
  const best = bestRoute(defaults, false);
  return best ? { address: dotted(best.gateway), interface: best.iface } : undefined;
}

/** `/32 host LOCAL` leaves of the main and local tables, deduplicated, 127/8 dropped. */
export function parseFibLocals(fibTrie: string): number[] {
  const found: number[] = [];
  let inMainOrLocal = false;
  let leaf: number | undefined;
  for (const line of fibTrie.split("\n")) {
    if (/^\S/.test(line)) {
      inMainOrLocal = line.trimEnd() === "Main:" || line.trimEnd() === "Local:";
      leaf = undefined;
      continue;
    }
    const leafMatch = /^\s*\|-- (\S+)\s*$/.exec(line);
    if (leafMatch) {
      leaf = parseDotted(leafMatch[1]!);
      continue;
    }
    if (/^\s*\+-- /.test(line)) leaf = undefined;
    else if (inMainOrLocal && leaf !== undefined && /^\s*\/32 host LOCAL(\s|$)/.test(line)) {
      if (leaf >>> 24 !== 127 && !found.includes(leaf)) found.push(leaf);
    }
  }
  return found;
}

function parseRoutes(route: string): Route[] {
  const routes: Route[] = [];
  for (const line of route.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[0] === "Iface") continue;
    const dest = leHex(f[1]!);
    const gateway = leHex(f[2]!);
    const mask = leHex(f[7]!);
    const prefix = mask === undefined ? undefined : prefixOf(mask);
    if (dest === undefined || gateway === undefined || prefix === undefined) continue;
    if (!/^[0-9A-Fa-f]{1,8}$/.test(f[3]!) || !/^\d{1,10}$/.test(f[6]!)) continue;
    routes.push({ iface: f[0]!, dest, gateway, flags: parseInt(f[3]!, 16), metric: Number(f[6]), prefix });
  }
  return routes;
}

// Longest prefix first (when asked), then lowest metric, then first listed.
function bestRoute(routes: Route[], byPrefix = true): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    if (!best) best = r;
    else if (byPrefix && r.prefix !== best.prefix) best = r.prefix > best.prefix ? r : best;
    else if (r.metric < best.metric) best = r;
  }
  return best;
}

// "0101A8C0" (the raw bytes C0 A8 01 01 read as a little-endian u32) → 0xC0A80101.
function leHex(hex: string): number | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const n = parseInt(hex, 16);
  return (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | (n >>> 24)) >>> 0;
}

function prefixOf(mask: number): number | undefined {
  let prefix = 0;
  while (prefix < 32 && ((mask >>> (31 - prefix)) & 1) === 1) prefix++;
  return maskOf(prefix) === mask ? prefix : undefined; // non-contiguous masks are garbage
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function parseDotted(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

function dotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join(".");
}
