// A private test network: two netns joined by a veth pair — "c" for the container, "g" for
// its gateway — with known IPv4/IPv6 addresses and default routes. Nothing touches the host's
// own namespace; teardown deletes both namespaces (and with them the veth pair).
import { run, runOk } from "./exec.js";

export interface TestNet {
  name: string;
  path: string;
  ipv4: string;
  ipv4Prefix: number;
  gateway4: string;
  ipv6: string;
  gateway6: string;
  mac: string;
  destroy(): Promise<void>;
}

/** Creates the netns pair; `n` (1..250) keeps parallel networks apart. */
export async function createTestNet(tag: string, n: number): Promise<TestNet> {
  const c = `ocimd-${tag}-c`;
  const g = `ocimd-${tag}-g`;
  const net: TestNet = {
    name: c,
    path: `/var/run/netns/${c}`,
    ipv4: `10.201.${n}.2`,
    ipv4Prefix: 24,
    gateway4: `10.201.${n}.1`,
    ipv6: `fd00:201:${n.toString(16)}::2`,
    gateway6: `fd00:201:${n.toString(16)}::1`,
    mac: `02:42:0a:c9:${n.toString(16).padStart(2, "0")}:02`,
    destroy: async () => {
      await run("ip", ["netns", "del", c]);
      await run("ip", ["netns", "del", g]);
    },
  };
  await net.destroy();
  const ip = (...args: string[]) => runOk("ip", args);
  await ip("netns", "add", c);
  await ip("netns", "add", g);
  await ip("link", "add", "ocimd0", "netns", c, "type", "veth", "peer", "name", "ocimd1", "netns", g);
  await ip("-n", c, "link", "set", "ocimd0", "name", "eth0");
  await ip("-n", c, "link", "set", "eth0", "address", net.mac);
  await ip("-n", c, "addr", "add", `${net.ipv4}/${net.ipv4Prefix}`, "dev", "eth0");
  await ip("-n", c, "addr", "add", `${net.ipv6}/64`, "dev", "eth0", "nodad");
  await ip("-n", g, "addr", "add", `${net.gateway4}/${net.ipv4Prefix}`, "dev", "ocimd1");
  await ip("-n", g, "addr", "add", `${net.gateway6}/64`, "dev", "ocimd1", "nodad");
  for (const ns of [c, g]) {
    await ip("-n", ns, "link", "set", "lo", "up");
    await ip("-n", ns, "link", "set", ns === c ? "eth0" : "ocimd1", "up");
  }
  await ip("-n", c, "route", "add", "default", "via", net.gateway4);
  await ip("-n", c, "-6", "route", "add", "default", "via", net.gateway6);
  return net;
}
