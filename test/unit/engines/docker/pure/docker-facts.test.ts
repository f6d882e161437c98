// Tests src/core/docker-facts.ts: Docker-level facts from the Engine API's inspect (Docker 20.10
// and 28 shapes) and from config.v2.json + hostconfig.json at create; published ports only
// (exposed-but-unpublished ones have `null` bindings), one network entry per Docker network,
// `--volumes-from` references, and garbage that is left out and never throws.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { PortMapping } from "../../../../../src/core/container.js";
import {
  dockerFactsFromInspect,
  networksOf,
  portsOf,
  volumesFromRef,
} from "../../../../../src/engines/docker/pure/docker-facts.js";

const ID = "5b1a3c8e2f9d4a7b6c0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
const IMAGE_ID = "sha256:04bbc221c1ecd5ea6c0c5d7e8a3ea1b5f95f6d43eb5d25d0a93e42b5d3b6e1f2";

// Facts as they would be serialised: keys whose value is undefined disappear.
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// `docker run -d --name web -p 8080:80 -p 443 -l com.example.team=web httpd:2.4` on 20.10:
// 443 is exposed by -p without a host port before start, so dockerd shows it with `null`.
const INSPECT_20_10 = {
  Id: ID,
  Created: "2026-11-28T09:00:00.123456789Z",
  Path: "httpd-foreground",
  Args: [],
  State: {
    Status: "running",
    Running: true,
    Paused: false,
    Restarting: false,
    OOMKilled: false,
    Dead: false,
    Pid: 4242,
    ExitCode: 0,
    Error: "",
    StartedAt: "2026-11-28T09:00:01Z",
    FinishedAt: "0001-01-01T00:00:00Z",
  },
  Image: IMAGE_ID,
  Name: "/web",
  RestartCount: 0,
  Driver: "overlay2",
  HostConfig: {
    NetworkMode: "default",
    PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }] },
    VolumesFrom: null,
    AutoRemove: false,
  },
  Config: {
    Hostname: "5b1a3c8e2f9d",
    Image: "httpd:2.4",
    Labels: { "com.example.team": "web" },
    ExposedPorts: { "443/tcp": {}, "80/tcp": {} },
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
  },
  NetworkSettings: {
    Bridge: "",
    SandboxID: "9a8b7c6d5e4f",
    HairpinMode: false,
    Ports: {
      "443/tcp": null,
      "80/tcp": [
        { HostIp: "0.0.0.0", HostPort: "8080" },
        { HostIp: "::", HostPort: "8080" },
      ],
    },
    SandboxKey: "/var/run/docker/netns/9a8b7c6d5e4f",
    Gateway: "172.17.0.1",
    IPAddress: "172.17.0.2",
    IPPrefixLen: 16,
    MacAddress: "02:42:ac:11:00:02",
    Networks: {
      bridge: {
        IPAMConfig: null,
        Links: null,
        Aliases: null,
        NetworkID: "e1f2a3b4c5d6",
        EndpointID: "a1b2c3d4e5f6",
        Gateway: "172.17.0.1",
        IPAddress: "172.17.0.2",
        IPPrefixLen: 16,
        IPv6Gateway: "",
        GlobalIPv6Address: "",
        GlobalIPv6PrefixLen: 0,
        MacAddress: "02:42:ac:11:00:02",
        DriverOpts: null,
      },
    },
  },
};

// `docker run --network app --network db -p 127.0.0.1:5353:53/udp …` on 28.x, IPv6 on "app".
const INSPECT_28 = {
  Id: ID,
  State: { Status: "running", Running: true, Pid: 90210 },
  Image: IMAGE_ID,
  Name: "/dns",
  HostConfig: { NetworkMode: "app", VolumesFrom: ["data:ro", "5b1a3c8e2f9d"] },
  Config: { Image: "registry.example/dns:1.4", Labels: { "org.opencontainers.image.version": "1.4", tier: "back" } },
  NetworkSettings: {
    Ports: {
      "53/udp": [{ HostIp: "127.0.0.1", HostPort: "5353" }],
      "53/tcp": null,
      "9153/tcp": [
        { HostIp: "0.0.0.0", HostPort: "32771" },
        { HostIp: "::", HostPort: "32771" },
      ],
    },
    Networks: {
      app: {
        IPAMConfig: null,
        MacAddress: "02:42:ac:12:00:05",
        DriverOpts: null,
        GwPriority: 0,
        NetworkID: "0f1e2d3c4b5a",
        EndpointID: "5a4b3c2d1e0f",
        Gateway: "172.18.0.1",
        IPAddress: "172.18.0.5",
        IPPrefixLen: 16,
        IPv6Gateway: "fd00:db8:1::1",
        GlobalIPv6Address: "fd00:db8:1::5",
        GlobalIPv6PrefixLen: 64,
        DNSNames: ["dns", "5b1a3c8e2f9d"],
      },
      db: {
        MacAddress: "02:42:ac:13:00:03",
        Gateway: "172.19.0.1",
        IPAddress: "172.19.0.3",
        IPPrefixLen: 24,
        IPv6Gateway: "",
        GlobalIPv6Address: "",
        GlobalIPv6PrefixLen: 0,
      },
    },
  },
};

