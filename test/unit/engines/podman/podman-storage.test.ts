// Tests src/host/podman.ts: the container id and storage roots from podman's userdata mounts
// (the container's own /run/.containerenv first — in a pod /etc/hosts and /dev/shm are the infra
// container's — then its cgroupsPath), and the best-effort reads of containers/storage's
// containers.json and the CNI result cache against small files in a temp dir, malformed ones
// included: they are ignored, never thrown on.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { podmanLayout, readCniFacts, readStorageFacts } from "../../../../src/engines/podman/podman-storage.js";

const OWN = "7d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e";
const INFRA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809";
const OTHER = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
const IMAGE = "9c6f07244728a4a8f1b6c9a2bd61e7e2a8c4e0a7f3b5d2c1e9f8a7b6c5d4e3f2";
const GRAPH = "/var/lib/containers/storage";
const RUN = "/run/containers/storage";

const userdata = (root: string, id: string, file: string) => `${root}/overlay-containers/${id}/userdata/${file}`;

// The userdata mounts podman (rootful, overlay) puts into a container's config.
function podmanMounts(hostsId: string, ownId: string) {
  return [
    { destination: "/proc", source: "proc", type: "proc" },
    { destination: "/dev/shm", source: userdata(GRAPH, hostsId, "shm"), type: "bind" },
    { destination: "/etc/resolv.conf", source: userdata(RUN, hostsId, "resolv.conf"), type: "bind" },
    { destination: "/etc/hosts", source: userdata(RUN, hostsId, "hosts"), type: "bind" },
    { destination: "/etc/hostname", source: userdata(RUN, hostsId, "hostname"), type: "bind" },
    { destination: "/run/.containerenv", source: userdata(RUN, ownId, ".containerenv"), type: "bind" },
  ];
}

// The id and roots (hostsOwner has tests of its own).
const idAndRoots = (l: ReturnType<typeof podmanLayout>) => ({ id: l.id, roots: l.roots });

