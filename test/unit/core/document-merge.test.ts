// Tests the engine-network half of src/core/document.ts: mergeByMac completes the engine's
// entries (Docker: one per network) with what the netns shows for the same MAC, and
// buildDocument with `engineNetworks` is READY by them alone, takes the primary address and the
// gateways from the engine when /proc has none, and from /proc when it has them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { ContainerView } from "../../../src/core/container.js";
import { buildDocument, type DocumentInput, mergeByMac, type NetworkEntry } from "../../../src/core/document.js";
import type { NetworkFacts } from "../../../src/core/net-parse.js";

const NOW = new Date("2026-11-28T09:00:00.000Z");
const ID = "5b1a3c8e2f9d4a7b6c0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";

function view(over: Partial<ContainerView> = {}): ContainerView {
  return {
    id: ID,
    annotations: {},
    mounts: [],
    env: [],
    platform: "linux",
    engine: "docker",
    networkMode: "app",
    ...over,
  };
}

function input(over: Partial<DocumentInput> = {}): DocumentInput {
  return {
    view: view(),
    plan: { task: "default", name: "dns" },
    identity: {},
    status: "running",
    annotationsToInclude: [],
    now: NOW,
    ...over,
  };
}

// Docker's inspect after start: two networks, IPv6 on "app"; prefixes unknown (0), so no CIDRs.
// Docker prints MACs in lower case, but an engine may not: "app" is upper case on purpose.
const APP: NetworkEntry = {
  NetworkMode: "app",
  MACAddress: "02:42:AC:12:00:05",
  IPv4Addresses: ["172.18.0.5"],
  IPv6Addresses: ["fd00:db8:1::5"],
  IPv4Gateway: "172.18.0.1",
  IPv6Gateway: "fd00:db8:1::1",
};
const DB: NetworkEntry = {
  NetworkMode: "db",
  MACAddress: "02:42:ac:13:00:03",
  IPv4Addresses: ["172.19.0.3"],
  IPv6Addresses: [],
  IPv4Gateway: "172.19.0.1",
};

// The same container's netns: the IPv4 default route leaves by eth1 (the "db" network).
const NET: NetworkFacts = {
  interfaces: [
    {
      name: "eth0",
      mac: "02:42:ac:12:00:05",
      ipv4: [{ address: "172.18.0.5", prefix: 16 }],
      ipv6: [
        { address: "fd00:db8:1::5", prefix: 64, scope: "global" },
        { address: "fe80::42:acff:fe12:5", prefix: 64, scope: "link" },
      ],
    },
    { name: "eth1", mac: "02:42:ac:13:00:03", ipv4: [{ address: "172.19.0.3", prefix: 24 }], ipv6: [] },
  ],
  ipv4Gateway: { address: "172.19.0.1", interface: "eth1" },
  ipv6Gateway: { address: "fd00:db8:1::1", interface: "eth0" },
};

// /proc entries as networkEntries() makes them.
const ETH0: NetworkEntry = {
  NetworkMode: "app",
  Interface: "eth0",
  MACAddress: "02:42:ac:12:00:05",
  IPv4Addresses: ["172.18.0.5"],
  IPv6Addresses: ["fd00:db8:1::5"],
  IPv4CIDRs: ["172.18.0.5/16"],
  IPv6CIDRs: ["fd00:db8:1::5/64"],
  IPv6Gateway: "fd00:db8:1::1",
};
const ETH1: NetworkEntry = {
  NetworkMode: "app",
  Interface: "eth1",
  MACAddress: "02:42:ac:13:00:03",
  IPv4Addresses: ["172.19.0.3"],
  IPv6Addresses: [],
  IPv4CIDRs: ["172.19.0.3/24"],
  IPv6CIDRs: [],
  IPv4Gateway: "172.19.0.1",
};