describe("dockerFactsFromInspect", () => {
  it("reads a Docker 20.10 inspect of a running container on the default bridge", () => {
    assert.deepEqual(plain(dockerFactsFromInspect(INSPECT_20_10)), {
      id: ID,
      dockerName: "/web",
      image: "httpd:2.4",
      imageId: IMAGE_ID,
      labels: { "com.example.team": "web" },
      networkMode: "bridge",
      ports: [
        { ContainerPort: 80, HostPort: 8080, BindIp: "0.0.0.0", Protocol: "tcp" },
        { ContainerPort: 80, HostPort: 8080, BindIp: "::", Protocol: "tcp" },
      ],
      networks: [
        {
          NetworkMode: "bridge",
          MACAddress: "02:42:ac:11:00:02",
          IPv4Addresses: ["172.17.0.2"],
          IPv6Addresses: [],
          IPv4CIDRs: ["172.17.0.2/16"],
          IPv4Gateway: "172.17.0.1",
        },
      ],
      pid: 4242,
      running: true,
      volumesFrom: [],
    });
  });

  it("reads a Docker 28 inspect with two networks, IPv6 and a udp port", () => {
    assert.deepEqual(plain(dockerFactsFromInspect(INSPECT_28)), {
      id: ID,
      dockerName: "/dns",
      image: "registry.example/dns:1.4",
      imageId: IMAGE_ID,
      labels: { "org.opencontainers.image.version": "1.4", tier: "back" },
      networkMode: "app",
      ports: [
        { ContainerPort: 53, HostPort: 5353, BindIp: "127.0.0.1", Protocol: "udp" },
        { ContainerPort: 9153, HostPort: 32771, BindIp: "0.0.0.0", Protocol: "tcp" },
        { ContainerPort: 9153, HostPort: 32771, BindIp: "::", Protocol: "tcp" },
      ],
      networks: [
        {
          NetworkMode: "app",
          MACAddress: "02:42:ac:12:00:05",
          IPv4Addresses: ["172.18.0.5"],
          IPv6Addresses: ["fd00:db8:1::5"],
          IPv4CIDRs: ["172.18.0.5/16"],
          IPv6CIDRs: ["fd00:db8:1::5/64"],
          IPv4Gateway: "172.18.0.1",
          IPv6Gateway: "fd00:db8:1::1",
        },
        {
          NetworkMode: "db",
          MACAddress: "02:42:ac:13:00:03",
          IPv4Addresses: ["172.19.0.3"],
          IPv6Addresses: [],
          IPv4CIDRs: ["172.19.0.3/24"],
          IPv4Gateway: "172.19.0.1",
        },
      ],
      pid: 90210,
      running: true,
      volumesFrom: ["data:ro", "5b1a3c8e2f9d"],
    });
  });

  const modes: Array<[string, string, string]> = [
    ["default-is-bridge", "default", "bridge"],
    ["bridge", "bridge", "bridge"],
    ["host", "host", "host"],
    ["none", "none", "none"],
    ["custom-network", "app-net", "app-net"],
    ["container-netns", `container:${ID}`, `container:${ID}`],
  ];
  for (const [name, given, expected] of modes) {
    it(`reports Docker's network mode, with default read as bridge [${name}]`, () => {
      assert.equal(dockerFactsFromInspect({ HostConfig: { NetworkMode: given } }).networkMode, expected);
    });
  }

  it("gives --network host one empty entry named host, never the host's addresses", () => {
    const facts = dockerFactsFromInspect({
      HostConfig: { NetworkMode: "host" },
      NetworkSettings: {
        Ports: {},
        Networks: { host: { NetworkID: "abc", Gateway: "", IPAddress: "", IPPrefixLen: 0, MacAddress: "" } },
      },
    });
    assert.deepEqual(plain(facts.networks), [{ NetworkMode: "host", IPv4Addresses: [], IPv6Addresses: [] }]);
    assert.deepEqual(facts.ports, []);
  });

  it("reads config.v2.json with hostconfig.json at create, before the container runs", () => {
    // What dockerd has written to <data-root>/containers/<id>/ when it calls the runtime's create.
    const configV2 = {
      StreamConfig: {},
      State: { Running: false, Paused: false, Pid: 0, ExitCode: 0, StartedAt: "0001-01-01T00:00:00Z" },
      ID,
      Created: "2026-11-28T09:00:00.123456789Z",
      Managed: false,
      Path: "httpd-foreground",
      Config: { Image: "httpd:2.4", Labels: { "com.example.team": "web" } },
      Image: IMAGE_ID,
      NetworkSettings: {
        Bridge: "",
        SandboxID: "",
        Networks: { bridge: { IPAddress: "", MacAddress: "", Gateway: "" } },
        Ports: null,
      },
      Name: "/web",
      Driver: "overlay2",
    };
    const hostConfig = {
      Binds: null,
      NetworkMode: "bridge",
      PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }] },
      VolumesFrom: ["data:ro"],
    };
    assert.deepEqual(plain(dockerFactsFromInspect(configV2, hostConfig)), {
      id: ID,
      dockerName: "/web",
      image: "httpd:2.4",
      imageId: IMAGE_ID,
      labels: { "com.example.team": "web" },
      networkMode: "bridge",
      networks: [{ NetworkMode: "bridge", IPv4Addresses: [], IPv6Addresses: [] }],
      running: false,
      volumesFrom: ["data:ro"],
    });
  });

  it("prefers the hostConfig argument over an inspect's own HostConfig", () => {
    const facts = dockerFactsFromInspect(
      { HostConfig: { NetworkMode: "host", VolumesFrom: ["a"] } },
      { NetworkMode: "none", VolumesFrom: ["b:rw"] },
    );
    assert.equal(facts.networkMode, "none");
    assert.deepEqual(facts.volumesFrom, ["b:rw"]);
  });

  for (const [name, hostConfig] of [
    ["undefined", undefined],
    ["null", null],
    ["array", []],
    ["string", "{}"],
  ] as const) {
    it(`falls back to the inspect's HostConfig when the hostConfig argument is not an object [${name}]`, () => {
      assert.equal(
        dockerFactsFromInspect({ HostConfig: { NetworkMode: "default" } }, hostConfig).networkMode,
        "bridge",
      );
    });
  }

  it("keeps only string labels, with a __proto__ label as a plain own key", () => {
    const labels = JSON.parse('{"a":"1","n":2,"o":{"x":"y"},"nil":null,"__proto__":"p","empty":""}') as unknown;
    const facts = dockerFactsFromInspect({ Config: { Labels: labels } });
    assert.deepEqual(Object.keys(facts.labels).sort(), ["__proto__", "a", "empty"]);
    assert.equal(Object.getPrototypeOf(facts.labels), Object.prototype);
    assert.ok(Object.hasOwn(facts.labels, "__proto__"));
    assert.equal(facts.labels["__proto__"], "p");
  });

  const states: Array<[string, unknown, number | undefined, boolean | undefined]> = [
    ["running", { Pid: 7, Running: true }, 7, true],
    ["stopped-pid-zero", { Pid: 0, Running: false }, undefined, false],
    ["negative-pid", { Pid: -1 }, undefined, undefined],
    ["string-pid", { Pid: "7", Running: "true" }, undefined, undefined],
    ["no-state", undefined, undefined, undefined],
    ["state-array", [1, 2], undefined, undefined],
  ];
  for (const [name, state, pid, running] of states) {
    it(`reads the pid only when positive and running only when boolean [${name}]`, () => {
      const facts = dockerFactsFromInspect({ State: state });
      assert.equal(facts.pid, pid);
      assert.equal(facts.running, running);
    });
  }

  it("reads Id before ID and treats empty strings as unknown", () => {
    assert.equal(dockerFactsFromInspect({ Id: "a", ID: "b" }).id, "a");
    assert.equal(dockerFactsFromInspect({ Id: "", ID: "b" }).id, "b");
    const facts = dockerFactsFromInspect({
      Name: "",
      Image: "",
      Config: { Image: "" },
      HostConfig: { NetworkMode: "" },
    });
    assert.deepEqual(plain(facts), { labels: {}, volumesFrom: [] });
  });

  it("keeps only string --volumes-from entries", () => {
    assert.deepEqual(
      dockerFactsFromInspect({ HostConfig: { VolumesFrom: ["a", 1, null, "b:ro", { x: 1 }] } }).volumesFrom,
      ["a", "b:ro"],
    );
    assert.deepEqual(dockerFactsFromInspect({ HostConfig: { VolumesFrom: null } }).volumesFrom, []);
    assert.deepEqual(dockerFactsFromInspect({ HostConfig: { VolumesFrom: "a" } }).volumesFrom, []);
  });

  for (const [name, json] of [
    ["undefined", undefined],
    ["null", null],
    ["array", [INSPECT_28]],
    ["string", JSON.stringify(INSPECT_28)],
    ["number", 1],
  ] as const) {
    it(`gives empty facts for input that is not an object [${name}]`, () => {
      assert.deepEqual(plain(dockerFactsFromInspect(json)), { labels: {}, volumesFrom: [] });
    });
  }
});

