// Errors you can find (issue 9 finding 5): runc discards a hook's stderr when it exits 0, so
// under failurePolicy ignore an error logged only to stderr is seen by no one. Without a
// log.file, hooks log to /var/log/oci-metadata/oci-metadata.log as well, every line naming
// the container — config errors included (the state is read before the config).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs } from "../lib/bundle.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const skip = requireTools(["runc", "busybox"]);
const DEFAULT_LOG = "/var/log/oci-metadata/oci-metadata.log";

describe("runc logs", { skip }, () => {
  let bin: string;
  let work: string;
  let rootfs: string;

  before(() => {
    bin = requireBinary();
    work = mkdtempSync(join(tmpdir(), "ocimd-logs-"));
    rootfs = makeRootfs(work);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const linesFor = (id: string) =>
    (existsSync(DEFAULT_LOG) ? readFileSync(DEFAULT_LOG, "utf8") : "")
      .split("\n")
      .filter((l) => l.includes(id))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it("runc run [a config that broke after inject: the hook's error under ignore is in the default log file, with the container id]", async () => {
    const id = `ocimd-logs-${process.pid}`;
    const config = join(work, "config.json");
    writeFileSync(config, JSON.stringify({ hostRoot: join(work, "root") })); // no log.file
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args: ["true"],
      annotations: { "oci-metadata.io/enabled": "true" },
    });
    await runOk(bin, ["--config", config, "inject", "--bundle", bundle, "--id", id]);
    writeFileSync(config, '{ "hostRoot": '); // the hooks can no longer read it
    const r = await run("runc", ["--root", join(work, "runc"), "run", "--bundle", bundle, id]);
    assert.equal(r.code, 0, `ignore: the container runs (${r.stderr})`);
    assert.doesNotMatch(r.stderr, /config-invalid/, "runc showed nothing: stderr of a hook that exits 0 is dropped");
    const lines = linesFor(id);
    const stages = lines.filter((l) => l.code === "config-invalid").map((l) => l.msg);
    assert.ok(stages.length >= 2, `createRuntime and poststop errors logged: ${JSON.stringify(lines)}`);
    for (const l of lines) assert.equal(l.container, id, "every line names the container");
  });
});
