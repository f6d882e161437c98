// Owns the IPv6 half of the /proc/<pid>/net reader: addresses from `if_inet6`, the default
// gateway from `ipv6_route`, and RFC 5952 text for a 32-digit hex address. Pure.
// Kernel facts (net/ipv6/addrconf.c `if6_seq_show`, net/ipv6/route.c `rt6_info_seq_show`):
// - if_inet6 line: `addr ifindex plen scope flags name`, where ifindex, plen, scope and flags
//   are all hex (ifindex 16 prints as "10"). Lines come in hash order, not per interface.
// - Scope is `ipv6_addr_scope()`: 0x00 global, 0x10 host (loopback), 0x20 link, 0x40 site.
//   Other values are skipped: we do not guess a scope.
// - Flags: we keep every address except IFA_F_DADFAILED (0x08), a duplicate the kernel will
//   never use. Tentative (0x40, DAD still running), deprecated (0x20) and optimistic (0x04)
//   addresses are kept: they are the namespace's own and usually become usable.
// - ipv6_route line: `dest plen src srcplen nexthop metric refcnt use flags name`, all hex.
//   Unreachable routes (all-zero next hop, on lo) also have dest ::/0, so a default gateway
//   needs a non-zero next hop.

import type { Gateway, Ipv6Address } from "./net-types.js";

const IFA_F_DADFAILED = 0x08;
const SCOPES: Record<number, Ipv6Address["scope"]> = { 0: "global", 16: "host", 32: "link", 64: "site" };
const RANK: Record<Ipv6Address["scope"], number> = { global: 0, site: 1, link: 2, host: 3 };
const ZERO = "0".repeat(32);

/** One if_inet6 line: the interface, its index, and the address if we report it. */
export interface IfInet6Entry {
  name: string;
  index: number;
  address?: Ipv6Address;
}

/** Parses if_inet6; entries without `address` still carry the interface index. */
export function parseIfInet6(text: string): IfInet6Entry[] {
  const out: IfInet6Entry[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 6 || !f.slice(1, 5).every((h) => /^[0-9a-fA-F]{1,8}$/.test(h))) continue;
    const [hex, indexHex, plenHex, scopeHex, flagsHex, name] = f as [string, string, string, string, string, string];
    const text6 = hexToIpv6(hex);
    const index = parseInt(indexHex, 16);
    const prefix = parseInt(plenHex, 16);
    if (text6 === undefined || index <= 0 || prefix > 128) continue;
    const entry: IfInet6Entry = { name, index };
    const scope = SCOPES[parseInt(scopeHex, 16)];
    const usable = (parseInt(flagsHex, 16) & IFA_F_DADFAILED) === 0;
    if (scope && usable && text6 !== "::1") entry.address = { address: text6, prefix, scope };
    out.push(entry);
  }
  return out;
}

/** The ::/0 route with a non-zero next hop and the lowest metric, if any. */
export function ipv6DefaultGateway(text: string): Gateway | undefined {
  let best: { gateway: Gateway; metric: number } | undefined;
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 10) continue;
    const [dest, plen, , srcPlen, nextHop, metricHex] = f as [string, string, string, string, string, string];
    if (dest !== ZERO || plen !== "00" || srcPlen !== "00") continue; // source-specific is not "default"
    if (!/^[0-9a-fA-F]{8}$/.test(metricHex) || nextHop === ZERO) continue;
    const address = hexToIpv6(nextHop);
    const metric = parseInt(metricHex, 16);
    if (address === undefined) continue;
    if (!best || metric < best.metric) best = { gateway: { address, interface: f[9]! }, metric };
  }
  return best?.gateway;
}

/**
 * RFC 5952 text for 32 hex digits: lowercase, no leading zeros, the longest run (≥2) of zero
 * groups as "::" (the first on a tie), and IPv4-mapped as ::ffff:a.b.c.d (section 5).
 */
export function hexToIpv6(hex: string): string | undefined {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  const groups = Array.from({ length: 8 }, (_, i) => parseInt(hex.slice(i * 4, i * 4 + 4), 16));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return `::ffff:${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;
  }
  let [runStart, runLen] = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > runLen && j - i >= 2) [runStart, runLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const text = groups.map((g) => g.toString(16));
  if (runStart < 0) return text.join(":");
  return `${text.slice(0, runStart).join(":")}::${text.slice(runStart + runLen).join(":")}`;
}

/** Sort key: global, site, link, host. */
export function scopeRank(scope: Ipv6Address["scope"]): number {
  return RANK[scope];
}
