// The post-start step of the Docker wrapper when the container is already gone.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig } from "../../../../src/core/config.js";
import { runDockerEnrich } from "../../../../src/engines/docker/enrich.js";
import { configureLog } from "../../../../src/host/log.js";
import { contextFor } from "../../../../src/steps/context.js";

describe("docker-enrich", () => {
  it("writes nothing and does not fail when the bundle is already gone (docker run --rm of a short command)", async () => {
    configureLog({ level: "silent" });
    const ctx = contextFor({ ...defaultConfig(), hostRoot: "/nonexistent-oci-metadata-root" });
    await assert.doesNotReject(runDockerEnrich(ctx, "0".repeat(64), "/nonexistent-bundle-dir"));
  });
});
