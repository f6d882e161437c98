// Tests src/core/spec.ts: applying a plan to a raw OCI spec adds our mount, env and stage hooks,
// is idempotent, leaves everything else alone, and refuses specs it cannot edit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type Config, defaultConfig, type Stage } from "../../../src/core/config.js";
import { type ContainerView, PINNED, viewFromSpec } from "../../../src/core/container.js";
import { isOciMetadataError } from "../../../src/core/errors.js";
import { type Inject, planContainer } from "../../../src/core/plan.js";
import {
  addAnnotationIfAbsent,
  addEnv,
  addHook,
  addMount,
  applyEdits,
  editsFor,
  type HookCommand,
  type JsonObject,
  pinFacts,
} from "../../../src/core/spec.js";

const ID = "ef3dabed9bef4f9e8d8f4d2c1b0a9988";
const HOOK: HookCommand = {
  path: "/usr/local/bin/oci-metadata",
  extraArgs: ["--config", "/etc/oci-metadata/config.json"],
  timeout: 5,
};

function planFor(over: Partial<ContainerView> = {}, cfg: Partial<Config> = {}): Inject {
  const view: ContainerView = {
    id: ID,
    task: "t1",
    name: "web",
    annotations: {},
    mounts: [],
    env: [],
    platform: "linux",
    engine: "runc",
    ...over,
  };
  const plan = planContainer(view, { ...defaultConfig(), enabled: "always", ...cfg });
  assert.equal(plan.kind, "inject");
  return plan as Inject;
}

// A small but realistic runc config.json.
function baseSpec(): JsonObject {
  return {
    ociVersion: "1.2.0",
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ["sh"],
      env: ["PATH=/usr/bin:/bin", "TERM=xterm"],
      cwd: "/",
    },
    root: { path: "rootfs", readonly: true },
    hostname: "runc",
    mounts: [{ destination: "/proc", type: "proc", source: "proc" }],
    linux: { namespaces: [{ type: "pid" }, { type: "mount" }] },
  };
}

// Runs fn, expecting a spec-invalid error with exactly this message.
function assertSpecInvalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isOciMetadataError(err));
    assert.equal(err.code, "spec-invalid");
    assert.equal(err.message, message);
    return true;
  });
}

const hookEntry = (stage: Stage) => ({
  path: "/usr/local/bin/oci-metadata",
  args: ["/usr/local/bin/oci-metadata", "hook", stage, "--config", "/etc/oci-metadata/config.json"],
  timeout: 5,
});

