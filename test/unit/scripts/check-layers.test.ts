// The layer rules CI checks (scripts/check-layers.ts), case by case.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { layerOf, violation } from "../../../scripts/check-layers.js";

describe("check-layers", () => {
  const cases: [string, string, string, boolean][] = [
    ["core-imports-core", "core/plan.ts", "core/names.ts", true],
    ["core-imports-node", "core/plan.ts", "node:fs", false],
    ["core-imports-host", "core/plan.ts", "host/log.ts", false],
    ["pure-imports-own-pure", "engines/docker/pure/a.ts", "engines/docker/pure/b.ts", true],
    ["pure-imports-engine-io", "engines/docker/pure/a.ts", "engines/docker/runtime.ts", false],
    ["pure-imports-bun", "engines/nri/pure/cri-view.ts", "bun:ffi", false],
    ["host-imports-steps", "host/store.ts", "steps/context.ts", false],
    ["steps-imports-host", "steps/prepare.ts", "host/store.ts", true],
    ["steps-imports-engine", "steps/prepare.ts", "engines/runc/inject.ts", false],
    ["engine-imports-other-engine", "engines/docker/runtime.ts", "engines/podman/precreate.ts", false],
    ["engine-imports-steps", "engines/docker/runtime.ts", "steps/prepare.ts", true],
    ["nri-engine-imports-stub", "engines/nri/daemon.ts", "nri-stub/index.ts", true],
    ["docker-engine-imports-stub", "engines/docker/runtime.ts", "nri-stub/index.ts", false],
    ["stub-imports-errors", "nri-stub/stub.ts", "core/errors.ts", true],
    ["stub-imports-plan", "nri-stub/stub.ts", "core/plan.ts", false],
    ["ops-imports-cli", "ops/show.ts", "cli/run.ts", false],
    ["cli-imports-engine", "cli/commands.ts", "engines/runc/inject.ts", true],
  ];
  for (const [name, from, to, allowed] of cases) {
    it(name, () => assert.equal(violation(from, to) === undefined, allowed, violation(from, to)));
  }

  it("names the layer of an engine's pure folder apart from the engine", () => {
    assert.equal(layerOf("engines/docker/pure/docker-facts.ts"), "engines/docker/pure");
    assert.equal(layerOf("engines/docker/runtime.ts"), "engines/docker");
  });
});
