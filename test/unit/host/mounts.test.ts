import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { devString, parseMountInfo, readMountView, unescapeMountPath } from "../../../src/host/mounts.js";

describe("host/mounts", () => {
  it("reads device, root and mount point of mountinfo lines, unescaping octal", () => {
    const line = "36 35 98:0 /var/lib/ecs/data/metadata/t/a\\040b /ecs/metadata/a\\040b ro,nosuid - ext4 /dev/root rw";
    assert.deepEqual(parseMountInfo(line), [
      { dev: "98:0", root: "/var/lib/ecs/data/metadata/t/a b", mountPoint: "/ecs/metadata/a b" },
    ]);
    assert.equal(unescapeMountPath("a\\011b\\134c"), "a\tb\\c");
  });

  it("encodes dev_t as the kernel prints major:minor", () => {
    assert.equal(devString((8 << 8) | 1), "8:1");
    assert.equal(devString((BigInt(259) << 8n) | (0x1234n & 0xffn) | ((0x1234n >> 8n) << 20n)), "259:4660");
  });

  // A fake /proc: one namespace mounts dir a (exactly), another the whole root.
  function fakeProc(root: string, dirA: string): string {
    const proc = mkdtempSync(join(tmpdir(), "ocimd-proc-"));
    const dev = devString(statSync(dirA).dev);
    const self = `1 0 ${dev} / / rw - ext4 /dev/root rw\n`;
    const entries: [string, string, string][] = [
      ["100", "mnt:[1]", `${self}2 1 ${dev} ${dirA} /ecs/metadata/a ro - ext4 /dev/root rw\n`],
      ["101", "mnt:[1]", "ignored: same namespace is read once\n"],
      ["200", "mnt:[2]", `${self}3 1 ${dev} ${root} /hostroot rw - ext4 /dev/root rw\n`],
    ];
    for (const [pid, ns, info] of entries) {
      mkdirSync(join(proc, pid, "ns"), { recursive: true });
      symlinkSync(ns, join(proc, pid, "ns", "mnt"));
      writeFileSync(join(proc, pid, "mountinfo"), info);
    }
    mkdirSync(join(proc, "self"));
    writeFileSync(join(proc, "self", "mountinfo"), self);
    mkdirSync(join(proc, "2"));
    writeFileSync(join(proc, "2", "status"), "Name:\tkthreadd\nPPid:\t0\n");
    return proc;
  }

  it("counts a dir as mounted only when a mount's root is exactly that dir", async () => {
    const root = mkdtempSync(join(tmpdir(), "ocimd-mroot-"));
    const a = join(root, "t", "a");
    const b = join(root, "t", "b");
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    const proc = fakeProc(root, a);
    try {
      const view = await readMountView(
        [
          { path: a, dev: statSync(a).dev },
          { path: b, dev: statSync(b).dev },
        ],
        proc,
      );
      assert.equal(view.complete, true);
      assert.equal(view.namespaces, 2);
      assert.equal(view.isMounted(a), true);
      assert.equal(view.isMounted(b), false, "a namespace that mounts the whole root does not keep b alive");
    } finally {
      rmSync(proc, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("is not complete outside the host's pid namespace (pid 2 is not kthreadd)", async () => {
    const proc = mkdtempSync(join(tmpdir(), "ocimd-proc-"));
    mkdirSync(join(proc, "2"));
    writeFileSync(join(proc, "2", "status"), "Name:\tsh\nPPid:\t1\n");
    try {
      assert.equal((await readMountView([], proc)).complete, false);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });

  it("is not complete when a process's namespace cannot be read (not ENOENT: e.g. EACCES in a pod)", async () => {
    const proc = mkdtempSync(join(tmpdir(), "ocimd-proc-"));
    mkdirSync(join(proc, "2"));
    writeFileSync(join(proc, "2", "status"), "Name:\tkthreadd\nPPid:\t0\n");
    mkdirSync(join(proc, "300", "ns", "mnt"), { recursive: true }); // readlink fails with EINVAL
    mkdirSync(join(proc, "301")); // exited meanwhile: ENOENT is fine
    try {
      assert.equal((await readMountView([], proc)).complete, false);
      rmSync(join(proc, "300"), { recursive: true });
      assert.equal((await readMountView([], proc)).complete, true);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });

  it("sees the real host's pid namespace as complete", async () => {
    assert.equal((await readMountView([])).complete, true);
  });
});