describe("podmanLayout", () => {
  it("names the owner of /etc/hosts: the container itself, or the infra container in a pod", () => {
    assert.equal(podmanLayout(podmanMounts(OWN, OWN), undefined).hostsOwner, OWN);
    assert.equal(podmanLayout(podmanMounts(INFRA, OWN), undefined).hostsOwner, INFRA);
    assert.equal(podmanLayout([], undefined).hostsOwner, undefined);
  });

  it("reads the id and both storage roots of a lone container", () => {
    assert.deepEqual(idAndRoots(podmanLayout(podmanMounts(OWN, OWN), `/libpod_parent/libpod-${OWN}`)), {
      id: OWN,
      roots: [GRAPH, RUN],
    });
  });

  it("takes the id from /run/.containerenv, not from the infra container's /etc/hosts and /dev/shm in a pod", () => {
    assert.deepEqual(idAndRoots(podmanLayout(podmanMounts(INFRA, OWN), undefined)), { id: OWN, roots: [GRAPH, RUN] });
  });

  it("prefers /run/.containerenv over the cgroupsPath", () => {
    assert.equal(podmanLayout(podmanMounts(INFRA, OWN), `/libpod_parent/libpod-${OTHER}`).id, OWN);
  });

  it("falls back to the cgroupfs cgroupsPath, never to another userdata mount", () => {
    const mounts = podmanMounts(INFRA, OWN).filter((m) => m.destination !== "/run/.containerenv");
    assert.deepEqual(idAndRoots(podmanLayout(mounts, `/libpod_parent/libpod-${OWN}`)), {
      id: OWN,
      roots: [GRAPH, RUN],
    });
    assert.deepEqual(idAndRoots(podmanLayout(mounts, undefined)), { id: undefined, roots: [GRAPH, RUN] });
  });

  // podman's getOCICgroupPath: systemd manager → "<slice>:libpod:<id>"; split → ".../libpod-payload-<id>".
  const otherCgroups: Array<[string, string]> = [
    ["systemd-rootful", `machine.slice:libpod:${OWN}`],
    ["systemd-rootless", `user.slice:libpod:${OWN}`],
    ["cgroup-split", `/user.slice/user-1000.slice/session-3.scope/libpod-payload-${OWN}`],
  ];
  for (const [name, cgroupsPath] of otherCgroups) {
    it(`falls back to podman's other cgroupsPath forms [${name}]`, () => {
      assert.equal(podmanLayout([], cgroupsPath).id, OWN);
    });
  }

  it("collects a rootless storage root", () => {
    const home = "/home/alice/.local/share/containers/storage";
    const runRoot = "/run/user/1000/containers";
    const mounts = [
      { destination: "/etc/hosts", source: userdata(home, OWN, "hosts") },
      { destination: "/run/.containerenv", source: userdata(runRoot, OWN, ".containerenv") },
    ];
    assert.deepEqual(idAndRoots(podmanLayout(mounts, undefined)), { id: OWN, roots: [home, runRoot] });
  });

  const ignored: Array<[string, { destination: string; source?: string }]> = [
    ["no-source", { destination: "/run/.containerenv" }],
    ["not-userdata", { destination: "/run/.containerenv", source: "/tmp/containerenv" }],
    ["short-id", { destination: "/run/.containerenv", source: userdata(RUN, OWN.slice(0, 12), ".containerenv") }],
    ["upper-case-id", { destination: "/run/.containerenv", source: userdata(RUN, OWN.toUpperCase(), ".containerenv") }],
    ["userdata-dir-itself", { destination: "/run/.containerenv", source: `${RUN}/overlay-containers/${OWN}/userdata` }],
    [
      "other-store-dir",
      { destination: "/run/.containerenv", source: `${RUN}/overlay-layers/${OWN}/userdata/.containerenv` },
    ],
  ];
  for (const [name, mount] of ignored) {
    it(`ignores mounts that are not podman userdata [${name}]`, () => {
      assert.deepEqual(idAndRoots(podmanLayout([mount], undefined)), { id: undefined, roots: [] });
    });
  }

  it("knows nothing from no mounts and no cgroupsPath", () => {
    assert.deepEqual(idAndRoots(podmanLayout([], undefined)), { id: undefined, roots: [] });
    assert.deepEqual(idAndRoots(podmanLayout([], "")), { id: undefined, roots: [] });
  });
});

let base = "";
let counter = 0;

before(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "om-podman-")));
});

after(async () => {
  await rm(base, { recursive: true, force: true });
});