describe("portsOf", () => {
  const badKeys: Array<[string, string]> = [
    ["no-protocol", "80"],
    ["upper-case-protocol", "80/TCP"],
    ["reversed", "tcp/80"],
    ["unknown-protocol", "80/icmp"],
    ["negative", "-80/tcp"],
    ["range", "8080-8081/tcp"],
    ["leading-space", " 80/tcp"],
    ["trailing-space", "80/tcp "],
    ["trailing-newline", "80/tcp\n"],
    ["empty", ""],
    ["slash-only", "/tcp"],
    ["named-port", "http/tcp"],
  ];
  for (const [name, key] of badKeys) {
    it(`ignores a malformed port key [${name}]`, () => {
      assert.deepEqual(
        portsOf({ [key]: [{ HostIp: "0.0.0.0", HostPort: "8080" }], "81/tcp": [{ HostPort: "8081" }] }),
        [{ ContainerPort: 81, HostPort: 8081, BindIp: "0.0.0.0", Protocol: "tcp" }],
      );
    });
  }

  const badPorts: Array<[string, unknown]> = [
    ["empty", ""],
    ["zero", "0"],
    ["negative", "-1"],
    ["word", "http"],
    ["fraction", "80.5"],
    ["missing", undefined],
    ["null", null],
    ["object", { port: 80 }],
  ];
  for (const [name, hostPort] of badPorts) {
    it(`ignores a binding without a usable host port [${name}]`, () => {
      assert.deepEqual(portsOf({ "80/tcp": [{ HostIp: "0.0.0.0", HostPort: hostPort }] }), []);
    });
  }

  // Docker writes HostPort as a decimal string; these are not what it writes, so not ports.
  const lenient: Array<[string, unknown]> = [
    ["hex", "0x50"],
    ["exponent", "1e3"],
    ["padded", " 80 "],
    ["too-large", "65536"],
    ["array", ["80"]],
    ["boolean", true],
  ];
  for (const [name, hostPort] of lenient) {
    it(`ignores a host port that is not a decimal port number [${name}]`, () => {
      assert.deepEqual(portsOf({ "80/tcp": [{ HostIp: "0.0.0.0", HostPort: hostPort }] }), []);
    });
  }

  it("never throws on a host port object that cannot become a primitive", () => {
    const bindings = JSON.parse('{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":{"toString":0,"valueOf":0}}]}') as unknown;
    assert.deepEqual(portsOf(bindings), []);
  });

  it("leaves out exposed-but-unpublished ports, whose bindings are null", () => {
    assert.deepEqual(portsOf({ "443/tcp": null, "80/tcp": [], "53/udp": {} }), []);
  });

  it("skips binding entries that are not objects and keeps the rest", () => {
    assert.deepEqual(portsOf({ "80/tcp": [null, "8080", 8080, [], { HostIp: "10.0.0.1", HostPort: "8080" }] }), [
      { ContainerPort: 80, HostPort: 8080, BindIp: "10.0.0.1", Protocol: "tcp" },
    ]);
  });

  for (const [name, hostIp, bindIp] of [
    ["missing", undefined, "0.0.0.0"],
    ["empty", "", "0.0.0.0"],
    ["ipv4", "127.0.0.1", "127.0.0.1"],
    ["ipv6-any", "::", "::"],
    ["ipv6", "::1", "::1"],
    ["number", 0, "0.0.0.0"],
  ] as const) {
    it(`binds to all IPv4 addresses unless Docker names an address [${name}]`, () => {
      assert.deepEqual(portsOf({ "80/tcp": [{ HostIp: hostIp, HostPort: "8080" }] }), [
        { ContainerPort: 80, HostPort: 8080, BindIp: bindIp, Protocol: "tcp" },
      ]);
    });
  }

  it("reads sctp and udp protocols", () => {
    const ports = portsOf({ "38412/sctp": [{ HostPort: "38412" }], "53/udp": [{ HostPort: "53" }] });
    assert.deepEqual(
      ports?.map((p: PortMapping) => p.Protocol),
      ["sctp", "udp"],
    );
  });

  for (const [name, value] of [
    ["undefined", undefined],
    ["null", null],
    ["array", [["80/tcp", []]]],
    ["string", "80/tcp"],
  ] as const) {
    it(`knows no ports when Ports is not an object [${name}]`, () => assert.equal(portsOf(value), undefined));
  }

  it("knows there are no ports when Ports is an empty object", () => assert.deepEqual(portsOf({}), []));
});

