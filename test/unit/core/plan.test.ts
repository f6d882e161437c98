// Tests src/core/plan.ts: who gets metadata (always / opt-in / never, opt-out), where it goes
// (host and container dirs from safe segments), and when we stay away (mount and env conflicts),
// including the `--volumes-from` shape that is never a conflict.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type Config, defaultConfig } from "../../../src/core/config.js";
import type { ContainerView, MountView } from "../../../src/core/container.js";
import { isSafeSegment, SEGMENT_PATTERN, safeSegment } from "../../../src/core/names.js";
import { relativeSegments } from "../../../src/core/paths.js";
import {
  type Inject,
  isMetadataMount,
  LINUX_MOUNT_OPTIONS,
  NAME_ATTEMPTS,
  nameCandidate,
  type Plan,
  planContainer,
  rootsFor,
  SEED_OPT_IN_KEY,
} from "../../../src/core/plan.js";

const ID = "ef3dabed9bef4f9e8d8f4d2c1b0a9988";
const HOST_ROOT = "/var/lib/ecs/data/metadata";

function config(over: Partial<Config> = {}): Config {
  return { ...defaultConfig(), ...over };
}

const always = (over: Partial<Config> = {}) => config({ enabled: "always", ...over });

function view(over: Partial<ContainerView> = {}): ContainerView {
  return { id: ID, annotations: {}, mounts: [], env: [], platform: "linux", engine: "runc", ...over };
}

function injected(plan: Plan): Inject {
  assert.equal(plan.kind, "inject", plan.kind === "skip" ? `skipped: ${plan.reason}` : "");
  return plan as Inject;
}

// A metadata mount as we (or another container's plan) would have made it.
function metadataMount(task: string, name: string, destinationName = name): MountView {
  return {
    destination: `/ecs/metadata/${destinationName}`,
    source: `${HOST_ROOT}/${task}/${name}`,
    type: "bind",
    options: [...LINUX_MOUNT_OPTIONS],
  };
}

describe("planContainer enablement", () => {
  it("skips every container when disabled, even one that opts in", () => {
    const plan = planContainer(
      view({ annotations: { "oci-metadata.io/enabled": "true" } }),
      config({ enabled: "never" }),
    );
    assert.deepEqual(plan, {
      kind: "skip",
      code: "disabled",
      reason: "oci-metadata is disabled by config (enabled: never)",
    });
  });

  it("skips a container without the annotation under opt-in (the default)", () => {
    assert.deepEqual(planContainer(view(), config()), {
      kind: "skip",
      code: "not-opted-in",
      reason: "the workload does not set oci-metadata.io/enabled=true (enabled: opt-in)",
    });
  });

  const yes = ["true", "1", "yes", "on", "enabled", "TRUE", "Yes", " true ", "On\n"];
  for (const value of yes) {
    it(`injects under opt-in when the annotation says ${JSON.stringify(value)}`, () => {
      injected(planContainer(view({ annotations: { "oci-metadata.io/enabled": value } }), config()));
    });
  }

  const notYes = ["false", "0", "no", "off", "disabled", "", "maybe", "truthy", "y", "2"];
  for (const value of notYes) {
    it(`skips under opt-in when the annotation says ${JSON.stringify(value)}`, () => {
      const plan = planContainer(view({ annotations: { "oci-metadata.io/enabled": value } }), config());
      assert.equal(plan.kind === "skip" && plan.code, "not-opted-in");
    });
  }

  it("honours the seed flag metadataEnable for opting in", () => {
    assert.equal(SEED_OPT_IN_KEY, "metadataEnable");
    injected(planContainer(view({ annotations: { metadataEnable: "true" } }), config()));
  });

  it("honours the seed flag metadataEnable for opting out under always", () => {
    const plan = planContainer(view({ annotations: { metadataEnable: "false" } }), always());
    assert.equal(plan.kind === "skip" && plan.code, "opted-out");
  });

  it("lets the configured annotation win over the seed flag", () => {
    const optedOut = { "oci-metadata.io/enabled": "false", metadataEnable: "true" };
    assert.equal(planContainer(view({ annotations: optedOut }), config()).kind, "skip");
    const optedIn = { "oci-metadata.io/enabled": "true", metadataEnable: "false" };
    injected(planContainer(view({ annotations: optedIn }), always()));
  });

  it("reads a custom opt-in annotation and names it in the reason", () => {
    const custom = config({ optInAnnotation: "example.com/metadata" });
    injected(planContainer(view({ annotations: { "example.com/metadata": "yes" } }), custom));
    const plan = planContainer(view({ annotations: { "oci-metadata.io/enabled": "true" } }), custom);
    assert.deepEqual(plan, {
      kind: "skip",
      code: "not-opted-in",
      reason: "the workload does not set example.com/metadata=true (enabled: opt-in)",
    });
  });

  it("injects every container under always when nothing opts out", () => {
    injected(planContainer(view(), always()));
    injected(planContainer(view({ annotations: { "oci-metadata.io/enabled": "maybe" } }), always()));
    injected(planContainer(view({ annotations: { "oci-metadata.io/enabled": "true" } }), always()));
  });

  const no = ["false", "0", "no", "off", "disabled", "FALSE", " No "];
  for (const value of no) {
    it(`skips under always when the workload opts out with ${JSON.stringify(value)}`, () => {
      const plan = planContainer(view({ annotations: { "oci-metadata.io/enabled": value } }), always());
      assert.deepEqual(plan, {
        kind: "skip",
        code: "opted-out",
        reason: `the workload sets oci-metadata.io/enabled=${value}`,
      });
    });
  }
});

