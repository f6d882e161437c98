// Tests src/core/net-parse*.ts: real /proc/<pid>/net captures, the address rules one by one,
// RFC 5952 text, and that garbage never throws.
// Fixtures in test/fixtures/proc-net/<case>/ were captured on Linux 6.18 (iproute2 6.1) with
// `ip netns exec NS cat /proc/net/<file>` after building each case from `ip netns add` and
// veth pairs whose peers sat in a second netns; expectations below match `ip -j addr/route`
// in that netns, except where a comment says why they differ.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  macFromSysfs,
  type NetworkFacts,
  type ProcNetText,
  parseDevNames,
  parseProcNet,
} from "../../../src/core/net-parse.js";
import { hexToIpv6 } from "../../../src/core/net-parse-v6.js";

const FIXTURES = new URL("../../fixtures/proc-net/", import.meta.url);
const CASES = ["one-veth-dual-stack", "two-interfaces", "loopback-only", "ipv6-disabled"];

function fixture(name: string): ProcNetText {
  const read = (file: string): string => {
    const url = new URL(`${name}/${file}`, FIXTURES);
    return existsSync(url) ? readFileSync(url, "utf8") : "";
  };
  return {
    fibTrie: read("fib_trie"),
    route: read("route"),
    ifInet6: read("if_inet6"),
    ipv6Route: read("ipv6_route"),
    dev: read("dev"),
  };
}

