// Tests src/core/document.ts: the metadata document's keys (ECS + seed + ours), READY only
// with network, empty values omitted, the primary address, the annotation allow-list, the
// on-disk text and the schema it must always satisfy.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type ContainerView, viewFromSpec } from "../../../src/core/container.js";
import {
  buildDocument,
  type DocumentInput,
  deriveNetworkMode,
  type MetadataDocument,
  networkEntries,
  pickAnnotations,
  serializeDocument,
} from "../../../src/core/document.js";
import { documentSchema } from "../../../src/core/document-schema.js";
import type { NetworkFacts } from "../../../src/core/net-parse.js";

const NOW = new Date("2026-11-28T09:00:00.000Z");
const ID = "ef3dabed9bef4f9e8d8f4d2c1b0a9988";

function view(over: Partial<ContainerView> = {}): ContainerView {
  return { id: ID, annotations: {}, mounts: [], env: [], platform: "linux", engine: "runc", ...over };
}

function input(over: Partial<DocumentInput> = {}): DocumentInput {
  return {
    view: view(),
    plan: { task: "default", name: ID },
    identity: {},
    status: "created",
    annotationsToInclude: [],
    now: NOW,
    ...over,
  };
}

// Two interfaces; the IPv4 default route leaves by the second one (eth1), IPv6 by eth0.
const NET: NetworkFacts = {
  interfaces: [
    {
      name: "eth0",
      mac: "02:42:ac:11:00:02",
      ipv4: [{ address: "172.17.0.2", prefix: 16 }],
      ipv6: [
        { address: "2001:db8::2", prefix: 64, scope: "global" },
        { address: "fec0::2", prefix: 64, scope: "site" },
        { address: "fe80::42:acff:fe11:2", prefix: 64, scope: "link" },
      ],
    },
    {
      name: "eth1",
      ipv4: [
        { address: "10.0.0.5", prefix: 24 },
        { address: "10.0.0.6", prefix: 24 },
      ],
      ipv6: [{ address: "fe80::1", prefix: 64, scope: "link" }],
    },
  ],
  ipv4Gateway: { address: "10.0.0.1", interface: "eth1" },
  ipv6Gateway: { address: "2001:db8::1", interface: "eth0" },
};