describe("planContainer placement", () => {
  it("places a container with no name or task at default/<id>", () => {
    assert.deepEqual(planContainer(view(), always()), {
      kind: "inject",
      task: "default",
      name: ID,
      taskSegment: "default",
      nameSegment: ID,
      hostDir: `${HOST_ROOT}/default/${ID}`,
      hostFile: `${HOST_ROOT}/default/${ID}/ecs-container-metadata.json`,
      containerDir: `/ecs/metadata/${ID}`,
      containerFile: `/ecs/metadata/${ID}/ecs-container-metadata.json`,
      env: { name: "ECS_CONTAINER_METADATA_FILE", value: `/ecs/metadata/${ID}/ecs-container-metadata.json` },
      mount: {
        destination: `/ecs/metadata/${ID}`,
        source: `${HOST_ROOT}/default/${ID}`,
        type: "bind",
        options: ["rbind", "ro", "nosuid", "nodev", "noexec"],
      },
      stages: ["createRuntime", "poststop"],
      platform: "linux",
    });
  });

  it("uses the view's task and name", () => {
    const plan = injected(planContainer(view({ task: "prod-web", name: "web" }), always()));
    assert.equal(plan.task, "prod-web");
    assert.equal(plan.name, "web");
    assert.equal(plan.hostDir, `${HOST_ROOT}/prod-web/web`);
    assert.equal(plan.containerDir, "/ecs/metadata/web");
  });

  it("keeps the raw task and name next to their safe segments", () => {
    const plan = injected(planContainer(view({ task: "default/web-7d9c/1f0e", name: "web" }), always()));
    assert.equal(plan.task, "default/web-7d9c/1f0e");
    assert.match(plan.taskSegment, SEGMENT_PATTERN);
    assert.equal(plan.hostDir, `${HOST_ROOT}/${plan.taskSegment}/web`);
  });

  it("follows custom roots, file name, env name and stages", () => {
    const custom = always({
      hostRoot: "/run/om/",
      containerRoot: "/meta/",
      fileName: "m.json",
      envName: "META",
      stages: ["prestart", "poststart"],
    });
    const plan = injected(planContainer(view({ task: "t", name: "n" }), custom));
    assert.equal(plan.hostDir, "/run/om/t/n");
    assert.equal(plan.hostFile, "/run/om/t/n/m.json");
    assert.equal(plan.containerDir, "/meta/n");
    assert.deepEqual(plan.env, { name: "META", value: "/meta/n/m.json" });
    assert.deepEqual(plan.stages, ["prestart", "poststart"]);
  });

  it("copies the stages so a door's change to the plan does not reach the config", () => {
    const cfg = always();
    injected(planContainer(view(), cfg)).stages.push("prestart");
    assert.deepEqual(cfg.stages, ["createRuntime", "poststop"]);
  });

  const hostile: Array<[string, Partial<ContainerView>]> = [
    ["dotdot-path-name", { name: "../../etc" }],
    ["dotdot-name", { name: ".." }],
    ["dot-name", { name: "." }],
    ["slash-name", { name: "/" }],
    ["empty-name", { name: "" }],
    ["hidden-name", { name: ".hidden" }],
    ["nul-name", { name: "a\u0000b" }],
    ["four-kb-name", { name: "n".repeat(4096) }],
    ["dotdot-path-task", { task: "../../../root/.ssh" }],
    ["absolute-task", { task: "/etc" }],
    ["dotdot-task", { task: ".." }],
    ["four-kb-task", { task: "/".repeat(4096) }],
    ["unicode-both", { task: "задача", name: "имя" }],
    ["dotdot-id-without-name", { id: "../../x" }],
  ];
  for (const [name, over] of hostile) {
    it(`keeps the host dir under hostRoot with exactly two more segments [${name}]`, () => {
      const plan = injected(planContainer(view(over), always()));
      const hostSegments = relativeSegments(HOST_ROOT, plan.hostDir);
      assert.deepEqual(hostSegments, [plan.taskSegment, plan.nameSegment]);
      assert.ok(hostSegments.every(isSafeSegment));
      assert.deepEqual(relativeSegments("/ecs/metadata", plan.containerDir), [plan.nameSegment]);
      assert.equal(plan.hostFile, `${plan.hostDir}/ecs-container-metadata.json`);
      assert.equal(plan.containerFile, `${plan.containerDir}/ecs-container-metadata.json`);
      assert.equal(plan.mount.source, plan.hostDir);
      assert.equal(plan.mount.destination, plan.containerDir);
      assert.equal(plan.env.value, plan.containerFile);
    });
  }
});

