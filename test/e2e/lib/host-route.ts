// The host's default-route interface and its first IPv4 address, as `ip` reports them: what a
// host-network container's file must list (issue 10, finding 4).
import assert from "node:assert/strict";
import { runOk } from "./exec.js";

export async function hostDefaultRoute(): Promise<{ dev: string; ipv4: string }> {
  const route = (await runOk("ip", ["-4", "route", "show", "default"])).stdout;
  const dev = /\bdev (\S+)/.exec(route)?.[1];
  assert.ok(dev, `no IPv4 default route on this host: ${route}`);
  const addr = (await runOk("ip", ["-4", "-o", "addr", "show", "dev", dev])).stdout;
  const ipv4 = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(addr)?.[1];
  assert.ok(ipv4, addr);
  return { dev, ipv4 };
}
