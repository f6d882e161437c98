// doctor's hostRoot orphans are gc's dry run, one source: a dir whose runc container is gone
// (and older than gc's grace period) is reported with gc's reason and the fix `oci-metadata gc`,
// as a warning that does not make the host "not wired"; doctor removes nothing.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

describe("doctor and gc's orphans", { skip: requireTools([]) }, () => {
  const dir = mkdtempSync(join(tmpdir(), "ocimd-doctor-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("doctor [reports a gone container's dir with gc's reason; exit 0 otherwise; the dir stays]", async () => {
    const slot = join(dir, "root", "gone-task", "gone-ctr");
    mkdirSync(slot, { recursive: true });
    const file = join(slot, "ecs-container-metadata.json");
    const doc = {
      Version: "v1",
      Engine: "runc",
      ContainerID: "f".repeat(64),
      ContainerName: "gone-ctr",
      TaskARN: "gone-task",
      MetadataFileStatus: "READY",
    };
    writeFileSync(file, JSON.stringify(doc));
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(file, old, old);
    utimesSync(slot, old, old);
    writeFileSync(join(dir, "config.json"), JSON.stringify({ hostRoot: join(dir, "root") }));
    mkdirSync(join(dir, "hooks.d"));
    writeFileSync(
      join(dir, "hooks.d", "50-oci-metadata.json"),
      (await run(requireBinary(), ["--config", join(dir, "config.json"), "hooks-file", "--bin", requireBinary()]))
        .stdout,
    );
    const r = await run(requireBinary(), [
      "--config",
      join(dir, "config.json"),
      "doctor",
      "--runtime",
      "podman",
      "--hooks-dir",
      join(dir, "hooks.d"),
    ]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /1 container dir\(s\), 1 orphaned \(gc would remove them\)/);
    assert.match(
      r.stdout,
      /warning \[hostRoot\]: 1 container dir\(s\) under .* belong to containers that are gone \(e\.g\. .*gone-ctr: runc: no state in .*\) — fix: oci-metadata gc$/m,
    );
    assert.ok(existsSync(file), "doctor removed nothing");
  });
});