describe("editsFor and applyEdits", () => {
  it("adds the read-only metadata mount, the env var and one hook per stage", () => {
    const plan = planFor();
    const spec = applyEdits(baseSpec(), editsFor(plan, HOOK));
    assert.deepEqual(spec.mounts, [
      { destination: "/proc", type: "proc", source: "proc" },
      {
        destination: "/ecs/metadata/web",
        source: "/var/lib/ecs/data/metadata/t1/web",
        type: "bind",
        options: ["rbind", "ro", "nosuid", "nodev", "noexec"],
      },
    ]);
    assert.deepEqual((spec.process as JsonObject).env, [
      "PATH=/usr/bin:/bin",
      "TERM=xterm",
      "ECS_CONTAINER_METADATA_FILE=/ecs/metadata/web/ecs-container-metadata.json",
    ]);
    assert.deepEqual(spec.hooks, { createRuntime: [hookEntry("createRuntime")], poststop: [hookEntry("poststop")] });
  });

  it("returns the same object it edited in place", () => {
    const spec = baseSpec();
    assert.equal(applyEdits(spec, editsFor(planFor(), HOOK)), spec);
  });

  it("registers a hook for every configured stage, in order", () => {
    const stages: Stage[] = ["prestart", "createRuntime", "poststart", "poststop"];
    const spec = applyEdits(baseSpec(), editsFor(planFor({}, { stages }), HOOK));
    assert.deepEqual(Object.keys(spec.hooks as JsonObject), stages);
    for (const stage of stages) assert.deepEqual((spec.hooks as JsonObject)[stage], [hookEntry(stage)]);
  });

  it("passes args as [path, hook, stage] when there are no extra args, and omits an unset timeout", () => {
    const spec = applyEdits(baseSpec(), editsFor(planFor({}, { stages: ["createRuntime"] }), { path: "/bin/om" }));
    assert.deepEqual(spec.hooks, { createRuntime: [{ path: "/bin/om", args: ["/bin/om", "hook", "createRuntime"] }] });
  });

  it("copies the hook env into each entry", () => {
    const hook: HookCommand = { path: "/bin/om", env: ["OCI_METADATA_LOG_LEVEL=debug"] };
    const spec = applyEdits(baseSpec(), editsFor(planFor({}, { stages: ["poststop"] }), hook));
    assert.deepEqual(spec.hooks, {
      poststop: [{ path: "/bin/om", args: ["/bin/om", "hook", "poststop"], env: ["OCI_METADATA_LOG_LEVEL=debug"] }],
    });
    (hook.env as string[]).push("X=1");
    assert.deepEqual(((spec.hooks as JsonObject).poststop as JsonObject[])[0]!.env, ["OCI_METADATA_LOG_LEVEL=debug"]);
  });

  it("adds no hooks without a hook command", () => {
    const spec = applyEdits(baseSpec(), editsFor(planFor(), null));
    assert.equal(spec.hooks, undefined);
    assert.equal((spec.mounts as unknown[]).length, 2);
  });

  it("adds no hooks for a Windows plan, only the ro mount and the env var", () => {
    const plan = planFor({ platform: "windows" });
    const edits = editsFor(plan, HOOK);
    assert.equal(edits.length, 2);
    const spec = applyEdits({ ociVersion: "1.2.0", process: { env: [] }, windows: { layerFolders: [] } }, edits);
    assert.equal(spec.hooks, undefined);
    assert.deepEqual(spec.mounts, [
      {
        destination: "C:\\Amazon\\ECS\\metadata\\web",
        source: "%ProgramData%\\Amazon\\ECS\\data\\metadata\\t1\\web",
        type: "bind",
        options: ["ro"],
      },
    ]);
    assert.deepEqual((spec.process as JsonObject).env, [
      "ECS_CONTAINER_METADATA_FILE=C:\\Amazon\\ECS\\metadata\\web\\ecs-container-metadata.json",
    ]);
  });

  it("creates process, env, mounts and hooks when the spec has none", () => {
    const spec = applyEdits({ ociVersion: "1.2.0" }, editsFor(planFor({}, { stages: ["createRuntime"] }), HOOK));
    assert.deepEqual(spec, {
      ociVersion: "1.2.0",
      mounts: [
        {
          destination: "/ecs/metadata/web",
          source: "/var/lib/ecs/data/metadata/t1/web",
          type: "bind",
          options: ["rbind", "ro", "nosuid", "nodev", "noexec"],
        },
      ],
      process: { env: ["ECS_CONTAINER_METADATA_FILE=/ecs/metadata/web/ecs-container-metadata.json"] },
      hooks: { createRuntime: [hookEntry("createRuntime")] },
    });
  });

  it("treats null mounts, env and hook lists as empty", () => {
    const spec = applyEdits(
      { mounts: null, process: { env: null }, hooks: { createRuntime: null } },
      editsFor(planFor({}, { stages: ["createRuntime"] }), HOOK),
    );
    assert.equal((spec.mounts as unknown[]).length, 1);
    assert.equal(((spec.process as JsonObject).env as unknown[]).length, 1);
    assert.deepEqual((spec.hooks as JsonObject).createRuntime, [hookEntry("createRuntime")]);
  });

  it("does not share the plan's mount options with the spec", () => {
    const plan = planFor();
    const spec = applyEdits(baseSpec(), editsFor(plan, null));
    ((spec.mounts as JsonObject[])[1]!.options as string[]).push("exec");
    assert.deepEqual(plan.mount.options, ["rbind", "ro", "nosuid", "nodev", "noexec"]);
  });
});