const EMPTY: ProcNetText = { fibTrie: "", route: "", ifInet6: "", ipv6Route: "", dev: "" };
const DEV = "Inter-|   Receive |  Transmit\n face |bytes packets\n    lo: 0 0\n  eth0: 1 2\n";
const DEV2 = `${DEV}  eth1: 3 4\n`;
const leaf = (ip: string, ...aliases: string[]) => [`     |-- ${ip}`, ...aliases.map((a) => `        ${a}`)].join("\n");
const trie = (header: string, ...leaves: string[]) => [header, "  +-- 0.0.0.0/0 2 0 2", ...leaves].join("\n");
// /proc/net/route prints each __be32 as a little-endian u32 in %08X.
const le = (ip: string) =>
  ip
    .split(".")
    .reverse()
    .map((o) => Number(o).toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
const route = (iface: string, dest: string, gw: string, flags: string, metric: number, mask: string) =>
  [iface, le(dest), le(gw), flags, 0, 0, metric, le(mask), 0, 0, 0].join("\t");
const ROUTE_HEAD = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";
const hex6 = (groups: string) =>
  groups
    .split(":")
    .map((g) => g.padStart(4, "0"))
    .join("");
const ZERO6 = "0".repeat(32);

describe("parseProcNet on real captures", () => {
  const expected: Record<string, NetworkFacts> = {
    "one-veth-dual-stack": {
      interfaces: [
        {
          name: "eth0",
          index: 2,
          ipv4: [{ address: "10.123.1.2", prefix: 24 }],
          ipv6: [
            { address: "fd00:123::2", prefix: 64, scope: "global" },
            { address: "fe80::e85b:fdff:fec2:ebb0", prefix: 64, scope: "link" },
          ],
        },
      ],
      ipv4Gateway: { address: "10.123.1.1", interface: "eth0" },
      ipv6Gateway: { address: "fd00:123::1", interface: "eth0" },
    },
    // ip also lists 10.123.9.9/32 on eth1: it has no route, and with two interfaces we cannot
    // tell where it lives. fd00:123:3::2 on eth1 failed DAD (flags c8) and is left out.
    "two-interfaces": {
      interfaces: [
        {
          name: "eth0",
          index: 2,
          ipv4: [
            { address: "10.123.2.2", prefix: 24 },
            { address: "10.123.2.3", prefix: 24 },
          ],
          ipv6: [
            { address: "fd00:123:2::2", prefix: 64, scope: "global" },
            { address: "fe80::20ae:afff:fee1:8452", prefix: 64, scope: "link" },
          ],
        },
        {
          name: "eth1",
          index: 3,
          ipv4: [{ address: "10.123.3.2", prefix: 28 }],
          ipv6: [{ address: "fe80::c45f:77ff:fec0:83dd", prefix: 64, scope: "link" }],
        },
      ],
      ipv4Gateway: { address: "10.123.3.1", interface: "eth1" }, // metric 50 beats 100
      ipv6Gateway: { address: "fd00:123:2::1", interface: "eth0" }, // metric 1024 beats 2000
    },
    "loopback-only": { interfaces: [] },
    // No if_inet6 line means no ifindex; the unrouted /32 goes to the only interface.
    "ipv6-disabled": {
      interfaces: [
        {
          name: "eth0",
          ipv4: [
            { address: "10.123.4.2", prefix: 24 },
            { address: "10.123.9.4", prefix: 32 },
          ],
          ipv6: [],
        },
      ],
      ipv4Gateway: { address: "10.123.4.1", interface: "eth0" },
    },
  };
  for (const name of CASES) {
    it(`reads the ${name} capture like ip does`, () => {
      assert.deepEqual(parseProcNet(fixture(name)), expected[name]);
    });
  }

  it("treats absent IPv6 files like empty ones", () => {
    const facts = parseProcNet({ ...fixture("one-veth-dual-stack"), ifInet6: "", ipv6Route: "" });
    assert.deepEqual(
      facts.interfaces.map((i) => [i.name, i.index, i.ipv6]),
      [["eth0", undefined, []]],
    );
    assert.equal(facts.ipv6Gateway, undefined);
    assert.deepEqual(facts.ipv4Gateway, { address: "10.123.1.1", interface: "eth0" });
  });
});

describe("IPv4 rules", () => {
  const cases: Array<{ name: string; text: Partial<ProcNetText>; ipv4: Record<string, string[]>; gateway?: string }> = [
    {
      name: "only-host-local-leaves-are-addresses",
      text: {
        dev: DEV,
        route: route("eth0", "10.9.0.0", "0.0.0.0", "0001", 0, "255.255.255.0"),
        fibTrie: trie(
          "Main:",
          leaf("10.9.0.0", "/24 link UNICAST"),
          leaf("10.9.0.7", "/32 host LOCAL"),
          leaf("10.9.0.255", "/32 link BROADCAST"),
        ),
      },
      ipv4: { eth0: ["10.9.0.7/24"] },
    },
    {
      name: "other-tables-are-ignored",
      text: {
        dev: DEV,
        fibTrie: [
          trie("Id 100:", leaf("10.9.0.8", "/32 host LOCAL")),
          trie("Local:", leaf("10.9.0.7", "/32 host LOCAL")),
        ].join("\n"),
      },
      ipv4: { eth0: ["10.9.0.7/32"] },
    },
    {
      name: "loopback-range-is-dropped",
      text: {
        dev: DEV,
        fibTrie: trie("Local:", leaf("127.0.0.5", "/32 host LOCAL"), leaf("127.0.0.0", "/8 host LOCAL")),
      },
      ipv4: { eth0: [] },
    },
    {
      name: "longest-prefix-wins",
      text: {
        dev: DEV2,
        fibTrie: trie("Main:", leaf("10.1.2.3", "/32 host LOCAL")),
        route: [
          ROUTE_HEAD,
          route("eth0", "10.0.0.0", "0.0.0.0", "0001", 0, "255.0.0.0"),
          route("eth1", "10.1.0.0", "0.0.0.0", "0001", 0, "255.255.0.0"),
        ].join("\n"),
      },
      ipv4: { eth0: [], eth1: ["10.1.2.3/16"] },
    },
    {
      name: "gateway-routes-do-not-place-addresses",
      text: {
        dev: DEV2,
        fibTrie: trie("Main:", leaf("10.1.2.3", "/32 host LOCAL")),
        route: route("eth1", "10.1.2.0", "10.1.2.1", "0003", 0, "255.255.255.0"),
      },
      ipv4: { eth0: [], eth1: [] },
    },
    {
      name: "default-dev-route-is-not-a-subnet",
      text: {
        dev: DEV,
        fibTrie: trie("Main:", leaf("10.1.2.3", "/32 host LOCAL")),
        route: route("eth0", "0.0.0.0", "0.0.0.0", "0001", 0, "0.0.0.0"),
      },
      ipv4: { eth0: ["10.1.2.3/32"] },
    },
    {
      name: "reject-default-is-no-gateway",
      text: {
        dev: DEV,
        route: [
          route("eth0", "0.0.0.0", "10.0.0.1", "0203", 1, "0.0.0.0"),
          route("eth0", "0.0.0.0", "10.0.0.2", "0003", 9, "0.0.0.0"),
        ].join("\n"),
      },
      ipv4: { eth0: [] },
      gateway: "10.0.0.2",
    },
    {
      name: "route-without-gateway-flag-is-no-gateway",
      text: { dev: DEV, route: route("eth0", "0.0.0.0", "10.0.0.1", "0001", 0, "0.0.0.0") },
      ipv4: { eth0: [] },
    },
  ];
  for (const c of cases) {
    it(`applies ${c.name}`, () => {
      const facts = parseProcNet({ ...EMPTY, ...c.text });
      const got = Object.fromEntries(
        facts.interfaces.map((i) => [i.name, i.ipv4.map((a) => `${a.address}/${a.prefix}`)]),
      );
      assert.deepEqual(got, c.ipv4);
      assert.equal(facts.ipv4Gateway?.address, c.gateway);
    });
  }
});

describe("IPv6 rules", () => {
  const line = (addr: string, index: string, plen: string, scope: string, flags: string, name = "eth0") =>
    `${hex6(addr)} ${index} ${plen} ${scope} ${flags} ${name.padStart(8)}`;

  it("keeps tentative, deprecated and optimistic addresses but drops failed DAD", () => {
    const ifInet6 = [
      line("fd00:0:0:0:0:0:0:1", "02", "40", "00", "c0"), // tentative
      line("fd00:0:0:0:0:0:0:2", "02", "40", "00", "20"), // deprecated
      line("fd00:0:0:0:0:0:0:3", "02", "40", "00", "04"), // optimistic
      line("fd00:0:0:0:0:0:0:4", "02", "40", "00", "c8"), // dadfailed
    ].join("\n");
    const [eth0] = parseProcNet({ ...EMPTY, dev: DEV, ifInet6 }).interfaces;
    assert.deepEqual(
      eth0?.ipv6.map((a) => a.address),
      ["fd00::1", "fd00::2", "fd00::3"],
    );
  });

  it("maps scopes, skips unknown ones, and sorts global first", () => {
    const ifInet6 = [
      line("fe80:0:0:0:0:0:0:1", "02", "40", "20", "80"),
      line("fec0:0:0:0:0:0:0:1", "02", "40", "40", "80"),
      line("0:0:0:0:0:0:0:1", "02", "80", "10", "80"),
      line("fd00:0:0:0:0:0:0:9", "02", "30", "05", "80"),
      line("2001:db8:0:0:0:0:0:1", "02", "40", "00", "80"),
      line("0:0:0:0:0:ffff:a00:1", "02", "80", "10", "80"),
    ].join("\n");
    const [eth0] = parseProcNet({ ...EMPTY, dev: DEV, ifInet6 }).interfaces;
    assert.deepEqual(eth0?.ipv6, [
      { address: "2001:db8::1", prefix: 64, scope: "global" },
      { address: "fec0::1", prefix: 64, scope: "site" },
      { address: "fe80::1", prefix: 64, scope: "link" },
      { address: "::ffff:10.0.0.1", prefix: 128, scope: "host" },
    ]);
  });

  it("reads the interface index as hex", () => {
    const dev = `${DEV}  vethx: 0 0\n`;
    const ifInet6 = line("fe80:0:0:0:0:0:0:1", "1a", "40", "20", "80", "vethx");
    assert.deepEqual(
      parseProcNet({ ...EMPTY, dev, ifInet6 }).interfaces.map((i) => i.index),
      [undefined, 26],
    );
  });

  it("picks the default route with a next hop and the lowest metric", () => {
    const r = (dest: string, plen: string, srcPlen: string, hop: string, metric: string, name: string) =>
      [dest, plen, ZERO6, srcPlen, hop, metric, "00000001", "00000000", "00000003", name.padStart(8)].join(" ");
    const ipv6Route = [
      r(ZERO6, "00", "00", ZERO6, "00000000", "lo"), // unreachable
      r(ZERO6, "00", "40", hex6("fd00:0:0:0:0:0:0:5"), "00000001", "eth0"), // source-specific
      r(ZERO6, "00", "00", hex6("fd00:0:0:0:0:0:0:2"), "00000400", "eth0"),
      r(ZERO6, "00", "00", hex6("fe80:0:0:0:0:0:0:1"), "000000ff", "eth1"),
      r(hex6("fd00:0:0:0:0:0:0:0"), "40", "00", hex6("fd00:0:0:0:0:0:0:9"), "00000000", "eth0"),
    ].join("\n");
    assert.deepEqual(parseProcNet({ ...EMPTY, dev: DEV2, ipv6Route }).ipv6Gateway, {
      address: "fe80::1",
      interface: "eth1",
    });
  });
});

describe("hexToIpv6", () => {
  const cases: Array<[string, string]> = [
    ["all-zero", "::"],
    ["00000000000000000000000000000001", "::1"],
    ["20010db8000000000000000000000001", "2001:db8::1"],
    ["20010db8000000010000000000000001", "2001:db8:0:1::1"], // longest run, not the first
    ["20010db8000000000001000000000001", "2001:db8::1:0:0:1"], // first of two equal runs
    ["20010db8000100010001000100010001", "2001:db8:1:1:1:1:1:1"],
    ["20010db8000000010001000100010001", "2001:db8:0:1:1:1:1:1"], // a single 0 is not "::"
    ["FE80000000000000E85BFDFFFEC2EBB0", "fe80::e85b:fdff:fec2:ebb0"],
    ["00000000000000000000ffff0a7b0102", "::ffff:10.123.1.2"],
  ];
  for (const [hex, text] of cases) {
    it(`writes ${text}`, () => assert.equal(hexToIpv6(hex === "all-zero" ? ZERO6 : hex), text));
  }

  it("agrees with the WHATWG URL serialiser, which compresses the same way", () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const hex = groups.map((g) => g.toString(16).padStart(4, "0")).join("");
        fc.pre(!hex.startsWith("00000000000000000000ffff")); // URL keeps mapped addresses in hex
        const viaUrl = new URL(`http://[${groups.map((g) => g.toString(16)).join(":")}]/`).hostname.slice(1, -1);
        assert.equal(hexToIpv6(hex), viaUrl);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses text that is not 32 hex digits", () => {
    for (const bad of ["", "0", "g".repeat(32), "0".repeat(31), "0".repeat(33), ` ${"0".repeat(31)}`]) {
      assert.equal(hexToIpv6(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe("macFromSysfs", () => {
  const cases: Array<[string, string, string | undefined]> = [
    ["sysfs-line", "46:b2:01:dd:2f:f5\n", "46:b2:01:dd:2f:f5"],
    ["upper-case", "46:B2:01:DD:2F:F5", "46:b2:01:dd:2f:f5"],
    ["all-zero-loopback", "00:00:00:00:00:00\n", undefined],
    ["empty-tun", "\n", undefined],
    ["ipip-four-bytes", "0a:7b:01:02\n", undefined],
    ["infiniband-twenty-bytes", `${"80:".repeat(19)}80\n`, undefined],
    ["dashes", "46-b2-01-dd-2f-f5", undefined],
    ["two-lines", "46:b2:01:dd:2f:f5\n46:b2:01:dd:2f:f6", undefined],
  ];
  for (const [name, text, want] of cases) {
    it(`handles ${name}`, () => assert.equal(macFromSysfs(text), want));
  }
});

describe("garbage input", () => {
  it("drops interface names the kernel could not have made", () => {
    const dev = [
      "  ..: 0 0",
      "   .: 0 0",
      " a/b: 0 0",
      "  x y: 0 0",
      " abcdefghijklmnop: 0 0",
      " eth0: 1 2",
      " eth0: 1 2",
      "bad: x y",
    ].join("\n");
    assert.deepEqual(parseDevNames(dev), ["eth0"]);
  });

  const cases: Array<[string, Partial<ProcNetText>]> = [
    ["all-empty", {}],
    [
      "binary-noise",
      {
        fibTrie: "\u0000\uffff|-- \n/32 host LOCAL",
        route: "\t\t\t\t\t\t\t\t",
        ifInet6: "zz zz zz",
        ipv6Route: " ",
        dev: ":::",
      },
    ],
    [
      "truncated-lines",
      { fibTrie: "Main:\n  |-- 10.0", route: "eth0\t0000", ifInet6: "fd00", ipv6Route: "0000", dev: "  eth0:" },
    ],
    [
      "out-of-range-values",
      {
        dev: DEV,
        fibTrie: trie("Main:", leaf("300.1.1.1", "/32 host LOCAL")),
        route: route("eth0", "0.0.0.0", "1.1.1.1", "0003", 0, "255.0.255.0"),
        ifInet6: `${ZERO6} 02 ff 00 00 eth0`,
      },
    ],
    [
      "huge-numbers",
      {
        dev: DEV,
        route: `eth0\t00000000\t0100000A\t0003\t0\t0\t99999999999999999999\t00000000`,
        ifInet6: `${ZERO6} ffffffffff 40 00 00 eth0`,
      },
    ],
    ["not-strings", { fibTrie: 1, route: null, dev: {} } as unknown as Partial<ProcNetText>],
  ];
  for (const [name, text] of cases) {
    it(`returns only the well-formed parts of ${name}`, () => {
      const interfaces = text.dev === DEV ? [{ name: "eth0", ipv4: [], ipv6: [] }] : [];
      assert.deepEqual(parseProcNet({ ...EMPTY, ...text }), { interfaces });
    });
  }

  it("never throws on random text", () => {
    const text = fc.string({ unit: "binary", maxLength: 300 });
    fc.assert(
      fc.property(text, text, text, text, text, (fibTrie, route, ifInet6, ipv6Route, dev) => {
        parseProcNet({ fibTrie, route, ifInet6, ipv6Route, dev });
      }),
      { numRuns: 300 },
    );
  });

  it("never throws and never invents interfaces when capture lines are dropped or cut", () => {
    const real = fixture("two-interfaces");
    const keys = Object.keys(real) as Array<keyof ProcNetText>;
    const cut = fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 80 });
    fc.assert(
      fc.property(cut, (edits) => {
        const mangled = { ...real };
        for (const [i, [drop, at]] of edits.entries()) {
          const key = keys[i % keys.length]!;
          const lines = mangled[key].split("\n");
          const n = at % Math.max(lines.length, 1);
          if (drop) lines.splice(n, 1);
          else lines[n] = (lines[n] ?? "").slice(0, at % 40);
          mangled[key] = lines.join("\n");
        }
        const facts = parseProcNet(mangled);
        assert.ok(facts.interfaces.every((i) => i.name === "eth0" || i.name === "eth1"));
      }),
      { numRuns: 300 },
    );
  });
});
