// Owns the pure reading of a network namespace from the text of /proc/<pid>/net/*.
// Invariants:
// - No I/O and no `node:*` imports: callers pass file text, we return plain objects.
// - Never throws on garbage: a line that does not parse is skipped, and the result holds
//   whatever did parse (so a half-written or truncated file degrades, never fails).
// - Interfaces come from `dev`, in its order; `lo`, 127.0.0.0/8 and ::1 are never reported.
// - Interface names are only those the kernel could have made (see `isValidIfName`), so the
//   I/O side may put them in a path.
// IPv4 rules live in net-parse-v4.ts, IPv6 rules in net-parse-v6.ts.

import { ipv4Assignments, ipv4DefaultGateway } from "./net-parse-v4.js";
import { ipv6DefaultGateway, parseIfInet6, scopeRank } from "./net-parse-v6.js";
import type { Gateway, InterfaceFacts, Ipv4Address, Ipv6Address, NetworkFacts, ProcNetText } from "./net-types.js";

export type { Gateway, InterfaceFacts, Ipv4Address, Ipv6Address, NetworkFacts, ProcNetText };

/** Builds the namespace's facts from the text of its /proc/<pid>/net files. */
export function parseProcNet(text: ProcNetText): NetworkFacts {
  const t = text ?? ({} as Partial<ProcNetText>);
  const names = parseDevNames(str(t.dev)).filter((name) => name !== "lo");
  const v6 = parseIfInet6(str(t.ifInet6));
  const byName = new Map<string, InterfaceFacts>();
  for (const name of names) {
    const index = v6.find((e) => e.name === name)?.index; // only if_inet6 carries the ifindex
    byName.set(name, index === undefined ? { name, ipv4: [], ipv6: [] } : { name, index, ipv4: [], ipv6: [] });
  }
  for (const { iface, address } of ipv4Assignments(str(t.fibTrie), str(t.route), names)) {
    const itf = byName.get(iface);
    if (itf && !itf.ipv4.some((a) => a.address === address.address)) itf.ipv4.push(address);
  }
  for (const { name, address } of v6) {
    const itf = byName.get(name);
    if (itf && address && !itf.ipv6.some((a) => a.address === address.address)) itf.ipv6.push(address);
  }
  // if_inet6 is in hash order; sort by scope (stable) so the output does not churn.
  for (const itf of byName.values()) itf.ipv6.sort((a, b) => scopeRank(a.scope) - scopeRank(b.scope));

  const facts: NetworkFacts = { interfaces: [...byName.values()] };
  const gw4 = ipv4DefaultGateway(str(t.route));
  if (gw4 && isValidIfName(gw4.interface)) facts.ipv4Gateway = gw4;
  const gw6 = ipv6DefaultGateway(str(t.ipv6Route));
  if (gw6 && isValidIfName(gw6.interface)) facts.ipv6Gateway = gw6;
  return facts;
}

/** Interface names listed in /proc/<pid>/net/dev, in order, deduplicated, `lo` included. */
export function parseDevNames(dev: string): string[] {
  const names: string[] = [];
  for (const line of str(dev).split("\n")) {
    // Data lines are `%6s: %7llu ...`; the two header lines have no colon before a number.
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const counters = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (!counters.every((c) => /^\d+$/.test(c))) continue;
    if (isValidIfName(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * True for a name the kernel accepts (net/core/dev.c `dev_valid_name`): 1–15 bytes, not
 * "." or "..", no '/', ':' or whitespace. We also refuse control characters.
 */
export function isValidIfName(name: string): boolean {
  if (typeof name !== "string" || name.length === 0 || name.length > 15) return false;
  if (name === "." || name === "..") return false;
  return !/[/:\s\u0000-\u001f\u007f]/.test(name);
}

/** The MAC in a sysfs `address` file as `aa:bb:cc:dd:ee:ff`; undefined if not a real MAC. */
export function macFromSysfs(text: string): string | undefined {
  const mac = str(text).trim().toLowerCase();
  // Non-Ethernet links (tun, wireguard, ipip) have empty or other-length addresses.
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) return undefined;
  return mac === "00:00:00:00:00:00" ? undefined : mac;
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
