// Tests src/core/document.ts for issue 10: the six ECS keys that were missing, host
// networking (only default-route interfaces; Docker's address-less "host" network replaced by
// them), and sameContent (identical rewrites are skipped).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ContainerView, viewFromSpec } from "../../../src/core/container.js";
import { buildDocument, type DocumentInput, sameContent, serializeDocument } from "../../../src/core/document.js";
import { documentSchema } from "../../../src/core/document-schema.js";
import type { NetworkFacts } from "../../../src/core/net-parse.js";

const NOW = new Date("2026-11-30T09:00:00.000Z");
const view = (over: Partial<ContainerView> = {}): ContainerView => ({
  id: "c1",
  annotations: {},
  mounts: [],
  env: [],
  platform: "linux",
  engine: "runc",
  ...over,
});
const input = (over: Partial<DocumentInput> = {}): DocumentInput => ({
  view: view(),
  plan: { task: "t", name: "n" },
  identity: {},
  status: "created",
  annotationsToInclude: [],
  now: NOW,
  ...over,
});

// The host's netns as a host-network container sees it: the uplink and two engines' bridges.
const HOST_NET: NetworkFacts = {
  interfaces: [
    { name: "docker0", ipv4: [{ address: "172.17.0.1", prefix: 16 }], ipv6: [] },
    {
      name: "eth0",
      mac: "52:54:00:12:34:56",
      ipv4: [{ address: "192.0.2.2", prefix: 24 }],
      ipv6: [{ address: "2001:db8::2", prefix: 64, scope: "global" }],
    },
    { name: "cni-podman0", ipv4: [{ address: "10.88.0.1", prefix: 16 }], ipv6: [] },
  ],
  ipv4Gateway: { address: "192.0.2.1", interface: "eth0" },
  ipv6Gateway: { address: "2001:db8::1", interface: "eth0" },
};

describe("the ECS identity keys", () => {
  it("takes the task definition family and revision from the ECS agent's labels, as strings", () => {
    const v = viewFromSpec(
      {
        annotations: {
          "com.amazonaws.ecs.task-definition-family": "web",
          "com.amazonaws.ecs.task-definition-version": "7",
        },
      },
      "c1",
      "docker",
    );
    const doc = buildDocument(input({ view: v }));
    assert.equal(doc.TaskDefinitionFamily, "web");
    assert.equal(doc.TaskDefinitionRevision, "7");
  });
  it("prefers our own annotations to the ECS labels", () => {
    const v = viewFromSpec(
      {
        annotations: {
          "oci-metadata.io/task-definition-family": "ours",
          "com.amazonaws.ecs.task-definition-family": "ecs",
        },
      },
      "c1",
      "runc",
    );
    assert.equal(buildDocument(input({ view: v })).TaskDefinitionFamily, "ours");
  });
  it("takes the zone and the public address from config, the config zone over an annotation", () => {
    const doc = buildDocument(
      input({
        view: view({ availabilityZone: "annotated-1a" }),
        identity: { availabilityZone: "eu-west-1a", hostPublicIPv4Address: "203.0.113.9" },
      }),
    );
    assert.equal(doc.AvailabilityZone, "eu-west-1a");
    assert.equal(doc.HostPublicIPv4Address, "203.0.113.9");
  });
  it("takes the host's private addresses from its default-route interface unless config names them", () => {
    const host = { privateIPv4: "192.0.2.2", ipv6: "2001:db8::2", interfaces: ["eth0"] };
    const doc = buildDocument(input({ host }));
    assert.equal(doc.HostPrivateIPv4Address, "192.0.2.2");
    assert.equal(doc.HostIPv6Address, "2001:db8::2");
    const configured = buildDocument(input({ host, identity: { hostPrivateIPv4Address: "10.1.1.1" } }));
    assert.equal(configured.HostPrivateIPv4Address, "10.1.1.1");
  });
  it("leaves every unknown one out and still satisfies the schema", () => {
    const doc = buildDocument(input());
    for (const k of [
      "TaskDefinitionFamily",
      "TaskDefinitionRevision",
      "AvailabilityZone",
      "HostPrivateIPv4Address",
      "HostPublicIPv4Address",
      "HostIPv6Address",
    ])
      assert.equal(k in doc, false, k);
    assert.equal(documentSchema.safeParse(doc).success, true);
  });
});

describe("host networking", () => {
  it("lists only the interfaces carrying the host's default routes (issue 10, finding 4)", () => {
    const doc = buildDocument(input({ view: view({ networkMode: "host" }), network: HOST_NET }));
    assert.deepEqual(
      doc.Networks?.map((n) => n.Interface),
      ["eth0"],
    );
    assert.equal(doc.Networks?.[0]?.NetworkMode, "host");
    assert.equal(doc.IPAddress, "192.0.2.2");
  });
  it("still lists every interface of a container's own netns", () => {
    const doc = buildDocument(input({ view: view({ networkMode: "bridge" }), network: HOST_NET }));
    assert.equal(doc.Networks?.length, 3);
  });
  it("fills Docker's address-less host network from the host's default-route interface (finding 1)", () => {
    const dockerHost = [{ NetworkMode: "host", IPv4Addresses: [], IPv6Addresses: [] }];
    const doc = buildDocument(
      input({ view: view({ networkMode: "host", engine: "docker" }), network: HOST_NET, engineNetworks: dockerHost }),
    );
    assert.equal(doc.IPAddress, "192.0.2.2");
    assert.equal(doc.IPv6Address, "2001:db8::2");
    assert.equal(doc.Gateway, "192.0.2.1");
    assert.deepEqual(
      doc.Networks?.map((n) => [n.NetworkMode, n.Interface]),
      [["host", "eth0"]],
    );
    assert.equal(doc.MetadataFileStatus, "READY");
  });
  it("is READY with no entries when Docker says host but the netns could not be read", () => {
    const doc = buildDocument(
      input({
        view: view({ networkMode: "host" }),
        engineNetworks: [{ NetworkMode: "host", IPv4Addresses: [], IPv6Addresses: [] }],
      }),
    );
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.deepEqual(doc.Networks, []);
  });
});

describe("sameContent", () => {
  const text = (over: Partial<DocumentInput> = {}) => serializeDocument(buildDocument(input(over)));
  it("calls two writes equal when only LastUpdatedAt differs", () => {
    assert.equal(sameContent(text(), text({ now: new Date("2030-01-01T00:00:00Z") })), true);
  });
  it("sees a status change", () => {
    assert.equal(sameContent(text(), text({ status: "running" })), false);
  });
  it("sees a network change", () => {
    assert.equal(
      sameContent(
        text({ network: HOST_NET }),
        text({ network: { ...HOST_NET, interfaces: HOST_NET.interfaces.slice(1) } }),
      ),
      false,
    );
  });
  it("never calls a torn or non-JSON file equal", () => {
    assert.equal(sameContent("{", "{"), false);
    assert.equal(sameContent("", text()), false);
  });
});
