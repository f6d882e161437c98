// Tests src/core/container.ts: pinned port mappings (all or nothing), which annotation names a
// container and its task (ours before ECS before CRI; CRI tasks are `ns/name/uid`), string
// records that keep a hostile `__proto__` as a plain key, and views built from real specs,
// Windows ones included.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  identityFromAnnotations,
  PINNED,
  parsePorts,
  stringRecord,
  viewFromSpec,
} from "../../../src/core/container.js";

// The facts (ECS task definition, zone, network names) no annotation in these cases carries.
const NO_NEWER_FACTS = {
  taskDefinitionFamily: undefined,
  taskDefinitionRevision: undefined,
  availabilityZone: undefined,
  networkNames: undefined,
};

const ID = "ef3dabed9bef4f9e8d8f4d2c1b0a9988";

describe("parsePorts", () => {
  it("reads ports pinned as a JSON list of ECS port mappings", () => {
    const ports = [
      { ContainerPort: 80, HostPort: 8080, BindIp: "0.0.0.0", Protocol: "tcp" },
      { ContainerPort: 53, HostPort: 5353, BindIp: "::", Protocol: "udp" },
      { ContainerPort: 38412, HostPort: 38412, BindIp: "10.0.0.1", Protocol: "sctp" },
    ];
    assert.deepEqual(parsePorts(JSON.stringify(ports)), ports);
  });

  it("reads an empty list as no published ports", () => assert.deepEqual(parsePorts("[]"), []));

  const good = { ContainerPort: 80, HostPort: 8080, BindIp: "0.0.0.0", Protocol: "tcp" };
  const malformed: Array<[string, string | undefined]> = [
    ["missing", undefined],
    ["empty", ""],
    ["not-json", "[{ContainerPort: 80}]"],
    ["truncated", JSON.stringify([good]).slice(0, 20)],
    ["object", JSON.stringify(good)],
    ["null", "null"],
    ["string", '"80:8080"'],
    ["entry-not-object", JSON.stringify([good, "80/tcp"])],
    ["entry-array", JSON.stringify([[80, 8080]])],
    ["string-port", JSON.stringify([{ ...good, ContainerPort: "80" }])],
    ["fractional-port", JSON.stringify([{ ...good, HostPort: 8080.5 }])],
    ["missing-host-port", JSON.stringify([{ ContainerPort: 80, BindIp: "0.0.0.0", Protocol: "tcp" }])],
    ["empty-bind-ip", JSON.stringify([{ ...good, BindIp: "" }])],
    ["number-bind-ip", JSON.stringify([{ ...good, BindIp: 0 }])],
    ["upper-case-protocol", JSON.stringify([{ ...good, Protocol: "TCP" }])],
    ["unknown-protocol", JSON.stringify([{ ...good, Protocol: "icmp" }])],
    ["one-bad-among-good", JSON.stringify([good, { ...good, Protocol: "any" }, good])],
  ];
  for (const [name, text] of malformed) {
    it(`drops malformed pinned ports entirely, never half-read [${name}]`, () =>
      assert.equal(parsePorts(text), undefined));
  }

  it("never throws, and returns either undefined or only well-formed mappings", () => {
    const mapping = fc.record({
      ContainerPort: fc.oneof(fc.integer(), fc.double(), fc.string()),
      HostPort: fc.oneof(fc.integer(), fc.constant(null)),
      BindIp: fc.oneof(fc.string(), fc.ipV4()),
      Protocol: fc.constantFrom("tcp", "udp", "sctp", "TCP", "", "icmp"),
    });
    const text = fc.oneof(
      fc.string(),
      fc.json(),
      fc.array(mapping).map((m) => JSON.stringify(m)),
    );
    fc.assert(
      fc.property(text, (t) => {
        const ports = parsePorts(t);
        for (const p of ports ?? []) {
          assert.ok(Number.isInteger(p.ContainerPort) && Number.isInteger(p.HostPort));
          assert.ok(typeof p.BindIp === "string" && p.BindIp !== "");
          assert.ok(["tcp", "udp", "sctp"].includes(p.Protocol));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("identityFromAnnotations", () => {
  const names: Array<[string, Record<string, string>, string | undefined]> = [
    [
      "ours-first",
      {
        "oci-metadata.io/name": "ours",
        "com.amazonaws.ecs.container-name": "ecs",
        "io.kubernetes.cri.container-name": "cri",
        "io.kubernetes.container.name": "kube",
      },
      "ours",
    ],
    [
      "ecs-before-cri",
      {
        "com.amazonaws.ecs.container-name": "ecs",
        "io.kubernetes.cri.container-name": "cri",
        "io.kubernetes.container.name": "kube",
      },
      "ecs",
    ],
    ["cri-containerd", { "io.kubernetes.cri.container-name": "cri", "io.kubernetes.container.name": "kube" }, "cri"],
    ["cri-o", { "io.kubernetes.container.name": "kube" }, "kube"],
    ["empty-ours-skipped", { "oci-metadata.io/name": "", "com.amazonaws.ecs.container-name": "ecs" }, "ecs"],
    ["none", { "org.example/name": "x" }, undefined],
    ["all-empty", { "oci-metadata.io/name": "", "io.kubernetes.container.name": "" }, undefined],
  ];
  for (const [name, annotations, expected] of names) {
    it(`names the container by the most specific annotation [${name}]`, () => {
      assert.equal(identityFromAnnotations(annotations).name, expected);
    });
  }

  const CRI_SANDBOX = {
    "io.kubernetes.cri.sandbox-namespace": "default",
    "io.kubernetes.cri.sandbox-name": "web-7d9c5b6f4-x2x9q",
    "io.kubernetes.cri.sandbox-uid": "1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
  };
  const tasks: Array<[string, Record<string, string>, string | undefined]> = [
    [
      "ours-first",
      {
        "oci-metadata.io/task": "ours",
        "com.amazonaws.ecs.task-arn": "arn:aws:ecs:eu-west-1:123456789012:task/c/abc",
        ...CRI_SANDBOX,
      },
      "ours",
    ],
    [
      "ecs-before-cri",
      { "com.amazonaws.ecs.task-arn": "arn:aws:ecs:eu-west-1:123456789012:task/c/abc", ...CRI_SANDBOX },
      "arn:aws:ecs:eu-west-1:123456789012:task/c/abc",
    ],
    ["cri-ns-name-uid", CRI_SANDBOX, "default/web-7d9c5b6f4-x2x9q/1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"],
    ["cri-without-uid", { ...CRI_SANDBOX, "io.kubernetes.cri.sandbox-uid": "" }, "default/web-7d9c5b6f4-x2x9q"],
    ["cri-without-namespace", { ...CRI_SANDBOX, "io.kubernetes.cri.sandbox-namespace": "" }, undefined],
    [
      "cri-without-name",
      { "io.kubernetes.cri.sandbox-namespace": "default", "io.kubernetes.cri.sandbox-uid": "u" },
      undefined,
    ],
    [
      "empty-ours-skipped",
      { "oci-metadata.io/task": "", ...CRI_SANDBOX },
      "default/web-7d9c5b6f4-x2x9q/1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    ],
    ["none", {}, undefined],
  ];
  for (const [name, annotations, expected] of tasks) {
    it(`finds the task by ours, then ECS, then the CRI sandbox [${name}]`, () => {
      assert.equal(identityFromAnnotations(annotations).task, expected);
    });
  }

  const images: Array<[string, Record<string, string>, string | undefined]> = [
    [
      "ours-first",
      {
        "oci-metadata.io/image": "ours:1",
        "io.kubernetes.cri.image-name": "cri:1",
        "org.opencontainers.image.ref.name": "1",
      },
      "ours:1",
    ],
    [
      "cri-before-oci",
      { "io.kubernetes.cri.image-name": "docker.io/library/nginx:1.27", "org.opencontainers.image.ref.name": "1.27" },
      "docker.io/library/nginx:1.27",
    ],
    ["oci-ref-name", { "org.opencontainers.image.ref.name": "1.27" }, "1.27"],
  ];
  for (const [name, annotations, expected] of images) {
    it(`finds the image by ours, then CRI, then the OCI ref name [${name}]`, () => {
      assert.equal(identityFromAnnotations(annotations).image, expected);
    });
  }

  it("finds the cluster by ours before ECS", () => {
    assert.equal(
      identityFromAnnotations({ "oci-metadata.io/cluster": "ours", "com.amazonaws.ecs.cluster": "ecs" }).cluster,
      "ours",
    );
    assert.equal(identityFromAnnotations({ "com.amazonaws.ecs.cluster": "ecs" }).cluster, "ecs");
  });

  it("reads the facts a before-create door pinned", () => {
    const ports = [{ ContainerPort: 80, HostPort: 8080, BindIp: "0.0.0.0", Protocol: "tcp" as const }];
    const facts = identityFromAnnotations({
      [PINNED.name]: "web",
      [PINNED.task]: "pod/web",
      [PINNED.image]: "httpd:2.4",
      [PINNED.imageId]: "sha256:04bbc221",
      [PINNED.dockerName]: "/web",
      [PINNED.networkMode]: "bridge",
      [PINNED.ports]: JSON.stringify(ports),
    });
    assert.deepEqual(facts, {
      name: "web",
      task: "pod/web",
      image: "httpd:2.4",
      imageId: "sha256:04bbc221",
      dockerName: "/web",
      networkMode: "bridge",
      ports,
      cluster: undefined,
      ...NO_NEWER_FACTS,
    });
  });

  it("reads a real containerd CRI container's annotations", () => {
    const facts = identityFromAnnotations({
      "io.kubernetes.cri.container-type": "container",
      "io.kubernetes.cri.container-name": "nginx",
      "io.kubernetes.cri.image-name": "docker.io/library/nginx:1.27",
      "io.kubernetes.cri.sandbox-id": "9a8b7c6d5e4f30291a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081",
      ...CRI_SANDBOX,
    });
    assert.equal(facts.name, "nginx");
    assert.equal(facts.image, "docker.io/library/nginx:1.27");
    assert.equal(facts.task, "default/web-7d9c5b6f4-x2x9q/1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b");
  });

  it("knows nothing from no annotations", () => {
    assert.deepEqual(identityFromAnnotations({}), {
      name: undefined,
      task: undefined,
      image: undefined,
      imageId: undefined,
      dockerName: undefined,
      networkMode: undefined,
      ports: undefined,
      cluster: undefined,
      ...NO_NEWER_FACTS,
    });
  });
});

describe("stringRecord", () => {
  it("keeps only string-valued entries", () => {
    assert.deepEqual(stringRecord({ a: "1", b: 2, c: null, d: { e: "f" }, g: ["h"], i: "", j: true }), {
      a: "1",
      i: "",
    });
  });

  it("keeps a __proto__ key from JSON as a plain own key, without pollution", () => {
    const record = stringRecord(JSON.parse('{"__proto__":"x","a":"1"}'));
    assert.ok(Object.hasOwn(record, "__proto__"));
    assert.equal(Object.getOwnPropertyDescriptor(record, "__proto__")?.value, "x");
    assert.equal(Object.getPrototypeOf(record), Object.prototype);
    assert.deepEqual(Object.keys(record), ["__proto__", "a"]);
    assert.equal(JSON.stringify(record), '{"__proto__":"x","a":"1"}');
  });

  it("drops an object-valued __proto__ and pollutes nothing", () => {
    const record = stringRecord(
      JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":"1"}'),
    );
    assert.deepEqual(Object.keys(record), ["a"]);
    assert.equal(Object.getPrototypeOf(record), Object.prototype);
    assert.equal((record as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("keeps keys named like Object.prototype members as plain strings", () => {
    const record = stringRecord(JSON.parse('{"constructor":"c","toString":"t","hasOwnProperty":"h"}'));
    assert.deepEqual({ ...record }, { constructor: "c", toString: "t", hasOwnProperty: "h" });
  });

  for (const [name, value] of [
    ["undefined", undefined],
    ["null", null],
    ["array", ["a"]],
    ["string", "a=b"],
    ["number", 1],
  ] as const) {
    it(`gives an empty record for a value that is not an object [${name}]`, () =>
      assert.deepEqual(stringRecord(value), {}));
  }

  it("copies: changing the record leaves the input alone", () => {
    const input = { a: "1" };
    const record = stringRecord(input);
    record.a = "2";
    assert.equal(input.a, "1");
  });

  it("keeps exactly the string entries of any JSON object", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const value: unknown = JSON.parse(text);
        const record = stringRecord(value);
        assert.equal(Object.getPrototypeOf(record), Object.prototype);
        const expected =
          typeof value === "object" && value !== null && !Array.isArray(value)
            ? Object.entries(value).filter(([, v]) => typeof v === "string")
            : [];
        assert.deepEqual(Object.entries(record), expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("viewFromSpec", () => {
  // A Windows container's config.json as containerd/hcsshim would pass it.
  const WINDOWS_SPEC = {
    ociVersion: "1.1.0",
    process: {
      cwd: "C:\\",
      args: ["cmd", "/S", "/C", "ping -t localhost"],
      env: ["PATH=C:\\Windows\\system32;C:\\Windows", 7],
    },
    root: { path: "" },
    mounts: [
      { destination: "C:\\data", source: "C:\\ProgramData\\docker\\volumes\\data\\_data", options: ["rbind", "rw", 1] },
      { source: "C:\\nodest" },
      "not-a-mount",
    ],
    annotations: {
      "io.kubernetes.cri.container-name": "iis",
      "io.kubernetes.cri.sandbox-namespace": "win",
      "io.kubernetes.cri.sandbox-name": "iis-0",
      n: 1,
    },
    windows: {
      layerFolders: ["C:\\ProgramData\\containerd\\snapshots\\12"],
      network: { networkNamespace: "3b2f9a4c-1d0e-4f5a-9b8c-7d6e5f4a3b2c" },
    },
  };

  it("builds a Windows view from a spec with a windows section", () => {
    assert.deepEqual(viewFromSpec(WINDOWS_SPEC, ID, "containerd"), {
      id: ID,
      name: "iis",
      task: "win/iis-0",
      image: undefined,
      imageId: undefined,
      dockerName: undefined,
      networkMode: undefined,
      ports: undefined,
      cluster: undefined,
      ...NO_NEWER_FACTS,
      annotations: {
        "io.kubernetes.cri.container-name": "iis",
        "io.kubernetes.cri.sandbox-namespace": "win",
        "io.kubernetes.cri.sandbox-name": "iis-0",
      },
      mounts: [
        {
          destination: "C:\\data",
          source: "C:\\ProgramData\\docker\\volumes\\data\\_data",
          type: undefined,
          options: ["rbind", "rw"],
        },
      ],
      env: ["PATH=C:\\Windows\\system32;C:\\Windows"],
      platform: "windows",
      engine: "containerd",
    });
  });

  const platforms: Array<[string, unknown, string]> = [
    ["windows-empty-object", {}, "windows"],
    ["windows-null", null, "linux"],
    ["windows-array", [], "linux"],
    ["windows-string", "yes", "linux"],
    ["no-windows", undefined, "linux"],
  ];
  for (const [name, windows, platform] of platforms) {
    it(`is a Windows view only when the windows section is an object [${name}]`, () => {
      assert.equal(viewFromSpec({ linux: {}, windows }, ID, "runc").platform, platform);
    });
  }

  it("keeps a __proto__ annotation as a plain annotation", () => {
    const spec = JSON.parse('{"annotations":{"__proto__":"x","oci-metadata.io/name":"web"}}') as Record<
      string,
      unknown
    >;
    const view = viewFromSpec(spec, ID, "runc");
    assert.ok(Object.hasOwn(view.annotations, "__proto__"));
    assert.equal(view.name, "web");
  });

  it("gives an empty view for a spec without process, mounts or annotations", () => {
    assert.deepEqual(viewFromSpec({ process: "x", mounts: {}, annotations: [] }, ID, "runc"), {
      id: ID,
      ...identityFromAnnotations({}),
      annotations: {},
      mounts: [],
      env: [],
      platform: "linux",
      engine: "runc",
    });
  });
});