describe("buildDocument", () => {
  it("fills every key it knows for a fully described container", () => {
    const doc = buildDocument(
      input({
        view: view({
          name: "web",
          dockerName: "/web",
          image: "httpd:2.4",
          imageId: "sha256:04bbc221",
          cluster: "from-annotation",
          networkMode: "bridge",
          ports: [{ ContainerPort: 80, HostPort: 32768, BindIp: "0.0.0.0", Protocol: "tcp" }],
          annotations: { "com.example/team": "web", "com.example/tier": "front", secret: "x" },
          engine: "docker",
        }),
        plan: { task: "default/web-7d9c/1f0e", name: "web" },
        identity: { cluster: "prod-eu", containerInstance: "node-17" },
        network: NET,
        status: "running",
        annotationsToInclude: ["com.example/*"],
      }),
    );
    assert.deepEqual(doc, {
      Version: "v1",
      Status: "running",
      MetadataFileStatus: "READY",
      Cluster: "prod-eu",
      ContainerInstanceARN: "node-17",
      TaskARN: "default/web-7d9c/1f0e",
      ContainerName: "web",
      ContainerID: ID,
      DockerContainerName: "/web",
      ImageName: "httpd:2.4",
      ImageID: "sha256:04bbc221",
      PortMappings: [{ ContainerPort: 80, HostPort: 32768, BindIp: "0.0.0.0", Protocol: "tcp" }],
      Networks: [
        {
          NetworkMode: "bridge",
          Interface: "eth0",
          MACAddress: "02:42:ac:11:00:02",
          IPv4Addresses: ["172.17.0.2"],
          IPv6Addresses: ["2001:db8::2", "fec0::2"],
          IPv4CIDRs: ["172.17.0.2/16"],
          IPv6CIDRs: ["2001:db8::2/64", "fec0::2/64"],
          IPv6Gateway: "2001:db8::1",
        },
        {
          NetworkMode: "bridge",
          Interface: "eth1",
          IPv4Addresses: ["10.0.0.5", "10.0.0.6"],
          IPv6Addresses: [],
          IPv4CIDRs: ["10.0.0.5/24", "10.0.0.6/24"],
          IPv6CIDRs: [],
          IPv4Gateway: "10.0.0.1",
        },
      ],
      NetworkMode: "bridge",
      IPAddress: "10.0.0.5",
      Gateway: "10.0.0.1",
      IPv6Address: "2001:db8::2",
      IPv6Gateway: "2001:db8::1",
      Annotations: { "com.example/team": "web", "com.example/tier": "front" },
      Engine: "docker",
      LastUpdatedAt: "2026-11-28T09:00:00.000Z",
    });
  });

  it("has the ECS keys, the seed's keys and ours", () => {
    const doc = buildDocument(
      input({
        view: view({
          dockerName: "/x",
          image: "i",
          imageId: "sha256:1",
          networkMode: "bridge",
          ports: [],
          cluster: "c",
          annotations: { a: "1" },
        }),
        identity: { containerInstance: "n" },
        network: NET,
        annotationsToInclude: ["a"],
      }),
    );
    const ecs = [
      "Cluster",
      "ContainerInstanceARN",
      "TaskARN",
      "ContainerName",
      "ContainerID",
      "DockerContainerName",
      "ImageID",
      "ImageName",
      "PortMappings",
      "Networks",
      "MetadataFileStatus",
    ];
    const seed = ["Version", "Status", "Gateway", "IPAddress", "IPv6Gateway", "LastUpdatedAt"];
    const ours = ["Engine", "NetworkMode", "IPv6Address", "Annotations"];
    assert.deepEqual(Object.keys(doc).sort(), [...ecs, ...seed, ...ours].sort());
  });

  it("is not READY without network and leaves network keys out", () => {
    const doc = buildDocument(input());
    assert.deepEqual(doc, {
      Version: "v1",
      Status: "created",
      TaskARN: "default",
      ContainerName: ID,
      ContainerID: ID,
      Engine: "runc",
      LastUpdatedAt: "2026-11-28T09:00:00.000Z",
    });
    assert.equal("MetadataFileStatus" in doc, false);
  });

  it("is READY once the network was read, even an empty own netns", () => {
    const doc = buildDocument(input({ network: { interfaces: [] } }));
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.deepEqual(doc.Networks, []);
    assert.equal("IPAddress" in doc, false);
    assert.equal("Gateway" in doc, false);
  });

  it("omits empty strings and undefined values instead of inventing them", () => {
    const doc = buildDocument(
      input({
        view: view({ image: "", imageId: undefined, dockerName: "", networkMode: "" }),
        identity: { containerInstance: "" },
      }),
    );
    for (const key of [
      "ImageName",
      "ImageID",
      "DockerContainerName",
      "NetworkMode",
      "ContainerInstanceARN",
      "Cluster",
      "PortMappings",
      "Annotations",
    ]) {
      assert.equal(key in doc, false, key);
    }
    assert.ok(Object.values(doc).every((v) => v !== undefined && v !== ""));
  });

  it("omits undefined keys inside network entries", () => {
    const doc = buildDocument(
      input({ network: { interfaces: [{ name: "eth0", ipv4: [{ address: "10.1.1.1", prefix: 8 }], ipv6: [] }] } }),
    );
    assert.deepEqual(doc.Networks, [
      { Interface: "eth0", IPv4Addresses: ["10.1.1.1"], IPv6Addresses: [], IPv4CIDRs: ["10.1.1.1/8"], IPv6CIDRs: [] },
    ]);
    assert.equal("Gateway" in doc, false);
  });

  it("takes the cluster from the configured identity before the view's annotation", () => {
    assert.equal(
      buildDocument(input({ view: view({ cluster: "annotated" }), identity: { cluster: "configured" } })).Cluster,
      "configured",
    );
    assert.equal(buildDocument(input({ view: view({ cluster: "annotated" }) })).Cluster, "annotated");
  });

  it("uses the plan's raw task and name, not the sanitised segments", () => {
    const doc = buildDocument(input({ plan: { task: "ns/pod/uid", name: "web/../x" } }));
    assert.equal(doc.TaskARN, "ns/pod/uid");
    assert.equal(doc.ContainerName, "web/../x");
  });

  it("stamps LastUpdatedAt from the given clock", () => {
    assert.equal(buildDocument(input({ now: new Date(0) })).LastUpdatedAt, "1970-01-01T00:00:00.000Z");
  });
});

