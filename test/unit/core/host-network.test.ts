// Tests src/core/host-network.ts: the host's addresses come from the interfaces carrying its
// default routes, and host networking lists only those interfaces (issue 10, finding 4).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultRouteOnly, hostAddresses } from "../../../src/core/host-network.js";
import type { NetworkFacts } from "../../../src/core/net-parse.js";

const HOST: NetworkFacts = {
  interfaces: [
    { name: "docker0", ipv4: [{ address: "172.17.0.1", prefix: 16 }], ipv6: [] },
    {
      name: "eth0",
      ipv4: [{ address: "192.0.2.2", prefix: 24 }],
      ipv6: [
        { address: "fe80::1", prefix: 64, scope: "link" },
        { address: "2001:db8::2", prefix: 64, scope: "global" },
      ],
    },
    { name: "cni0", ipv4: [{ address: "10.88.0.1", prefix: 16 }], ipv6: [] },
    { name: "wg0", ipv4: [], ipv6: [{ address: "2001:db8:1::5", prefix: 64, scope: "global" }] },
  ],
  ipv4Gateway: { address: "192.0.2.1", interface: "eth0" },
  ipv6Gateway: { address: "2001:db8:1::1", interface: "wg0" },
};

describe("hostAddresses", () => {
  it("takes IPv4 from the IPv4 default route's interface and a global IPv6 from the IPv6 one", () => {
    assert.deepEqual(hostAddresses(HOST), {
      privateIPv4: "192.0.2.2",
      ipv6: "2001:db8:1::5",
      interfaces: ["eth0", "wg0"],
    });
  });
  it("leaves everything out when the host has no default route", () => {
    assert.deepEqual(hostAddresses({ interfaces: HOST.interfaces }), {
      privateIPv4: undefined,
      ipv6: undefined,
      interfaces: [],
    });
  });
  it("never takes a link-local IPv6 address", () => {
    const net: NetworkFacts = {
      interfaces: [{ name: "eth0", ipv4: [], ipv6: [{ address: "fe80::1", prefix: 64, scope: "link" }] }],
      ipv6Gateway: { address: "fe80::9", interface: "eth0" },
    };
    assert.equal(hostAddresses(net).ipv6, undefined);
  });
});

describe("defaultRouteOnly", () => {
  it("keeps only the interfaces that carry a default route, in their order", () => {
    assert.deepEqual(
      defaultRouteOnly(HOST).interfaces.map((i) => i.name),
      ["eth0", "wg0"],
    );
  });
  it("keeps one interface once when it carries both default routes", () => {
    const net = { ...HOST, ipv6Gateway: { address: "2001:db8::1", interface: "eth0" } };
    assert.deepEqual(
      defaultRouteOnly(net).interfaces.map((i) => i.name),
      ["eth0"],
    );
  });
});
