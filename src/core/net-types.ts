// The shapes the /proc/net parsers return (apart, so the v4/v6 parsers and net-parse.ts
// import them without importing each other).

/** An IPv4 address and the length of the on-link prefix it belongs to. */
export interface Ipv4Address {
  address: string;
  prefix: number;
}
/** An IPv6 address (RFC 5952 text), its prefix length and scope. */
export interface Ipv6Address {
  address: string;
  prefix: number;
  scope: "global" | "site" | "link" | "host";
}
/** One non-loopback interface of the namespace. */
export interface InterfaceFacts {
  name: string;
  index?: number;
  ipv4: Ipv4Address[];
  ipv6: Ipv6Address[];
  mac?: string;
}
/** A default route's next hop and the interface it leaves by. */
export interface Gateway {
  address: string;
  interface: string;
}
/** Everything we learn about a namespace's network. */
export interface NetworkFacts {
  interfaces: InterfaceFacts[];
  ipv4Gateway?: Gateway;
  ipv6Gateway?: Gateway;
}
/** The text of the five /proc/<pid>/net files; absent files are passed as "". */
export interface ProcNetText {
  fibTrie: string;
  route: string;
  ifInet6: string;
  ipv6Route: string;
  dev: string;
}