describe("primary address", () => {
  it("is the interface that holds the IPv4 default gateway, not simply the first", () => {
    const doc = buildDocument(input({ network: NET }));
    assert.equal(doc.IPAddress, "10.0.0.5");
    assert.equal(doc.Gateway, "10.0.0.1");
  });

  it("falls back to the first interface without a default gateway", () => {
    const doc = buildDocument(input({ network: { interfaces: NET.interfaces } }));
    assert.equal(doc.IPAddress, "172.17.0.2");
    assert.equal("Gateway" in doc, false);
    assert.equal("IPv6Gateway" in doc, false);
  });

  it("takes IPv6Address from the primary interface, or from any interface with a routable one", () => {
    assert.equal(buildDocument(input({ network: NET })).IPv6Address, "2001:db8::2"); // eth1 (primary) has only link-local
    const onlyPrimary: NetworkFacts = {
      ...NET,
      interfaces: [
        NET.interfaces[1]!,
        { name: "eth2", ipv4: [], ipv6: [{ address: "2001:db8::9", prefix: 64, scope: "global" }] },
      ],
    };
    assert.equal(buildDocument(input({ network: onlyPrimary })).IPv6Address, "2001:db8::9");
  });

  it("puts each gateway only on the interface it leaves by", () => {
    const [eth0, eth1] = networkEntries(NET, undefined);
    assert.equal(eth0!.IPv4Gateway, undefined);
    assert.equal(eth0!.IPv6Gateway, "2001:db8::1");
    assert.equal(eth1!.IPv4Gateway, "10.0.0.1");
    assert.equal(eth1!.IPv6Gateway, undefined);
  });
});

describe("networkEntries", () => {
  it("leaves link-local and host-scope IPv6 out of the addresses and CIDRs", () => {
    const net: NetworkFacts = {
      interfaces: [
        {
          name: "eth0",
          ipv4: [],
          ipv6: [
            { address: "fe80::1", prefix: 64, scope: "link" },
            { address: "::1", prefix: 128, scope: "host" },
            { address: "2001:db8::5", prefix: 48, scope: "global" },
          ],
        },
      ],
    };
    const [entry] = networkEntries(net, "awsvpc");
    assert.deepEqual(entry!.IPv6Addresses, ["2001:db8::5"]);
    assert.deepEqual(entry!.IPv6CIDRs, ["2001:db8::5/48"]);
    assert.equal(entry!.NetworkMode, "awsvpc");
  });

  it("lists IPv4 addresses with their CIDRs in order", () => {
    const [, eth1] = networkEntries(NET, undefined);
    assert.deepEqual(eth1!.IPv4Addresses, ["10.0.0.5", "10.0.0.6"]);
    assert.deepEqual(eth1!.IPv4CIDRs, ["10.0.0.5/24", "10.0.0.6/24"]);
  });

  it("gives one entry per interface", () => {
    assert.deepEqual(
      networkEntries(NET, undefined).map((n) => n.Interface),
      ["eth0", "eth1"],
    );
    assert.deepEqual(networkEntries({ interfaces: [] }, "none"), []);
  });
});

