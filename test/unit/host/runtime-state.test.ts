import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readInstance } from "../../../src/host/runtime-state.js";

const work = mkdtempSync(join(tmpdir(), "ocimd-rtstate-"));
after(() => rmSync(work, { recursive: true, force: true }));

// Our own pid and start time: a process that is certainly alive.
const selfStart = Number(readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ")[19]);

function stateDir(root: string, id: string, file: string, body: unknown): void {
  mkdirSync(join(root, id), { recursive: true });
  writeFileSync(join(root, id, file), JSON.stringify(body));
}

describe("host/runtime-state", () => {
  it("runc state with a live init of the same start time: live", async () => {
    const root = join(work, "runc1");
    stateDir(root, "c1", "state.json", { id: "c1", init_process_pid: process.pid, init_process_start: selfStart });
    assert.deepEqual(await readInstance("c1", [root]), { kind: "live", root, pid: process.pid });
  });

  it("runc state whose pid was recycled (other start time): stopped", async () => {
    const root = join(work, "runc2");
    stateDir(root, "c2", "state.json", { init_process_pid: process.pid, init_process_start: selfStart + 1 });
    assert.equal((await readInstance("c2", [root])).kind, "stopped");
  });

  it("runc state whose init is gone (runc kill without delete): stopped", async () => {
    const root = join(work, "runc3");
    stateDir(root, "c3", "state.json", { init_process_pid: 2 ** 22 + 7, init_process_start: 1 });
    assert.equal((await readInstance("c3", [root])).kind, "stopped");
  });

  it("crun status file: live", async () => {
    const root = join(work, "crun");
    stateDir(root, "c4", "status", { pid: process.pid, "process-start-time": selfStart });
    assert.equal((await readInstance("c4", [root])).kind, "live");
  });

  it("roots given as dir/* are expanded (containerd namespaces)", async () => {
    const base = join(work, "containerd");
    stateDir(join(base, "k8s.io"), "c5", "state.json", {
      init_process_pid: process.pid,
      init_process_start: selfStart,
    });
    assert.equal((await readInstance("c5", [`${base}/*`])).kind, "live");
  });

  it("no state anywhere, or an id that is not a plain name: absent", async () => {
    assert.equal((await readInstance("nope", [join(work, "runc1")])).kind, "absent");
    assert.equal((await readInstance("../runc1/c1", [join(work, "x")])).kind, "absent");
  });
});