describe("planContainer mount conflicts", () => {
  const conflicts: Array<[string, MountView]> = [
    ["container-root", { destination: "/ecs/metadata", source: "/srv/meta", type: "bind" }],
    ["container-root-trailing-slash", { destination: "/ecs/metadata/", source: "/srv/meta", type: "bind" }],
    ["container-root-unnormalised", { destination: "/ecs//x/../metadata", source: "/srv/meta", type: "bind" }],
    ["parent", { destination: "/ecs", source: "/srv/ecs", type: "bind" }],
    ["child", { destination: "/ecs/metadata/x", source: "/srv/x", type: "bind" }],
    ["child-tmpfs", { destination: "/ecs/metadata/x", type: "tmpfs" }],
    ["filesystem-root", { destination: "/", source: "/srv/rootfs", type: "bind" }],
    ["child-from-host-root-itself", { destination: "/ecs/metadata/all", source: HOST_ROOT, type: "bind" }],
    ["container-root-from-a-slot", { destination: "/ecs/metadata", source: `${HOST_ROOT}/t/n`, type: "bind" }],
  ];
  for (const [name, mount] of conflicts) {
    it(`skips when the workload already mounts on or around the target [${name}]`, () => {
      const plan = planContainer(
        view({ mounts: [{ destination: "/proc", type: "proc", source: "proc" }, mount] }),
        always(),
      );
      assert.deepEqual(plan, {
        kind: "skip",
        code: "mount-conflict",
        reason: `the workload already mounts ${mount.destination}, which overlaps /ecs/metadata`,
      });
    });
  }

  const fine: Array<[string, MountView]> = [
    ["sibling-with-common-prefix", { destination: "/ecs/metadata-old", source: "/srv/x", type: "bind" }],
    ["sibling-under-parent", { destination: "/ecs/other", source: "/srv/x", type: "bind" }],
    ["unrelated", { destination: "/data", source: "/srv/data", type: "bind" }],
    ["proc", { destination: "/proc", source: "proc", type: "proc" }],
  ];
  for (const [name, mount] of fine) {
    it(`injects next to mounts that do not overlap the target [${name}]`, () => {
      injected(planContainer(view({ mounts: [mount] }), always()));
    });
  }

  it("is not a conflict to carry another container's metadata mount (--volumes-from)", () => {
    const plan = injected(
      planContainer(view({ task: "t2", name: "web", mounts: [metadataMount("t1", "db")] }), always()),
    );
    assert.equal(plan.nameSegment, "web");
    assert.equal(plan.hostDir, `${HOST_ROOT}/t2/web`);
    assert.equal(plan.containerDir, "/ecs/metadata/web");
  });

  it("recognises another container's mount written with redundant slashes", () => {
    const other: MountView = { destination: "/ecs//metadata/db/", source: `${HOST_ROOT}//t1/db/`, type: "bind" };
    injected(planContainer(view({ task: "t2", name: "web", mounts: [other] }), always()));
  });

  it("moves to <name>-<id prefix> when another container's mount sits at our destination", () => {
    const id = "0123456789abcdef0123456789abcdef";
    const plan = injected(
      planContainer(view({ id, task: "t2", name: "web", mounts: [metadataMount("t1", "web")] }), always()),
    );
    assert.equal(plan.nameSegment, "web-0123456789ab");
    assert.equal(plan.taskSegment, "t2");
    assert.equal(plan.name, "web");
    assert.equal(plan.hostDir, `${HOST_ROOT}/t2/web-0123456789ab`);
    assert.equal(plan.containerDir, "/ecs/metadata/web-0123456789ab");
    assert.equal(plan.env.value, "/ecs/metadata/web-0123456789ab/ecs-container-metadata.json");
    assert.deepEqual(plan.mount, {
      destination: plan.containerDir,
      source: plan.hostDir,
      type: "bind",
      options: LINUX_MOUNT_OPTIONS,
    });
  });

  it("moves on past every candidate another container's mount already holds", () => {
    const id = "0123456789abcdef0123456789abcdef";
    const mounts = [metadataMount("t1", "web"), metadataMount("t1", "web-0123456789ab")];
    const plan = injected(planContainer(view({ id, task: "t2", name: "web", mounts }), always()));
    assert.equal(plan.nameSegment, safeSegment(nameCandidate("web", id, 2)));
  });

  it("keeps its name when the mount at our destination is our own earlier one", () => {
    const plan = injected(
      planContainer(view({ task: "t1", name: "web", mounts: [metadataMount("t1", "web")] }), always()),
    );
    assert.equal(plan.nameSegment, "web");
    assert.equal(plan.hostDir, `${HOST_ROOT}/t1/web`);
  });

  it("plans the same moved dir again once its own mount and env are in the spec", () => {
    const id = "0123456789abcdef0123456789abcdef";
    const first = injected(
      planContainer(view({ id, task: "t2", name: "web", mounts: [metadataMount("t1", "web")] }), always()),
    );
    const again = planContainer(
      view({
        id,
        task: "t2",
        name: "web",
        mounts: [metadataMount("t1", "web"), first.mount],
        env: [`${first.env.name}=${first.env.value}`],
      }),
      always(),
    );
    assert.deepEqual(again, first);
  });
});

