// End-to-end on runc: any number of containers that choose the same task and name each get
// their own metadata dir, even when their ids share the first 12 characters (issue 9,
// finding 4: the third one got none). Five bundles are injected before any runs (so every
// claim is live at once), then each container reads its own file.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs } from "../lib/bundle.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const work = mkdtempSync(join(tmpdir(), "ocimd-samename-"));
after(() => rmSync(work, { recursive: true, force: true }));

describe("runc inject", { skip: requireTools(["runc", "busybox"]) }, () => {
  it("runc run [five containers named t/web, ids sharing 12 characters, each read their own file]", async () => {
    const bin = requireBinary();
    const rootfs = makeRootfs(work);
    const env = { ...process.env, OCI_METADATA_HOST_ROOT: join(work, "meta") };
    const annotations = {
      "oci-metadata.io/enabled": "true",
      "oci-metadata.io/task": "t",
      "oci-metadata.io/name": "web",
    };
    const ids = [1, 2, 3, 4, 5].map((i) => `ocimd-same-${process.pid}-${i}`.padStart(20, "0"));
    assert.equal(new Set(ids.map((id) => id.slice(0, 12))).size, 1);
    const files: string[] = [];
    for (const id of ids) {
      const bundle = await makeBundle(join(work, id), {
        rootfs,
        args: ["sh", "-c", 'cat "$ECS_CONTAINER_METADATA_FILE"'],
        annotations,
      });
      await runOk(bin, ["inject", "--bundle", bundle, "--id", id], { env });
      const spec = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as { process: { env: string[] } };
      const file = spec.process.env.find((e) => e.startsWith("ECS_CONTAINER_METADATA_FILE="));
      assert.ok(file, `container ${id} got no metadata`);
      files.push(file);
    }
    assert.equal(new Set(files).size, ids.length, files.join("\n"));
    for (const id of ids) {
      const r = await run("runc", ["--root", join(work, "runc"), "run", "--bundle", join(work, id), id], { env });
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as { ContainerID: string; ContainerName: string; TaskARN: string };
      assert.deepEqual([doc.ContainerID, doc.ContainerName, doc.TaskARN], [id, "web", "t"]);
    }
  });
});