describe("annotations allow-list", () => {
  const all = {
    "com.example/team": "web",
    "com.example/tier": "front",
    "com.examplex": "no",
    "io.kubernetes.pod.name": "p",
    plain: "1",
    "": "empty-key",
  };
  const cases: Array<[string, string[], Record<string, string> | undefined]> = [
    ["empty-list", [], undefined],
    ["exact-key", ["plain"], { plain: "1" }],
    ["exact-key-is-not-a-prefix", ["com.example"], undefined],
    ["prefix", ["com.example/*"], { "com.example/team": "web", "com.example/tier": "front" }],
    [
      "prefix-without-slash",
      ["com.example*"],
      { "com.example/team": "web", "com.example/tier": "front", "com.examplex": "no" },
    ],
    ["star-alone-takes-all", ["*"], all],
    ["exact-and-prefix", ["plain", "io.kubernetes.*"], { "io.kubernetes.pod.name": "p", plain: "1" }],
    ["nothing-matches", ["absent", "none/*"], undefined],
    ["star-in-the-middle-is-literal", ["com.*/team"], undefined],
  ];
  for (const [name, allow, expected] of cases) {
    it(`picks exact keys and prefix* keys [${name}]`, () => assert.deepEqual(pickAnnotations(all, allow), expected));
  }

  it("puts the picked annotations into the document", () => {
    const doc = buildDocument(input({ view: view({ annotations: all }), annotationsToInclude: ["plain"] }));
    assert.deepEqual(doc.Annotations, { plain: "1" });
  });
});

describe("serializeDocument", () => {
  it("indents with tabs like the ECS agent and ends with a newline", () => {
    const doc = buildDocument(input({ network: NET }));
    const text = serializeDocument(doc);
    assert.equal(text, `${JSON.stringify(doc, null, "\t")}\n`);
    assert.ok(text.startsWith('{\n\t"Version": "v1",\n\t"Status": "created",\n'));
    assert.ok(text.endsWith("\n}\n"));
    for (const line of text.split("\n").slice(1, -2)) assert.match(line, /^\t+\S/);
    assert.deepEqual(JSON.parse(text), doc);
  });
});