describe("planContainer env conflicts", () => {
  it("skips when the workload sets the env var itself", () => {
    const plan = planContainer(view({ env: ["PATH=/bin", "ECS_CONTAINER_METADATA_FILE=/tmp/mine.json"] }), always());
    assert.deepEqual(plan, {
      kind: "skip",
      code: "env-conflict",
      reason: "the workload already sets ECS_CONTAINER_METADATA_FILE",
    });
  });

  it("skips when the workload sets the env var to an empty value", () => {
    assert.equal(planContainer(view({ env: ["ECS_CONTAINER_METADATA_FILE="] }), always()).kind, "skip");
  });

  it("is not a conflict when the env var already holds our own value", () => {
    const plan = injected(
      planContainer(
        view({ name: "web", env: ["ECS_CONTAINER_METADATA_FILE=/ecs/metadata/web/ecs-container-metadata.json"] }),
        always(),
      ),
    );
    assert.equal(plan.env.value, "/ecs/metadata/web/ecs-container-metadata.json");
  });

  it("is not a conflict for a variable whose name merely starts with ours", () => {
    injected(
      planContainer(view({ env: ["ECS_CONTAINER_METADATA_FILE_OLD=/x", "XECS_CONTAINER_METADATA_FILE=/y"] }), always()),
    );
  });

  it("checks the configured env name", () => {
    const plan = planContainer(view({ env: ["META=/x"] }), always({ envName: "META" }));
    assert.deepEqual(plan, { kind: "skip", code: "env-conflict", reason: "the workload already sets META" });
    injected(planContainer(view({ env: ["ECS_CONTAINER_METADATA_FILE=/x"] }), always({ envName: "META" })));
  });
});