// An entry without its undefined keys, as the document holds it.
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("mergeByMac", () => {
  it("completes each engine entry with the interface and CIDRs of the /proc entry with its MAC", () => {
    assert.deepEqual(plain(mergeByMac([APP, DB], [ETH0, ETH1])), [
      { ...APP, Interface: "eth0", IPv4CIDRs: ["172.18.0.5/16"], IPv6CIDRs: ["fd00:db8:1::5/64"] },
      { ...DB, Interface: "eth1", IPv4CIDRs: ["172.19.0.3/24"], IPv6CIDRs: [] },
    ]);
  });

  const macs: Array<[string, string, string]> = [
    ["engine-upper", "02:42:AC:12:00:05", "02:42:ac:12:00:05"],
    ["proc-upper", "02:42:ac:12:00:05", "02:42:AC:12:00:05"],
    ["mixed", "02:42:Ac:12:00:05", "02:42:aC:12:00:05"],
  ];
  for (const [name, engineMac, procMac] of macs) {
    it(`matches MAC addresses case-insensitively [${name}]`, () => {
      const [merged] = mergeByMac([{ ...APP, MACAddress: engineMac }], [{ ...ETH0, MACAddress: procMac }]);
      assert.equal(merged?.Interface, "eth0");
      assert.equal(merged?.MACAddress, engineMac);
    });
  }

  it("keeps the engine's own network name, MAC, IPv4 addresses and gateways", () => {
    const proc: NetworkEntry = {
      ...ETH0,
      NetworkMode: "bridge",
      IPv4Addresses: ["10.9.9.9"],
      IPv4Gateway: "10.9.9.1",
      IPv6Gateway: "fd00::9",
    };
    const [merged] = mergeByMac([APP], [proc]);
    assert.equal(merged?.NetworkMode, "app");
    assert.equal(merged?.MACAddress, "02:42:AC:12:00:05");
    assert.deepEqual(merged?.IPv4Addresses, ["172.18.0.5"]);
    assert.equal(merged?.IPv4Gateway, "172.18.0.1");
    assert.equal(merged?.IPv6Gateway, "fd00:db8:1::1");
  });

  it("keeps what the engine already says over what /proc shows", () => {
    const engine: NetworkEntry = {
      ...APP,
      Interface: "app0",
      IPv4CIDRs: ["172.18.0.5/17"],
      IPv6CIDRs: ["fd00:db8:1::5/48"],
    };
    assert.deepEqual(mergeByMac([engine], [ETH0]), [engine]);
  });

  it("takes the IPv6 addresses from /proc only when the engine has none", () => {
    const [withNone] = mergeByMac([{ ...APP, IPv6Addresses: [] }], [ETH0]);
    assert.deepEqual(withNone?.IPv6Addresses, ["fd00:db8:1::5"]);
    const [withOwn] = mergeByMac([{ ...APP, IPv6Addresses: ["fd00:db8:1::99"] }], [ETH0]);
    assert.deepEqual(withOwn?.IPv6Addresses, ["fd00:db8:1::99"]);
  });

  const unmatched: Array<[string, NetworkEntry, NetworkEntry[]]> = [
    ["other-mac", APP, [ETH1]],
    ["no-proc-entries", APP, []],
    ["engine-without-mac", { ...APP, MACAddress: undefined }, [ETH0, { ...ETH1, MACAddress: undefined }]],
    ["engine-empty-mac", { ...APP, MACAddress: "" }, [{ ...ETH0, MACAddress: "" }]],
    ["proc-without-mac", APP, [{ ...ETH0, MACAddress: undefined }]],
    ["mac-prefix-only", APP, [{ ...ETH0, MACAddress: "02:42:ac:12:00:0" }]],
  ];
  for (const [name, engine, proc] of unmatched) {
    it(`leaves an engine entry untouched when no /proc MAC matches [${name}]`, () => {
      assert.deepEqual(mergeByMac([engine], proc), [engine]);
    });
  }

  it("gives one entry per engine network, in the engine's order, and leaves /proc-only interfaces out", () => {
    const merged = mergeByMac([DB, APP], [ETH0, ETH1, { ...ETH1, Interface: "eth2", MACAddress: "02:42:ac:14:00:02" }]);
    assert.deepEqual(
      merged.map((n) => [n.NetworkMode, n.Interface]),
      [
        ["db", "eth1"],
        ["app", "eth0"],
      ],
    );
  });

  it("changes neither list it is given", () => {
    const engine = [structuredClone(APP), structuredClone(DB)];
    const proc = [structuredClone(ETH0), structuredClone(ETH1)];
    mergeByMac(engine, proc);
    assert.deepEqual(engine, [APP, DB]);
    assert.deepEqual(proc, [ETH0, ETH1]);
  });

  it("only ever adds to engine entries, whatever the MACs", () => {
    const mac = fc.constantFrom("02:42:ac:12:00:05", "02:42:AC:12:00:05", "02:42:ac:13:00:03", "", undefined);
    const entry = fc.record({
      NetworkMode: fc.constantFrom("app", "db", undefined),
      Interface: fc.constantFrom("eth0", "eth1", undefined),
      MACAddress: mac,
      IPv4Addresses: fc.array(fc.ipV4(), { maxLength: 2 }),
      IPv6Addresses: fc.array(fc.ipV6(), { maxLength: 2 }),
      IPv4CIDRs: fc.option(
        fc.array(
          fc.ipV4().map((a) => `${a}/24`),
          { maxLength: 2 },
        ),
        { nil: undefined },
      ),
      IPv6CIDRs: fc.option(
        fc.array(
          fc.ipV6().map((a) => `${a}/64`),
          { maxLength: 2 },
        ),
        { nil: undefined },
      ),
      IPv4Gateway: fc.option(fc.ipV4(), { nil: undefined }),
      IPv6Gateway: fc.option(fc.ipV6(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), fc.array(entry, { maxLength: 4 }), (engine, proc) => {
        const merged = mergeByMac(engine, proc);
        assert.equal(merged.length, engine.length);
        merged.forEach((m, i) => {
          const e = engine[i]!;
          for (const key of ["NetworkMode", "MACAddress", "IPv4Addresses", "IPv4Gateway", "IPv6Gateway"] as const)
            assert.deepEqual(m[key], e[key]);
          for (const key of ["Interface", "IPv4CIDRs", "IPv6CIDRs"] as const)
            if (e[key] !== undefined) assert.deepEqual(m[key], e[key]);
          if (e.IPv6Addresses.length > 0) assert.deepEqual(m.IPv6Addresses, e.IPv6Addresses);
          const mac = e.MACAddress?.toLowerCase();
          if (!mac || !proc.some((p) => p.MACAddress?.toLowerCase() === mac)) assert.deepEqual(m, e);
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe("buildDocument with engine networks", () => {
  it("is READY with engine networks alone, without the /proc network", () => {
    const doc = buildDocument(input({ engineNetworks: [APP, DB] }));
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.deepEqual(doc.Networks, [APP, DB]);
    assert.equal(doc.IPAddress, "172.18.0.5");
    assert.equal(doc.Gateway, "172.18.0.1");
    assert.equal(doc.IPv6Address, "fd00:db8:1::5");
    assert.equal(doc.IPv6Gateway, "fd00:db8:1::1");
    assert.equal(doc.NetworkMode, "app");
  });

  it("takes the primary address from the first engine network with an IPv4 address", () => {
    const noV4: NetworkEntry = {
      NetworkMode: "v6only",
      MACAddress: "02:42:ac:15:00:02",
      IPv4Addresses: [],
      IPv6Addresses: ["fd00:15::2"],
      IPv6Gateway: "fd00:15::1",
    };
    const doc = buildDocument(input({ engineNetworks: [noV4, DB] }));
    assert.equal(doc.IPAddress, "172.19.0.3");
    assert.equal(doc.Gateway, "172.19.0.1");
    assert.equal(doc.IPv6Address, "fd00:15::2");
    assert.equal(doc.IPv6Gateway, "fd00:15::1");
  });

  it("merges with /proc and picks the network the IPv4 default route leaves by", () => {
    const doc = buildDocument(input({ network: NET, engineNetworks: [APP, DB] }));
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.deepEqual(doc.Networks, [
      { ...APP, Interface: "eth0", IPv4CIDRs: ["172.18.0.5/16"], IPv6CIDRs: ["fd00:db8:1::5/64"] },
      { ...DB, Interface: "eth1", IPv4CIDRs: ["172.19.0.3/24"], IPv6CIDRs: [] },
    ]);
    assert.equal(doc.IPAddress, "172.19.0.3");
    assert.equal(doc.Gateway, "172.19.0.1");
    assert.equal(doc.IPv6Address, "fd00:db8:1::5");
    assert.equal(doc.IPv6Gateway, "fd00:db8:1::1");
  });

  it("prefers the gateways /proc shows over the engine's", () => {
    const net: NetworkFacts = {
      ...NET,
      ipv4Gateway: { address: "172.19.0.254", interface: "eth1" },
      ipv6Gateway: { address: "fd00:db8:1::fe", interface: "eth0" },
    };
    const doc = buildDocument(input({ network: net, engineNetworks: [APP, DB] }));
    assert.equal(doc.Gateway, "172.19.0.254");
    assert.equal(doc.IPv6Gateway, "fd00:db8:1::fe");
  });

  it("takes IPAddress and Gateway from the engine entry when /proc has none", () => {
    const bare: NetworkFacts = { interfaces: [{ name: "eth0", mac: "02:42:ac:12:00:05", ipv4: [], ipv6: [] }] };
    const doc = buildDocument(input({ network: bare, engineNetworks: [APP] }));
    assert.equal(doc.IPAddress, "172.18.0.5");
    assert.equal(doc.Gateway, "172.18.0.1");
    assert.equal(doc.Networks?.[0]?.Interface, "eth0");
  });

  it("takes IPv6Gateway from the engine when /proc has no IPv6 default route", () => {
    const { ipv6Gateway: _none, ...noV6Route } = NET;
    const doc = buildDocument(input({ network: noV6Route, engineNetworks: [DB, APP] }));
    assert.equal(doc.IPv6Gateway, "fd00:db8:1::1");
  });

  // Docker's "host" network has no addresses; the host netns's default-route interface
  // replaces it (issue 10, finding 1). Without the netns nothing is invented.
  it("leaves IPAddress and gateways out when --network host and the netns was not read", () => {
    const host: NetworkEntry = { NetworkMode: "host", IPv4Addresses: [], IPv6Addresses: [] };
    const doc = buildDocument(input({ view: view({ networkMode: "host" }), engineNetworks: [host] }));
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.deepEqual(doc.Networks, []);
    for (const key of ["IPAddress", "Gateway", "IPv6Address", "IPv6Gateway"] as const) assert.ok(!(key in doc), key);
  });

  // Docker shows `"Networks": {}` for `--network container:<other>`; the netns is still there,
  // and docker-enrich passes `facts.networks ?? []`, so an empty list means "engine says nothing".
  it("keeps the /proc networks when the engine reports none", () => {
    const doc = buildDocument(input({ network: NET, engineNetworks: [] }));
    assert.equal(doc.Networks?.length, 2);
    assert.equal(doc.IPAddress, "172.19.0.3");
  });
});