describe("networksOf", () => {
  it("gives one entry per network, named by the network, in Docker's order", () => {
    const nets = networksOf(INSPECT_28.NetworkSettings.Networks);
    assert.deepEqual(
      nets?.map((n) => n.NetworkMode),
      ["app", "db"],
    );
  });

  const prefixes: Array<[string, unknown, unknown, string[] | undefined, string[] | undefined]> = [
    ["both-positive", 24, 64, ["10.1.0.2/24"], ["fd00::2/64"]],
    ["both-zero", 0, 0, undefined, undefined],
    ["missing", undefined, undefined, undefined, undefined],
    ["strings", "24", "64", undefined, undefined],
    ["negative", -1, -64, undefined, undefined],
    ["v4-only", 32, 0, ["10.1.0.2/32"], undefined],
  ];
  for (const [name, v4Prefix, v6Prefix, v4Cidrs, v6Cidrs] of prefixes) {
    it(`gives CIDRs only for a prefix length above zero [${name}]`, () => {
      const [entry] =
        networksOf({
          n: {
            IPAddress: "10.1.0.2",
            IPPrefixLen: v4Prefix,
            GlobalIPv6Address: "fd00::2",
            GlobalIPv6PrefixLen: v6Prefix,
          },
        }) ?? [];
      assert.deepEqual(entry?.IPv4Addresses, ["10.1.0.2"]);
      assert.deepEqual(entry?.IPv6Addresses, ["fd00::2"]);
      assert.deepEqual(entry?.IPv4CIDRs, v4Cidrs);
      assert.deepEqual(entry?.IPv6CIDRs, v6Cidrs);
    });
  }

  it("gives no CIDR without an address, whatever the prefix", () => {
    const [entry] =
      networksOf({ n: { IPAddress: "", IPPrefixLen: 16, GlobalIPv6Address: "", GlobalIPv6PrefixLen: 64 } }) ?? [];
    assert.deepEqual(plain(entry), { NetworkMode: "n", IPv4Addresses: [], IPv6Addresses: [] });
  });

  it("skips networks whose value is not an object", () => {
    assert.deepEqual(
      networksOf({ a: null, b: "x", c: [], d: { IPAddress: "10.0.0.2" } })?.map((n) => n.NetworkMode),
      ["d"],
    );
  });

  it("ignores non-string addresses, gateways and MACs", () => {
    const [entry] =
      networksOf({
        n: {
          IPAddress: 167772162,
          MacAddress: 2,
          Gateway: ["10.0.0.1"],
          IPv6Gateway: {},
          GlobalIPv6Address: null,
          IPPrefixLen: 8,
        },
      }) ?? [];
    assert.deepEqual(plain(entry), { NetworkMode: "n", IPv4Addresses: [], IPv6Addresses: [] });
  });

  for (const [name, value] of [
    ["undefined", undefined],
    ["null", null],
    ["array", [{ IPAddress: "10.0.0.2" }]],
  ] as const) {
    it(`knows no networks when Networks is not an object [${name}]`, () => assert.equal(networksOf(value), undefined));
  }
});