describe("planContainer on Windows", () => {
  const win = (over: Partial<ContainerView> = {}) => view({ platform: "windows", engine: "hcs", ...over });

  it("places the dirs under the Windows roots with backslashes and a ro mount", () => {
    assert.deepEqual(planContainer(win({ task: "t1", name: "web" }), always()), {
      kind: "inject",
      task: "t1",
      name: "web",
      taskSegment: "t1",
      nameSegment: "web",
      hostDir: "%ProgramData%\\Amazon\\ECS\\data\\metadata\\t1\\web",
      hostFile: "%ProgramData%\\Amazon\\ECS\\data\\metadata\\t1\\web\\ecs-container-metadata.json",
      containerDir: "C:\\Amazon\\ECS\\metadata\\web",
      containerFile: "C:\\Amazon\\ECS\\metadata\\web\\ecs-container-metadata.json",
      env: {
        name: "ECS_CONTAINER_METADATA_FILE",
        value: "C:\\Amazon\\ECS\\metadata\\web\\ecs-container-metadata.json",
      },
      mount: {
        destination: "C:\\Amazon\\ECS\\metadata\\web",
        source: "%ProgramData%\\Amazon\\ECS\\data\\metadata\\t1\\web",
        type: "bind",
        options: ["ro"],
      },
      stages: ["createRuntime", "poststop"],
      platform: "windows",
    });
  });

  it("uses the default task and the id as name", () => {
    const plan = injected(planContainer(win(), always()));
    assert.equal(plan.hostDir, `%ProgramData%\\Amazon\\ECS\\data\\metadata\\default\\${ID}`);
    assert.equal(plan.containerDir, `C:\\Amazon\\ECS\\metadata\\${ID}`);
  });

  const conflicts: Array<[string, string]> = [
    ["container-root", "C:\\Amazon\\ECS\\metadata"],
    ["parent", "C:\\Amazon"],
    ["drive-root", "C:\\"],
    ["child", "C:\\Amazon\\ECS\\metadata\\x"],
    ["other-case", "c:\\amazon\\ecs\\METADATA"],
    ["forward-slashes", "C:/Amazon/ECS/metadata"],
  ];
  for (const [name, destination] of conflicts) {
    it(`skips when the workload mounts on or around the Windows target [${name}]`, () => {
      const plan = planContainer(win({ mounts: [{ destination, source: "D:\\data" }] }), always());
      assert.equal(plan.kind === "skip" && plan.code, "mount-conflict");
    });
  }

  it("is not a conflict to carry another container's Windows metadata mount", () => {
    const other: MountView = {
      destination: "C:\\Amazon\\ECS\\metadata\\db",
      source: "%ProgramData%\\Amazon\\ECS\\data\\metadata\\t1\\db",
    };
    injected(planContainer(win({ name: "web", mounts: [other] }), always()));
  });

  it("skips when the workload sets the env var to something else", () => {
    assert.equal(planContainer(win({ env: ["ECS_CONTAINER_METADATA_FILE=C:\\mine.json"] }), always()).kind, "skip");
  });
});

