// Tests src/core/locate.ts: a hook finds its container's own metadata dir from the spec alone
// (env var → container dir → the metadata mount there), never another container's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Config, defaultConfig } from "../../../src/core/config.js";
import type { ContainerView, MountView } from "../../../src/core/container.js";
import { ownMetadataDir } from "../../../src/core/locate.js";
import { type Inject, LINUX_MOUNT_OPTIONS, planContainer } from "../../../src/core/plan.js";

const HOST_ROOT = "/var/lib/ecs/data/metadata";
const OWN_ENV = "ECS_CONTAINER_METADATA_FILE=/ecs/metadata/web/ecs-container-metadata.json";

function mount(task: string, name: string): MountView {
  return {
    destination: `/ecs/metadata/${name}`,
    source: `${HOST_ROOT}/${task}/${name}`,
    type: "bind",
    options: [...LINUX_MOUNT_OPTIONS],
  };
}

function view(over: Partial<ContainerView> = {}): ContainerView {
  return {
    id: "ef3dabed9bef",
    annotations: {},
    mounts: [{ destination: "/proc", source: "proc", type: "proc" }, mount("t2", "web")],
    env: ["PATH=/bin", OWN_ENV],
    platform: "linux",
    engine: "runc",
    ...over,
  };
}

const cfg = (over: Partial<Config> = {}): Config => ({ ...defaultConfig(), ...over });

describe("ownMetadataDir", () => {
  it("finds the host dir of the mount the env var points into", () => {
    assert.equal(ownMetadataDir(view(), cfg()), `${HOST_ROOT}/t2/web`);
  });

  it("picks its own mount out of two metadata mounts (--volumes-from), whatever their order", () => {
    assert.equal(
      ownMetadataDir(view({ mounts: [mount("t1", "db"), mount("t2", "web")] }), cfg()),
      `${HOST_ROOT}/t2/web`,
    );
    assert.equal(
      ownMetadataDir(view({ mounts: [mount("t2", "web"), mount("t1", "db")] }), cfg()),
      `${HOST_ROOT}/t2/web`,
    );
    const dbEnv = ["ECS_CONTAINER_METADATA_FILE=/ecs/metadata/db/ecs-container-metadata.json"];
    assert.equal(
      ownMetadataDir(view({ env: dbEnv, mounts: [mount("t2", "web"), mount("t1", "db")] }), cfg()),
      `${HOST_ROOT}/t1/db`,
    );
  });

  it("finds the dir a plan made, after it moved aside for another container's mount", () => {
    const other = mount("t1", "web");
    const base: ContainerView = {
      id: "0123456789abcdef",
      task: "t2",
      name: "web",
      annotations: {},
      mounts: [other],
      env: [],
      platform: "linux",
      engine: "runc",
    };
    const plan = planContainer(base, cfg({ enabled: "always" })) as Inject;
    assert.equal(plan.kind, "inject");
    const edited = view({ mounts: [other, plan.mount], env: [`${plan.env.name}=${plan.env.value}`] });
    assert.equal(ownMetadataDir(edited, cfg()), plan.hostDir);
    assert.notEqual(plan.hostDir, other.source);
  });

  it("matches a mount destination written with a trailing or doubled slash", () => {
    const odd: MountView = { destination: "/ecs//metadata/web/", source: `${HOST_ROOT}/t2/web`, type: "bind" };
    assert.equal(ownMetadataDir(view({ mounts: [odd] }), cfg()), `${HOST_ROOT}/t2/web`);
  });

  it("uses the last value when the env var is set twice (the one the process sees last wins)", () => {
    const env = ["ECS_CONTAINER_METADATA_FILE=/ecs/metadata/db/ecs-container-metadata.json", OWN_ENV];
    assert.equal(
      ownMetadataDir(view({ env, mounts: [mount("t1", "db"), mount("t2", "web")] }), cfg()),
      `${HOST_ROOT}/t2/web`,
    );
  });

  it("reads the configured env name and roots", () => {
    const custom = cfg({ envName: "META", hostRoot: "/run/om", containerRoot: "/meta" });
    const m: MountView = { destination: "/meta/web", source: "/run/om/t/web", type: "bind" };
    assert.equal(ownMetadataDir(view({ env: ["META=/meta/web/m.json"], mounts: [m] }), custom), "/run/om/t/web");
    assert.equal(ownMetadataDir(view({ mounts: [m] }), custom), undefined);
  });

  const none: Array<[string, Partial<ContainerView>]> = [
    ["without-env-var", { env: ["PATH=/bin"] }],
    ["without-any-env", { env: [] }],
    [
      "with-a-similar-env-name",
      { env: ["ECS_CONTAINER_METADATA_FILE_X=/ecs/metadata/web/ecs-container-metadata.json"] },
    ],
    ["without-the-mount", { mounts: [{ destination: "/proc", source: "proc", type: "proc" }] }],
    ["with-only-another-containers-mount", { mounts: [mount("t1", "db")] }],
    [
      "with-a-mount-outside-host-root",
      { mounts: [{ destination: "/ecs/metadata/web", source: "/tmp/web", type: "bind" }] },
    ],
    [
      "with-a-mount-escaping-host-root",
      { mounts: [{ destination: "/ecs/metadata/web", source: `${HOST_ROOT}/../../../../etc`, type: "bind" }] },
    ],
    [
      "with-a-mount-of-host-root-itself",
      { mounts: [{ destination: "/ecs/metadata/web", source: HOST_ROOT, type: "bind" }] },
    ],
    ["with-a-mount-without-source", { mounts: [{ destination: "/ecs/metadata/web", type: "tmpfs" }] }],
    ["with-env-pointing-outside-container-root", { env: ["ECS_CONTAINER_METADATA_FILE=/etc/passwd"] }],
    ["on-windows", { platform: "windows" }],
  ];
  for (const [name, over] of none) {
    it(`returns undefined [${name}]`, () => assert.equal(ownMetadataDir(view(over), cfg()), undefined));
  }
});