describe("volumesFromRef", () => {
  const cases: Array<[string, string, string]> = [
    ["name", "data", "data"],
    ["name-ro", "data:ro", "data"],
    ["name-rw", "data:rw", "data"],
    ["id-ro", `${ID.slice(0, 12)}:ro`, ID.slice(0, 12)],
    ["full-id", ID, ID],
    ["mode-only-at-end", "data:ro:rw", "data:ro"],
    ["not-a-mode", "data:rox", "data:rox"],
    ["mode-like-name", "ro", "ro"],
    ["colon-in-middle", "a:ro-b", "a:ro-b"],
    ["upper-case-mode", "data:RO", "data:RO"],
    ["mode-then-newline", "data:ro\n", "data:ro\n"],
  ];
  for (const [name, entry, expected] of cases) {
    it(`strips a trailing :ro or :rw only [${name}]`, () => assert.equal(volumesFromRef(entry), expected));
  }
});

describe("dockerFactsFromInspect on hostile input", () => {
  // Facts must be well-formed whatever came in.
  function assertWellFormed(facts: ReturnType<typeof dockerFactsFromInspect>): void {
    for (const v of Object.values(facts.labels)) assert.equal(typeof v, "string");
    for (const v of facts.volumesFrom) assert.equal(typeof v, "string");
    for (const p of facts.ports ?? []) {
      assert.ok(Number.isInteger(p.ContainerPort) && Number.isInteger(p.HostPort) && p.HostPort > 0);
      assert.ok(["tcp", "udp", "sctp"].includes(p.Protocol));
      assert.equal(typeof p.BindIp, "string");
    }
    for (const n of facts.networks ?? []) {
      assert.equal(typeof n.NetworkMode, "string");
      assert.ok(n.IPv4Addresses.every((a) => typeof a === "string" && a !== ""));
    }
    if (facts.pid !== undefined) assert.ok(facts.pid > 0);
  }

  it("never throws on anything at all", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (json, host) => assertWellFormed(dockerFactsFromInspect(json, host))),
      { numRuns: 1000 },
    );
  });

  it("never throws on inspect-shaped garbage", () => {
    const portKey = fc.oneof(fc.string(), fc.constantFrom("80/tcp", "53/udp", "38412/sctp", "80", "x/tcp"));
    const binding = fc.oneof(
      fc.anything(),
      fc.record(
        { HostIp: fc.anything(), HostPort: fc.oneof(fc.anything(), fc.string(), fc.nat().map(String)) },
        { requiredKeys: [] },
      ),
    );
    const inspect = fc.record(
      {
        Id: fc.anything(),
        Name: fc.anything(),
        Image: fc.anything(),
        Config: fc.oneof(
          fc.anything(),
          fc.record({ Image: fc.anything(), Labels: fc.anything() }, { requiredKeys: [] }),
        ),
        HostConfig: fc.oneof(
          fc.anything(),
          fc.record({ NetworkMode: fc.anything(), VolumesFrom: fc.anything() }, { requiredKeys: [] }),
        ),
        State: fc.oneof(fc.anything(), fc.record({ Pid: fc.anything(), Running: fc.anything() }, { requiredKeys: [] })),
        NetworkSettings: fc.record(
          {
            Ports: fc.oneof(fc.anything(), fc.dictionary(portKey, fc.oneof(fc.anything(), fc.array(binding)))),
            Networks: fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.oneof(fc.anything(), fc.object()))),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(inspect, (json) => assertWellFormed(dockerFactsFromInspect(json))),
      { numRuns: 1000 },
    );
  });

  it("never throws on JSON text turned inside out", () => {
    fc.assert(
      fc.property(fc.json(), (text) => assertWellFormed(dockerFactsFromInspect(JSON.parse(text)))),
      { numRuns: 500 },
    );
  });
});
