// The host's own addresses and the interfaces a host-network container can be reached by:
// those that carry the host's default routes. Every other host interface (other engines'
// bridges, veths, docker0…) is noise to a consumer, so host networking lists only these.
// Pure: NetworkFacts in (parsed from the host's /proc/self/net), plain values out.
import type { NetworkFacts } from "./net-parse.js";

/** The host's default-route view: addresses for the Host* keys, interface names for Networks. */
export interface HostAddresses {
  /** First IPv4 address of the interface holding the IPv4 default route. */
  privateIPv4?: string;
  /** First global IPv6 address of the interface holding the IPv6 default route. */
  ipv6?: string;
  /** Names of the interfaces that hold a default route (IPv4 first), deduplicated. */
  interfaces: string[];
}

/** Reads the default-route interfaces' addresses from a namespace's facts. */
export function hostAddresses(net: NetworkFacts): HostAddresses {
  const interfaces = [net.ipv4Gateway?.interface, net.ipv6Gateway?.interface].filter(
    (n): n is string => n !== undefined,
  );
  const unique = [...new Set(interfaces)];
  const v4 = net.interfaces.find((i) => i.name === net.ipv4Gateway?.interface)?.ipv4[0]?.address;
  const v6Itf = net.interfaces.find((i) => i.name === net.ipv6Gateway?.interface);
  const v6 = v6Itf?.ipv6.find((a) => a.scope === "global")?.address;
  return { privateIPv4: v4, ipv6: v6, interfaces: unique };
}

/** The facts restricted to the interfaces that carry a default route. */
export function defaultRouteOnly(net: NetworkFacts): NetworkFacts {
  const keep = new Set(hostAddresses(net).interfaces);
  return { ...net, interfaces: net.interfaces.filter((i) => keep.has(i.name)) };
}