describe("planContainer properties", () => {
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.constantFrom("..", ".", "/", "", "../../etc"),
  );
  const linuxRoot = fc.constantFrom("/var/lib/ecs/data/metadata", "/run/om/", "/", "/a//b/");

  it("keeps the host dir within hostRoot plus two safe segments and the container dir within containerRoot", () => {
    fc.assert(
      fc.property(
        fc.option(anyText, { nil: undefined }),
        fc.option(anyText, { nil: undefined }),
        anyText,
        linuxRoot,
        (task, name, id, hostRoot) => {
          const plan = injected(planContainer(view({ id, task, name }), always({ hostRoot })));
          const host = relativeSegments(hostRoot, plan.hostDir);
          assert.ok(host !== undefined && host.length === 2 && host.every(isSafeSegment), plan.hostDir);
          const ctr = relativeSegments("/ecs/metadata", plan.containerDir);
          assert.ok(ctr !== undefined && ctr.length === 1 && isSafeSegment(ctr[0]!), plan.containerDir);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("does the same on Windows, whose paths compare through backslashes", () => {
    const posix = (p: string) => `/${p.replace(/\\/g, "/")}`;
    fc.assert(
      fc.property(
        fc.option(anyText, { nil: undefined }),
        fc.option(anyText, { nil: undefined }),
        anyText,
        (task, name, id) => {
          const plan = injected(planContainer(view({ id, task, name, platform: "windows" }), always()));
          const host = relativeSegments(posix("%ProgramData%\\Amazon\\ECS\\data\\metadata"), posix(plan.hostDir));
          assert.ok(host !== undefined && host.length === 2 && host.every(isSafeSegment), plan.hostDir);
          const ctr = relativeSegments(posix("C:\\Amazon\\ECS\\metadata"), posix(plan.containerDir));
          assert.ok(ctr !== undefined && ctr.length === 1 && isSafeSegment(ctr[0]!), plan.containerDir);
          assert.ok(!plan.hostDir.includes("/") && !plan.containerDir.includes("/"));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives the same plan for the same input", () => {
    fc.assert(
      fc.property(fc.option(anyText, { nil: undefined }), anyText, (task, name) => {
        assert.deepEqual(planContainer(view({ task, name }), always()), planContainer(view({ task, name }), always()));
      }),
    );
  });
});

describe("isMetadataMount and rootsFor", () => {
  const roots = { host: HOST_ROOT, container: "/ecs/metadata" };
  const cases: Array<[string, MountView, boolean]> = [
    ["our-shape", metadataMount("t", "n"), true],
    ["no-source", { destination: "/ecs/metadata/n" }, false],
    ["source-is-host-root", { destination: "/ecs/metadata/n", source: HOST_ROOT }, false],
    ["destination-is-container-root", { destination: "/ecs/metadata", source: `${HOST_ROOT}/t/n` }, false],
    ["source-outside", { destination: "/ecs/metadata/n", source: "/srv/n" }, false],
    ["source-escapes-by-dotdot", { destination: "/ecs/metadata/n", source: `${HOST_ROOT}/../../../etc` }, false],
    ["destination-outside", { destination: "/data", source: `${HOST_ROOT}/t/n` }, false],
  ];
  for (const [name, mount, expected] of cases) {
    it(`recognises our own mount shape [${name}]`, () =>
      assert.equal(isMetadataMount(mount, roots, "linux"), expected));
  }

  it("picks the roots of the platform", () => {
    assert.deepEqual(rootsFor("linux", defaultConfig()), { host: HOST_ROOT, container: "/ecs/metadata" });
    assert.deepEqual(rootsFor("windows", defaultConfig()), {
      host: "%ProgramData%\\Amazon\\ECS\\data\\metadata",
      container: "C:\\Amazon\\ECS\\metadata",
    });
  });
});

describe("nameCandidate", () => {
  const ID12 = "0123456789ab";
  const cases: Array<[string, number, string]> = [
    ["the-name-itself", 0, "web"],
    ["id-prefix", 1, `web-${ID12}`],
    ["full-id", 2, `web-${ID12}cdef`],
    ["numbered", 3, `web-${ID12}cdef-3`],
    ["numbered-later", 15, `web-${ID12}cdef-15`],
  ];
  for (const [name, attempt, expected] of cases) {
    it(`gives each attempt its own name [${name}]`, () =>
      assert.equal(nameCandidate("web", `${ID12}cdef`, attempt), expected));
  }

  it("gives two containers whose ids share 12 characters different names by attempt 2", () => {
    const a = nameCandidate("web", "0123456789ab-one", 2);
    const b = nameCandidate("web", "0123456789ab-two", 2);
    assert.equal(nameCandidate("web", "0123456789ab-one", 1), nameCandidate("web", "0123456789ab-two", 1));
    assert.notEqual(a, b);
  });

  it(`has ${NAME_ATTEMPTS + 1} distinct candidates for one container`, () => {
    const all = Array.from({ length: NAME_ATTEMPTS + 1 }, (_, k) => nameCandidate("web", "0123456789abcdef", k));
    assert.equal(new Set(all).size, all.length);
  });
});