describe("idempotence", () => {
  it("gives the same spec when applied twice as when applied once", () => {
    const plan = planFor({}, { stages: ["prestart", "createRuntime", "poststart", "poststop"] });
    const once = applyEdits(baseSpec(), editsFor(plan, HOOK));
    const twice = applyEdits(applyEdits(baseSpec(), editsFor(plan, HOOK)), editsFor(plan, HOOK));
    assert.deepEqual(twice, once);
  });

  it("replaces an existing env var of ours instead of adding a second one", () => {
    const spec = baseSpec();
    (spec.process as JsonObject).env = ["ECS_CONTAINER_METADATA_FILE=/old/path.json", "PATH=/bin"];
    applyEdits(spec, [addEnv("ECS_CONTAINER_METADATA_FILE", "/ecs/metadata/web/ecs-container-metadata.json")]);
    assert.deepEqual((spec.process as JsonObject).env, [
      "ECS_CONTAINER_METADATA_FILE=/ecs/metadata/web/ecs-container-metadata.json",
      "PATH=/bin",
    ]);
  });

  it("leaves a variable whose name only starts with ours", () => {
    const spec: JsonObject = { process: { env: ["ECS_CONTAINER_METADATA_FILE_OLD=/x"] } };
    applyEdits(spec, [addEnv("ECS_CONTAINER_METADATA_FILE", "/y")]);
    assert.deepEqual((spec.process as JsonObject).env, [
      "ECS_CONTAINER_METADATA_FILE_OLD=/x",
      "ECS_CONTAINER_METADATA_FILE=/y",
    ]);
  });

  it("keeps other tools' hooks and appends ours after them", () => {
    const spec = baseSpec();
    const other = {
      path: "/usr/bin/nvidia-container-runtime-hook",
      args: ["nvidia-container-runtime-hook", "prestart"],
    };
    spec.hooks = { createRuntime: [other], prestart: [other] };
    applyEdits(spec, editsFor(planFor({}, { stages: ["createRuntime"] }), HOOK));
    assert.deepEqual(spec.hooks, { createRuntime: [other, hookEntry("createRuntime")], prestart: [other] });
  });

  it("adds a hook next to one of ours with different args (another config file)", () => {
    const spec: JsonObject = {};
    addHook("createRuntime", { path: "/bin/om", extraArgs: ["--config", "/a.json"] })(spec);
    addHook("createRuntime", { path: "/bin/om", extraArgs: ["--config", "/b.json"] })(spec);
    addHook("createRuntime", { path: "/bin/om", extraArgs: ["--config", "/a.json"] })(spec);
    assert.equal(((spec.hooks as JsonObject).createRuntime as unknown[]).length, 2);
  });

  it("does not add the mount again when the same destination and source are present", () => {
    const plan = planFor();
    const spec: JsonObject = {
      mounts: [{ destination: plan.mount.destination, source: plan.mount.source, type: "bind", options: ["bind"] }],
    };
    addMount(plan)(spec);
    assert.deepEqual(spec.mounts, [
      { destination: plan.mount.destination, source: plan.mount.source, type: "bind", options: ["bind"] },
    ]);
  });

  it("plans the same inject again from a spec it already edited", () => {
    const spec = baseSpec();
    spec.annotations = { "oci-metadata.io/task": "t1", "oci-metadata.io/name": "web" };
    const cfg = { ...defaultConfig(), enabled: "always" as const };
    const first = planContainer(viewFromSpec(spec, ID, "runc"), cfg);
    assert.equal(first.kind, "inject");
    applyEdits(spec, editsFor(first as Inject, HOOK));
    assert.deepEqual(planContainer(viewFromSpec(spec, ID, "runc"), cfg), first);
  });
});