// A fresh directory under the temp base, with the given files (relative path → content).
async function fixture(files: Record<string, string>): Promise<string> {
  const dir = join(base, `case-${++counter}`);
  await mkdir(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

// One containers.json entry as containers/storage writes it: metadata is a JSON *string*.
function storageEntry(
  id: string,
  names: string[],
  metadata: Record<string, unknown> | string,
  image = IMAGE,
): Record<string, unknown> {
  return {
    id,
    names,
    image,
    layer: "5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
    metadata: typeof metadata === "string" ? metadata : JSON.stringify(metadata),
    created: "2026-11-28T09:00:00.123456789Z",
    flags: { MountLabel: "", ProcessLabel: "" },
  };
}

const CONTAINERS = "overlay-containers/containers.json";

describe("readStorageFacts", () => {
  it("reads name, image and image id from containers.json", async () => {
    const root = await fixture({
      [CONTAINERS]: JSON.stringify([
        storageEntry(OTHER, ["other"], { name: "other", "image-name": "docker.io/library/redis:7", "image-id": IMAGE }),
        storageEntry(OWN, ["web"], {
          "image-name": "docker.io/library/httpd:2.4",
          "image-id": IMAGE,
          name: "web",
          "created-at": 1795856400,
          mountlabel: "",
        }),
      ]),
    });
    assert.deepEqual(await readStorageFacts([root], OWN), {
      name: "web",
      image: "docker.io/library/httpd:2.4",
      imageId: `sha256:${IMAGE}`,
    });
  });

  it("looks in every root, past one without containers.json (the run root)", async () => {
    const runRoot = await fixture({});
    const graph = await fixture({
      [CONTAINERS]: JSON.stringify([
        storageEntry(OWN, ["web"], { name: "web", "image-name": "httpd:2.4", "image-id": IMAGE }),
      ]),
    });
    assert.equal((await readStorageFacts([runRoot, graph], OWN)).name, "web");
  });

  it("falls back to the first name and the entry's image without metadata", async () => {
    const root = await fixture({ [CONTAINERS]: JSON.stringify([storageEntry(OWN, ["web", "web-alias"], {})]) });
    assert.deepEqual(await readStorageFacts([root], OWN), {
      name: "web",
      image: undefined,
      imageId: `sha256:${IMAGE}`,
    });
  });

  it("keeps an image id that already names its algorithm", async () => {
    const root = await fixture({
      [CONTAINERS]: JSON.stringify([storageEntry(OWN, ["web"], { "image-id": `sha256:${IMAGE}` })]),
    });
    assert.equal((await readStorageFacts([root], OWN)).imageId, `sha256:${IMAGE}`);
  });

  const badMetadata: Array<[string, string]> = [
    ["not-json", "{name: web"],
    ["array", '["web"]'],
    ["empty", ""],
    ["wrong-types", JSON.stringify({ name: 7, "image-name": ["x"], "image-id": null })],
  ];
  for (const [name, metadata] of badMetadata) {
    it(`ignores malformed metadata and uses the entry's own fields [${name}]`, async () => {
      const root = await fixture({ [CONTAINERS]: JSON.stringify([storageEntry(OWN, ["web"], metadata)]) });
      assert.deepEqual(await readStorageFacts([root], OWN), {
        name: "web",
        image: undefined,
        imageId: `sha256:${IMAGE}`,
      });
    });
  }

  it("ignores metadata that is JSON but not a string", async () => {
    const entry = { ...storageEntry(OWN, [], {}), metadata: { name: "web" }, image: undefined };
    const root = await fixture({ [CONTAINERS]: JSON.stringify([entry]) });
    assert.deepEqual(await readStorageFacts([root], OWN), { name: undefined, image: undefined, imageId: undefined });
  });

  it("keeps only string names", async () => {
    const entry = { ...storageEntry(OWN, [], {}), names: [7, null, "web"] };
    const root = await fixture({ [CONTAINERS]: JSON.stringify([entry]) });
    assert.equal((await readStorageFacts([root], OWN)).name, "web");
  });

  const badFiles: Array<[string, string]> = [
    ["not-json", "[{"],
    ["object", JSON.stringify({ id: OWN, names: ["web"] })],
    ["empty", ""],
    ["entries-not-objects", JSON.stringify([OWN, null, [OWN], 7])],
    ["truncated", JSON.stringify([storageEntry(OWN, ["web"], { name: "web" })]).slice(0, 80)],
  ];
  for (const [name, text] of badFiles) {
    it(`gives no facts, and moves on to the next root, for a malformed containers.json [${name}]`, async () => {
      const bad = await fixture({ [CONTAINERS]: text });
      assert.deepEqual(await readStorageFacts([bad], OWN), {});
      const good = await fixture({ [CONTAINERS]: JSON.stringify([storageEntry(OWN, ["web"], { name: "web" })]) });
      assert.equal((await readStorageFacts([bad, good], OWN)).name, "web");
    });
  }

  it("gives no facts for an unknown id, a missing root or no roots", async () => {
    const root = await fixture({ [CONTAINERS]: JSON.stringify([storageEntry(OTHER, ["other"], { name: "other" })]) });
    assert.deepEqual(await readStorageFacts([root], OWN), {});
    assert.deepEqual(await readStorageFacts([join(base, "does-not-exist")], OWN), {});
    assert.deepEqual(await readStorageFacts([], OWN), {});
  });

  it("gives no facts when containers.json is a directory", async () => {
    const root = await fixture({ [`${CONTAINERS}/x`]: "" });
    assert.deepEqual(await readStorageFacts([root], OWN), {});
  });
});

// One CNI result cache file as libcni writes it (cniCacheV1).
function cniCache(containerId: string, networkName: string, portMappings?: unknown): string {
  return JSON.stringify({
    kind: "cniCacheV1",
    containerId,
    config: Buffer.from(JSON.stringify({ cniVersion: "1.0.0", name: networkName, plugins: [] })).toString("base64"),
    ifName: "eth0",
    networkName,
    cniArgs: [
      ["IgnoreUnknown", "1"],
      ["K8S_POD_NAME", "web"],
    ],
    ...(portMappings === undefined ? {} : { capabilityArgs: { portMappings } }),
    result: {
      cniVersion: "1.0.0",
      interfaces: [{ name: "eth0", mac: "0a:58:0a:58:00:05", sandbox: "/run/netns/netns-1" }],
      ips: [{ address: "10.88.0.5/16", gateway: "10.88.0.1", interface: 0 }],
    },
  });
}

describe("readCniFacts", () => {
  it("reads the network name and published ports of the container's cache file", async () => {
    const dir = await fixture({
      [`podman-${OWN}-eth0`]: cniCache(OWN, "podman", [
        { hostPort: 8080, containerPort: 80, protocol: "tcp", hostIP: "" },
        { hostPort: 5353, containerPort: 53, protocol: "udp", hostIP: "127.0.0.1" },
      ]),
    });
    assert.deepEqual(await readCniFacts(OWN, dir), {
      networks: ["podman"],
      // Sorted by container port, whatever order the cache kept.
      ports: [
        { ContainerPort: 53, HostPort: 5353, BindIp: "127.0.0.1", Protocol: "udp" },
        { ContainerPort: 80, HostPort: 8080, BindIp: "0.0.0.0", Protocol: "tcp" },
      ],
      names: { eth0: "podman" },
    });
  });

  it("gives one network per cache file of the container, and no ports without capabilityArgs", async () => {
    const dir = await fixture({
      [`podman-${OWN}-eth0`]: cniCache(OWN, "podman"),
      [`app-net-${OWN}-eth1`]: cniCache(OWN, "app-net"),
    });
    const facts = await readCniFacts(OWN, dir);
    assert.deepEqual(facts?.networks.sort(), ["app-net", "podman"]);
    assert.deepEqual(facts?.ports, []);
  });

  it("ignores a cache file whose containerId does not match its name", async () => {
    const dir = await fixture({
      [`podman-${OWN}-eth0`]: cniCache(OTHER, "podman", [{ hostPort: 8080, containerPort: 80, protocol: "tcp" }]),
    });
    assert.equal(await readCniFacts(OWN, dir), undefined);
  });

  it("ignores other containers' cache files", async () => {
    const dir = await fixture({
      [`podman-${OTHER}-eth0`]: cniCache(OTHER, "podman", [{ hostPort: 8080, containerPort: 80, protocol: "tcp" }]),
      [`podman-${OWN}-eth0`]: cniCache(OWN, "podman"),
    });
    assert.deepEqual(await readCniFacts(OWN, dir), { networks: ["podman"], ports: [], names: { eth0: "podman" } });
  });

  const badFiles: Array<[string, string]> = [
    ["not-json", "{kind: cniCacheV1"],
    ["array", JSON.stringify([{ containerId: OWN, networkName: "bad" }])],
    ["empty", ""],
    ["truncated", cniCache(OWN, "bad").slice(0, 60)],
    ["null", "null"],
  ];
  for (const [name, text] of badFiles) {
    it(`ignores a malformed cache file and keeps the good ones [${name}]`, async () => {
      const dir = await fixture({ [`bad-${OWN}-eth1`]: text, [`podman-${OWN}-eth0`]: cniCache(OWN, "podman") });
      assert.deepEqual(await readCniFacts(OWN, dir), { networks: ["podman"], ports: [], names: { eth0: "podman" } });
    });
  }

  it("ignores a directory named like a cache file", async () => {
    const dir = await fixture({ [`dir-${OWN}-eth1/x`]: "", [`podman-${OWN}-eth0`]: cniCache(OWN, "podman") });
    assert.deepEqual(await readCniFacts(OWN, dir), { networks: ["podman"], ports: [], names: { eth0: "podman" } });
  });

  it("knows no CNI network when the only files are malformed or lack a network name", async () => {
    const noName = JSON.parse(cniCache(OWN, "podman")) as Record<string, unknown>;
    delete noName.networkName;
    const dir = await fixture({ [`bad-${OWN}-eth1`]: "garbage", [`podman-${OWN}-eth0`]: JSON.stringify(noName) });
    assert.equal(await readCniFacts(OWN, dir), undefined);
  });

  const mappings: Array<[string, unknown, unknown[]]> = [
    [
      "protocol-upper-case",
      { hostPort: 8080, containerPort: 80, protocol: "TCP" },
      [{ ContainerPort: 80, HostPort: 8080, BindIp: "0.0.0.0", Protocol: "tcp" }],
    ],
    [
      "protocol-missing",
      { hostPort: 8080, containerPort: 80 },
      [{ ContainerPort: 80, HostPort: 8080, BindIp: "0.0.0.0", Protocol: "tcp" }],
    ],
    [
      "sctp",
      { hostPort: 38412, containerPort: 38412, protocol: "sctp", hostIP: "10.0.0.1" },
      [{ ContainerPort: 38412, HostPort: 38412, BindIp: "10.0.0.1", Protocol: "sctp" }],
    ],
    [
      "ipv6-host-ip",
      { hostPort: 8080, containerPort: 80, protocol: "tcp", hostIP: "::1" },
      [{ ContainerPort: 80, HostPort: 8080, BindIp: "::1", Protocol: "tcp" }],
    ],
    ["unknown-protocol", { hostPort: 8080, containerPort: 80, protocol: "icmp" }, []],
    ["string-ports", { hostPort: "8080", containerPort: "80", protocol: "tcp" }, []],
    ["missing-host-port", { containerPort: 80, protocol: "tcp" }, []],
    ["not-an-object", "8080:80/tcp", []],
    ["null", null, []],
  ];
  for (const [name, mapping, expected] of mappings) {
    it(`reads CNI port mappings, skipping malformed ones [${name}]`, async () => {
      const dir = await fixture({ [`podman-${OWN}-eth0`]: cniCache(OWN, "podman", [mapping]) });
      assert.deepEqual((await readCniFacts(OWN, dir))?.ports, expected);
    });
  }

  it("ignores portMappings that are not a list", async () => {
    const dir = await fixture({
      [`podman-${OWN}-eth0`]: cniCache(OWN, "podman", { hostPort: 8080, containerPort: 80 }),
    });
    assert.deepEqual(await readCniFacts(OWN, dir), { networks: ["podman"], ports: [], names: { eth0: "podman" } });
  });

  const badIds: Array<[string, string]> = [
    ["short", OWN.slice(0, 12)],
    ["upper-case", OWN.toUpperCase()],
    ["path", `../${OWN}`],
    ["empty", ""],
    ["too-long", `${OWN}0`],
  ];
  for (const [name, id] of badIds) {
    it(`reads nothing for an owner id that is not a full podman id [${name}]`, async () => {
      const dir = await fixture({ [`podman-${id}-eth0`]: cniCache(id, "podman") });
      assert.equal(await readCniFacts(id, dir), undefined);
    });
  }

  it("knows no CNI network when the cache dir is missing or a file", async () => {
    assert.equal(await readCniFacts(OWN, join(base, "no-such-dir")), undefined);
    const dir = await fixture({ results: "not a dir" });
    assert.equal(await readCniFacts(OWN, join(dir, "results")), undefined);
  });
});