describe("documentSchema", () => {
  it("accepts a document built with and without network", () => {
    for (const network of [undefined, NET, { interfaces: [] }]) {
      const doc = buildDocument(
        input({
          network,
          view: view({
            ports: [{ ContainerPort: 53, HostPort: 53, BindIp: "::", Protocol: "udp" }],
            annotations: { a: "b" },
          }),
          annotationsToInclude: ["*"],
        }),
      );
      const result = documentSchema.safeParse(doc);
      assert.ok(result.success, JSON.stringify(result.error?.issues));
    }
  });

  it("rejects a document without its required keys or with a wrong status", () => {
    const doc = buildDocument(input()) as Partial<MetadataDocument>;
    assert.equal(documentSchema.safeParse({ ...doc, Version: "v2" }).success, false);
    assert.equal(documentSchema.safeParse({ ...doc, Status: "paused" }).success, false);
    assert.equal(documentSchema.safeParse({ ...doc, MetadataFileStatus: "PENDING" }).success, false);
    const { ContainerID: _, ...missing } = doc;
    assert.equal(documentSchema.safeParse(missing).success, false);
  });

  it("accepts a document whose task or name came in as an empty string", () => {
    const doc = buildDocument(input({ plan: { task: "", name: "" } }));
    const result = documentSchema.safeParse(doc);
    assert.ok(result.success, JSON.stringify(result.error?.issues));
  });

  it("never produces a port mapping that fails the schema from pinned ports with an empty BindIp", () => {
    // A workload can pin ports itself; parsePorts refuses the whole list when one is malformed.
    const pinned = viewFromSpec(
      {
        annotations: { "oci-metadata.io/ports": '[{"ContainerPort":80,"HostPort":8080,"BindIp":"","Protocol":"tcp"}]' },
      },
      ID,
      "runc",
    );
    assert.equal(pinned.ports, undefined);
    const doc = buildDocument(input({ view: pinned }));
    const result = documentSchema.safeParse(doc);
    assert.ok(result.success, JSON.stringify(result.error?.issues));
  });

  it("accepts every document built from arbitrary facts", () => {
    const text = fc.string();
    // Runtimes never give an empty id, and plan never gives an empty task or name (see the todo below).
    const nonEmpty = fc.string({ minLength: 1 });
    const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    const ipv4 = fc.record({ address: fc.ipV4(), prefix: fc.integer({ min: 0, max: 32 }) });
    const ipv6 = fc.record({
      address: fc.ipV6(),
      prefix: fc.integer({ min: 0, max: 128 }),
      scope: fc.constantFrom("global" as const, "site" as const, "link" as const, "host" as const),
    });
    const iface = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/),
      mac: opt(text),
      ipv4: fc.array(ipv4, { maxLength: 3 }),
      ipv6: fc.array(ipv6, { maxLength: 3 }),
    });
    const gateway = fc.record({ address: text, interface: text });
    const network = opt(
      fc.record({
        interfaces: fc.array(iface, { maxLength: 3 }),
        ipv4Gateway: opt(gateway),
        ipv6Gateway: opt(gateway),
      }),
    );
    const port = fc.record({
      ContainerPort: fc.nat(65535),
      HostPort: fc.nat(65535),
      BindIp: nonEmpty,
      Protocol: fc.constantFrom("tcp" as const, "udp" as const, "sctp" as const),
    });
    const facts = fc.record({
      id: nonEmpty,
      name: opt(nonEmpty),
      dockerName: opt(text),
      image: opt(text),
      imageId: opt(text),
      cluster: opt(text),
      networkMode: opt(text),
      ports: opt(fc.array(port, { maxLength: 3 })),
      annotations: fc.dictionary(text, text, { maxKeys: 4 }),
      task: nonEmpty,
      identity: fc.record({ cluster: opt(text), containerInstance: opt(text) }),
      status: fc.constantFrom("creating" as const, "created" as const, "running" as const),
      allow: fc.array(
        fc.oneof(
          text,
          text.map((s) => `${s}*`),
        ),
        { maxLength: 3 },
      ),
      network,
      now: fc.date({ min: new Date(0), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true }),
    });
    fc.assert(
      fc.property(facts, (f) => {
        const doc = buildDocument({
          view: view({
            id: f.id,
            name: f.name,
            dockerName: f.dockerName,
            image: f.image,
            imageId: f.imageId,
            cluster: f.cluster,
            networkMode: f.networkMode,
            ports: f.ports,
            annotations: f.annotations,
          }),
          plan: { task: f.task, name: f.name ?? f.id },
          identity: f.identity,
          network: f.network,
          status: f.status,
          annotationsToInclude: f.allow,
          now: f.now,
        });
        const result = documentSchema.safeParse(doc);
        assert.ok(result.success, JSON.stringify(result.error?.issues));
        assert.equal(doc.MetadataFileStatus === "READY", f.network !== undefined);
        assert.deepEqual(JSON.parse(serializeDocument(doc)), doc);
      }),
      { numRuns: 300 },
    );
  });
});

describe("deriveNetworkMode", () => {
  const cases: Array<[string, boolean, NetworkFacts | undefined, string | undefined, string | undefined]> = [
    ["annotated-wins", true, { interfaces: [] }, "awsvpc", "awsvpc"],
    ["host-netns", true, NET, undefined, "host"],
    ["empty-own-netns", false, { interfaces: [] }, undefined, "none"],
    ["own-netns-with-interfaces", false, NET, undefined, undefined],
    ["network-unknown", false, undefined, undefined, undefined],
    ["empty-annotation-ignored", true, undefined, "", "host"],
  ];
  for (const [name, sharesHost, net, annotated, expected] of cases) {
    it(`derives the mode when the engine cannot tell [${name}]`, () =>
      assert.equal(deriveNetworkMode(sharesHost, net, annotated), expected));
  }
});