describe("unknown fields", () => {
  const reserved = new Set([
    "mounts",
    "process",
    "hooks",
    "env",
    "annotations",
    "destination",
    "source",
    "path",
    "args",
    "createRuntime",
    "poststop",
  ]);
  const extra = fc.dictionary(
    fc.string().filter((k) => !reserved.has(k)),
    fc.jsonValue(),
    { maxKeys: 5 },
  );

  it("survive anywhere in the spec, whatever they hold", () => {
    fc.assert(
      fc.property(extra, extra, extra, extra, extra, (top, proc, mount, hooks, hook) => {
        // Built as JSON text and parsed, as a real config.json is.
        const text = JSON.stringify({
          ...top,
          process: { ...proc, env: ["PATH=/bin"] },
          mounts: [{ ...mount, destination: "/proc", source: "proc" }],
          hooks: { ...hooks, createRuntime: [{ ...hook, path: "/bin/other" }] },
        });
        const spec = JSON.parse(text) as JsonObject;
        applyEdits(spec, editsFor(planFor(), HOOK));
        const before = JSON.parse(text) as JsonObject;
        for (const key of Object.keys(top)) assert.deepEqual(spec[key], before[key]);
        for (const key of Object.keys(proc))
          assert.deepEqual((spec.process as JsonObject)[key], (before.process as JsonObject)[key]);
        assert.deepEqual((spec.mounts as unknown[])[0], (before.mounts as unknown[])[0]);
        for (const key of Object.keys(hooks))
          assert.deepEqual((spec.hooks as JsonObject)[key], (before.hooks as JsonObject)[key]);
        assert.deepEqual(
          ((spec.hooks as JsonObject).createRuntime as unknown[])[0],
          ((before.hooks as JsonObject).createRuntime as unknown[])[0],
        );
      }),
      { numRuns: 200 },
    );
  });

  it("make no difference to idempotence", () => {
    fc.assert(
      fc.property(
        fc.object(),
        fc.subarray(["prestart", "createRuntime", "poststart", "poststop"] as Stage[]),
        (top, stages) => {
          const text = JSON.stringify({ ...top, process: { env: [] }, mounts: [], hooks: {} });
          const plan = planFor({}, { stages });
          const once = applyEdits(JSON.parse(text) as JsonObject, editsFor(plan, HOOK));
          const twice = applyEdits(
            applyEdits(JSON.parse(text) as JsonObject, editsFor(plan, HOOK)),
            editsFor(plan, HOOK),
          );
          assert.deepEqual(twice, once);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keep their order and values exactly (byte-for-byte after re-serialising)", () => {
    const text = `{"ociVersion":"1.2.0","x-vendor":{"b":1,"a":[true,null,"\\u0000"]},"process":{"env":[],"rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]},"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO"}}}`;
    const spec = JSON.parse(text) as JsonObject;
    applyEdits(spec, editsFor(planFor(), null));
    const out = JSON.stringify(spec);
    assert.ok(
      out.startsWith(
        `{"ociVersion":"1.2.0","x-vendor":{"b":1,"a":[true,null,"\\u0000"]},"process":{"env":["ECS_CONTAINER_METADATA_FILE=`,
      ),
    );
    assert.ok(
      out.includes(
        `"rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]},"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO"}}`,
      ),
    );
  });
});

describe("specs that cannot be edited", () => {
  const cases: Array<[string, JsonObject, string]> = [
    ["mounts-object", { mounts: {} }, "[spec-invalid] editing mounts: expected an array"],
    ["mounts-string", { mounts: "/proc" }, "[spec-invalid] editing mounts: expected an array"],
    ["process-string", { process: "sh" }, "[spec-invalid] editing process.env: process is not an object"],
    ["process-null", { process: null }, "[spec-invalid] editing process.env: process is not an object"],
    ["process-array", { process: [] }, "[spec-invalid] editing process.env: process is not an object"],
    ["env-string", { process: { env: "PATH=/bin" } }, "[spec-invalid] editing process.env: expected an array"],
    ["env-object", { process: { env: { PATH: "/bin" } } }, "[spec-invalid] editing process.env: expected an array"],
    ["hooks-array", { hooks: [] }, "[spec-invalid] editing hooks: hooks is not an object"],
    ["hooks-string", { hooks: "none" }, "[spec-invalid] editing hooks: hooks is not an object"],
    [
      "hook-stage-object",
      { hooks: { createRuntime: {} } },
      "[spec-invalid] editing hooks.createRuntime: expected an array",
    ],
    ["hook-stage-number", { hooks: { poststop: 1 } }, "[spec-invalid] editing hooks.poststop: expected an array"],
  ];
  for (const [name, spec, message] of cases) {
    it(`throws spec-invalid with a message naming the field [${name}]`, () => {
      assertSpecInvalid(() => applyEdits(spec, editsFor(planFor(), HOOK)), message);
    });
  }

  it("throws spec-invalid for annotations that are not an object", () => {
    assertSpecInvalid(
      () => addAnnotationIfAbsent("k", "v")({ annotations: ["k=v"] }),
      "[spec-invalid] editing annotations: not an object",
    );
    assertSpecInvalid(
      () => addAnnotationIfAbsent("k", "v")({ annotations: null }),
      "[spec-invalid] editing annotations: not an object",
    );
  });
});

describe("addAnnotationIfAbsent", () => {
  it("adds the annotation, creating the annotations object", () => {
    const spec: JsonObject = {};
    addAnnotationIfAbsent("oci-metadata.io/task", "t1")(spec);
    assert.deepEqual(spec, { annotations: { "oci-metadata.io/task": "t1" } });
  });

  it("keeps a value that is already there", () => {
    const spec: JsonObject = { annotations: { "oci-metadata.io/task": "mine", other: "x" } };
    addAnnotationIfAbsent("oci-metadata.io/task", "t1")(spec);
    assert.deepEqual(spec.annotations, { "oci-metadata.io/task": "mine", other: "x" });
  });

  it("keeps an existing empty string", () => {
    const spec: JsonObject = { annotations: { k: "" } };
    addAnnotationIfAbsent("k", "v")(spec);
    assert.deepEqual(spec.annotations, { k: "" });
  });

  it("replaces a value that is not a string (annotations are strings in OCI)", () => {
    const spec: JsonObject = { annotations: { k: 1 } };
    addAnnotationIfAbsent("k", "v")(spec);
    assert.deepEqual(spec.annotations, { k: "v" });
  });
});

describe("pinFacts", () => {
  const facts: Partial<ContainerView> = {
    image: "httpd:2.4",
    imageId: "sha256:04bbc221",
    dockerName: "/web",
    networkMode: "bridge",
    ports: [{ ContainerPort: 80, HostPort: 32768, BindIp: "0.0.0.0", Protocol: "tcp" }],
  };

  it("pins the plan's name and task and the view's engine facts as annotations", () => {
    const spec: JsonObject = {};
    applyEdits(spec, pinFacts({ ...view(), ...facts }, { name: "web", task: "ns/pod/uid" }));
    assert.deepEqual(spec.annotations, {
      [PINNED.name]: "web",
      [PINNED.task]: "ns/pod/uid",
      [PINNED.image]: "httpd:2.4",
      [PINNED.imageId]: "sha256:04bbc221",
      [PINNED.dockerName]: "/web",
      [PINNED.networkMode]: "bridge",
      [PINNED.ports]: JSON.stringify(facts.ports),
    });
  });

  it("pins nothing for facts the view does not have", () => {
    const spec: JsonObject = {};
    applyEdits(spec, pinFacts(view(), { name: "web", task: "t1" }));
    assert.deepEqual(spec.annotations, { [PINNED.name]: "web", [PINNED.task]: "t1" });
  });

  it("keeps annotations the spec already has", () => {
    const spec: JsonObject = { annotations: { [PINNED.image]: "mine:1", other: "x" } };
    applyEdits(spec, pinFacts({ ...view(), image: "httpd:2.4" }, { name: "web", task: "t1" }));
    assert.deepEqual(spec.annotations, {
      [PINNED.image]: "mine:1",
      other: "x",
      [PINNED.name]: "web",
      [PINNED.task]: "t1",
    });
  });

  it("lets a hook that only sees the spec read back the same facts", () => {
    const spec = baseSpec();
    applyEdits(spec, pinFacts({ ...view(), ...facts }, { name: "web", task: "ns/pod/uid" }));
    const back = viewFromSpec(spec, ID, "runc");
    assert.deepEqual(
      {
        name: back.name,
        task: back.task,
        image: back.image,
        imageId: back.imageId,
        dockerName: back.dockerName,
        networkMode: back.networkMode,
        ports: back.ports,
      },
      { name: "web", task: "ns/pod/uid", ...facts },
    );
  });
});

function view(over: Partial<ContainerView> = {}): ContainerView {
  return { id: ID, annotations: {}, mounts: [], env: [], platform: "linux", engine: "runc", ...over };
}
