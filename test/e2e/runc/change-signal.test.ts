// Issue 10, the change signal, on real runc: runc has no write after start to signal. Even with
// the poststart stage registered, runc 1.1 runs poststart hooks before it lets the container's
// process run (libcontainer start() runs them, then exec() releases the process), so the first
// instruction already reads Status "running". The static watcher (test/e2e/lib/watcher), armed
// as the container's first instruction, proves it: it reads "running" at once, every time.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs } from "../lib/bundle.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createTestNet, type TestNet } from "../lib/netns.js";
import { buildWatcher, parseWatchReport, WATCH_OWN_FILE } from "../lib/watcher.js";

const skip = requireTools(["runc", "ip", "busybox", "gcc"]);

describe("runc change signal", { skip }, () => {
  let work: string;
  let net: TestNet;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "ocimd-runc-sig-"));
    net = await createTestNet(`s${process.pid % 10000}`, ((process.pid + 7) % 200) + 1);
  });

  after(async () => {
    await net?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it("runc run with poststart [the running write lands before the first instruction: nothing changes after start]", async () => {
    const bin = requireBinary();
    const watcherDir = await buildWatcher();
    const rootfs = makeRootfs(work);
    const env = {
      ...process.env,
      OCI_METADATA_HOST_ROOT: join(work, "meta"),
      OCI_METADATA_STAGES: "createRuntime,poststart,poststop",
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
      const id = `ocimd-sig-${process.pid}-${attempt}`;
      const bundle = await makeBundle(join(work, id), {
        rootfs,
        args: ["sh", "-c", WATCH_OWN_FILE],
        netns: net.path,
        annotations: { "oci-metadata.io/enabled": "true" },
        mounts: [{ destination: "/w", source: watcherDir }],
      });
      assert.equal((await run(bin, ["inject", "--bundle", bundle, "--id", id], { env })).code, 0);
      const r = await run("runc", ["--root", join(work, "runc"), "run", "--bundle", bundle, id], { env });
      // Exit 3: the file already said "running" when the watch was armed.
      assert.equal(r.code, 3, `${r.stderr}\n${r.stdout}`);
      const report = parseWatchReport(r.stdout);
      assert.equal(report.before?.Status, "running");
      assert.equal(report.before?.MetadataFileStatus, "READY");
      assert.deepEqual(report.events, []);
    }
  });
});
