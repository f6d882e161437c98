// configure --runtime podman against a private podman 4.3: the hook file appears in the hooks
// dir podman reads and containers get metadata; uninstall removes it and podman runs
// containers as before (no env var, no mount); doctor says wired, then not wired.
import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createPodman, type Podman } from "../lib/podman.js";

const skip = requireTools(["podman", "ip", "tar", "/usr/sbin/runc"]);
const PRINT = 'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; cat "$ECS_CONTAINER_METADATA_FILE" 2>/dev/null; true';

describe("configure --runtime podman", { skip }, () => {
  let p: Podman;
  const hookFile = () => join(p.hooksDir, "50-oci-metadata.json");
  const configure = (...args: string[]) =>
    run(requireBinary(), [
      "configure",
      "--runtime",
      "podman",
      "--hooks-dir",
      p.hooksDir,
      "--config",
      p.configPath,
      ...args,
    ]);
  const doctor = (...args: string[]) =>
    run(requireBinary(), [
      "doctor",
      "--runtime",
      "podman",
      "--hooks-dir",
      p.hooksDir,
      "--config",
      p.configPath,
      ...args,
    ]);
  const runPrint = () =>
    p.podman(["run", "--rm", "--annotation", "oci-metadata.io/enabled=true", p.image, "sh", "-c", PRINT]);

  before(async () => {
    p = await createPodman(requireBinary(), 63);
    rmSync(hookFile()); // the test lib registers the hook itself; start unregistered
  });
  after(async () => {
    await p?.destroy();
  });

  it("doctor on an unregistered podman [exit 1, the problem and its fix]", async () => {
    const r = await doctor();
    assert.equal(r.code, 1, r.stdout);
    assert.match(
      r.stdout,
      /problem \[podman\]: no 50-oci-metadata\.json in .* — fix: oci-metadata configure --runtime podman/,
    );
  });

  it("configure [the hook file is valid oci-hooks JSON for this binary and config; containers get READY metadata]", async () => {
    const r = await configure();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing to reload/);
    const hook = JSON.parse((await import("node:fs")).readFileSync(hookFile(), "utf8"));
    assert.equal(hook.version, "1.0.0");
    assert.deepEqual(hook.hook.args, ["oci-metadata", "precreate", "--config", p.configPath]);
    assert.deepEqual(readdirSync(p.hooksDir), ["50-oci-metadata.json"], "no temp file left behind");
    const c = await runPrint();
    assert.equal(c.code, 0, c.stderr);
    const [env, ...doc] = c.stdout.split("\n");
    assert.match(env!, /^ENV=\/ecs\/metadata\//);
    assert.equal(JSON.parse(doc.join("\n")).MetadataFileStatus, "READY");
  });

  it("doctor on the registered podman [exit 0, wired]", async () => {
    const r = await doctor();
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^podman 4\.3\.\d\S*: wired — registered: /m);
    const json = JSON.parse((await doctor("--json")).stdout);
    assert.equal(json.ok, true);
    assert.equal(json.engines[0].registered, true);
  });

  it("configure --uninstall [the file is gone; containers run as before, without metadata]", async () => {
    const r = await configure("--uninstall");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(hookFile()), false);
    const c = await runPrint();
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.trim(), "ENV=unset");
    assert.equal((await configure("--uninstall")).code, 0, "a second uninstall is a no-op");
  });
});
