// Tests src/engines/podman/pure/libpod-db.ts: ports, mode and network names read from the
// bytes of podman's bolt database (netavark), stale copies and binary noise included.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  aardvarkNames,
  networkModeFromLibpodDb,
  networkNamesFromLibpodDb,
  objectsHolding,
  objectsStartingWith,
  portsFromLibpodDb,
} from "../../../../../src/engines/podman/pure/libpod-db.js";

const ID = "176e4dd190c3f6c6d466c9a3f248afdb9049aef455e6e7a929952d1faccf9bd3";
const OTHER = "9".repeat(64);
const config = (id: string, ports: unknown[]) =>
  JSON.stringify({
    spec: { ociVersion: "1.0.2-dev", process: { args: ["sh", "-c", "echo '{\"spec\":}'"] } },
    id,
    name: "nv1",
    newPortMappings: ports,
    networkMode: "bridge",
  });
const state = (id: string, networks: Record<string, string>) =>
  JSON.stringify({
    state: 3,
    configPath: `/var/lib/containers/storage/overlay-containers/${id}/userdata/config.json`,
    networkStatus: Object.fromEntries(
      Object.entries(networks).map(([itf, net]) => [net, { interfaces: { [itf]: { subnets: [] } } }]),
    ),
  });
// Page headers and element headers around the values, as bolt writes them.
const NOISE = "\u0000\u0002\u0000\u0001\u0000\u0000\u0000\u00bd\u0000config";
const db = (...values: string[]) => values.map((v) => NOISE + v).join("") + NOISE;

describe("portsFromLibpodDb", () => {
  it("reads the container's port mappings, expanding ranges and protocol lists, sorted", () => {
    const text = db(
      config(OTHER, [{ container_port: 1, host_port: 1, range: 1, protocol: "tcp" }]),
      config(ID, [
        { host_ip: "127.0.0.1", container_port: 80, host_port: 18093, range: 1, protocol: "tcp" },
        { container_port: 53, host_port: 5353, range: 2, protocol: "tcp,udp" },
      ]),
    );
    assert.deepEqual(portsFromLibpodDb(text, ID), [
      { ContainerPort: 53, HostPort: 5353, BindIp: "0.0.0.0", Protocol: "tcp" },
      { ContainerPort: 53, HostPort: 5353, BindIp: "0.0.0.0", Protocol: "udp" },
      { ContainerPort: 54, HostPort: 5354, BindIp: "0.0.0.0", Protocol: "tcp" },
      { ContainerPort: 54, HostPort: 5354, BindIp: "0.0.0.0", Protocol: "udp" },
      { ContainerPort: 80, HostPort: 18093, BindIp: "127.0.0.1", Protocol: "tcp" },
    ]);
    assert.equal(networkModeFromLibpodDb(text, ID), "bridge");
  });
  it("knows nothing of a container that is not in the file", () => {
    assert.equal(portsFromLibpodDb(db(config(OTHER, [])), ID), undefined);
  });
  it("skips a torn copy (cut at a page end) and reads a whole one", () => {
    const whole = config(ID, [{ container_port: 80, host_port: 8080, range: 1, protocol: "tcp" }]);
    assert.equal(portsFromLibpodDb(db(whole.slice(0, 60)), ID), undefined);
    assert.equal(portsFromLibpodDb(db(whole.slice(0, 60), whole), ID)?.length, 1);
  });
  it("never throws on garbage", () => {
    for (const text of ["", "{", '{"spec":', '{"spec":{{{{', "\u0000".repeat(100)])
      assert.doesNotThrow(() => portsFromLibpodDb(text, ID));
  });
});

describe("networkNamesFromLibpodDb", () => {
  it("maps interfaces to networks from the container's state", () => {
    assert.deepEqual(
      networkNamesFromLibpodDb(db(state(OTHER, { eth0: "x" }), state(ID, { eth0: "ocimd43", eth1: "back" })), ID),
      { eth0: "ocimd43", eth1: "back" },
    );
  });
  it("leaves the names out when stale copies disagree", () => {
    assert.equal(networkNamesFromLibpodDb(db(state(ID, { eth0: "a" }), state(ID, { eth0: "b" })), ID), undefined);
  });
});

describe("aardvarkNames", () => {
  it("maps the container's addresses to the network the file is for", () => {
    const text = `10.93.42.1,fd93:42::1\n${OTHER} 10.93.42.3 fd93:42::3 other\n${ID} 10.93.42.2 fd93:42::2 nv1,176e4dd190c3\n`;
    assert.deepEqual(aardvarkNames(text, "ocimd42", ID), { "10.93.42.2": "ocimd42", "fd93:42::2": "ocimd42" });
  });
});

describe("objectsStartingWith", () => {
  it("follows strings with braces and escapes", () => {
    assert.deepEqual(objectsStartingWith(`x{"a":"}{\\"","b":{"c":1}}y`, '{"a":'), [{ a: '}{"', b: { c: 1 } }]);
  });
});

describe("objectsHolding", () => {
  const noise = "\u0000\u0001binary\u0002";
  const isId = (id: string) => (c: Record<string, unknown>) => c.id === id;
  it("walks only the objects that hold the needle, among many", () => {
    const others = Array.from({ length: 50 }, (_, i) => config(`${i}`.padStart(64, "a"), []));
    const text = [...others, config(ID, [{ container_port: 80, host_port: 8080 }]), config(OTHER, [])].join(noise);
    assert.deepEqual(
      objectsHolding(text, '{"spec":', `"${ID}"`, () => true).map((c) => c.id),
      [ID],
    );
  });

  it("keeps what the predicate keeps when other objects mention the needle too", () => {
    const mentions = JSON.stringify({ spec: {}, id: OTHER, dependencies: [ID] });
    const text = [mentions, `"${ID}"`, config(ID, [])].join(noise);
    assert.deepEqual(
      objectsHolding(text, '{"spec":', `"${ID}"`, () => true).map((c) => c.id),
      [OTHER, ID],
    );
    assert.deepEqual(
      objectsHolding(text, '{"spec":', `"${ID}"`, isId(ID)).map((c) => c.id),
      [ID],
    );
    assert.equal(networkModeFromLibpodDb(text, ID), "bridge");
  });

  it("steps back over an object of the same prefix nested before the needle", () => {
    const nested = JSON.stringify({
      spec: { annotations: { x: '{"spec":1}' }, linux: { "{": 1 }, nest: { spec: 2 } },
      cfg: { spec: { deep: true } },
      id: ID,
      newPortMappings: [{ container_port: 80, host_port: 8080 }],
      networkMode: "bridge",
    });
    const namesIt = JSON.stringify({ spec: {}, id: OTHER, netNsCtr: ID });
    const text = [namesIt, nested].join(noise);
    assert.deepEqual(
      objectsHolding(text, '{"spec":', `"${ID}"`, isId(ID)).map((c) => c.id),
      [ID],
    );
    assert.equal(portsFromLibpodDb(text, ID)?.[0]?.HostPort, 8080);
  });

  it("scans every object when none that holds the needle is kept (the answer objectsStartingWith gives)", () => {
    const text = [config(OTHER, []), config(ID, [])].join(noise);
    assert.deepEqual(
      objectsHolding(text, '{"spec":', "not-there", () => true),
      objectsStartingWith(text, '{"spec":'),
    );
    assert.deepEqual(
      objectsHolding(text, '{"spec":', `"${OTHER}"`, isId(ID)).map((c) => c.id),
      [ID],
    );
  });
});
