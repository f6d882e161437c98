// Tests src/host/rootfs.ts: what in an image would make runc fail our mount — a file, fifo or
// socket at the target or a parent, directly or through a symlink resolved inside the rootfs —
// and what would not (missing paths, directories, links to directories, dangling links).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { nonDirectoryAlong } from "../../../src/host/rootfs.js";

const work = mkdtempSync(join(tmpdir(), "ocimd-rootfs-"));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

// A rootfs with `setup` applied; returns its path.
function rootfs(setup: (r: string) => void): string {
  const r = join(work, `r${++n}`);
  mkdirSync(r);
  setup(r);
  return r;
}

const TARGET = "/ecs/metadata/web";

describe("nonDirectoryAlong", () => {
  const blocked: Array<[string, (r: string) => void, string, string]> = [
    ["file-at-ecs", (r) => writeFileSync(join(r, "ecs"), "x"), "/ecs", "a file"],
    [
      "file-at-metadata",
      (r) => (mkdirSync(join(r, "ecs")), writeFileSync(join(r, "ecs/metadata"), "")),
      "/ecs/metadata",
      "a file",
    ],
    [
      "file-at-name",
      (r) => (mkdirSync(join(r, "ecs/metadata"), { recursive: true }), writeFileSync(join(r, "ecs/metadata/web"), "")),
      TARGET,
      "a file",
    ],
    [
      "fifo-at-name",
      (r) => (
        mkdirSync(join(r, "ecs/metadata"), { recursive: true }), execFileSync("mkfifo", [join(r, "ecs/metadata/web")])
      ),
      TARGET,
      "a fifo",
    ],
    [
      "symlink-to-file",
      (r) => (
        mkdirSync(join(r, "etc")), writeFileSync(join(r, "etc/passwd"), ""), symlinkSync("/etc/passwd", join(r, "ecs"))
      ),
      "/etc/passwd",
      "a file",
    ],
    [
      "relative-symlink-to-file",
      (r) => (writeFileSync(join(r, "f"), ""), mkdirSync(join(r, "ecs")), symlinkSync("../f", join(r, "ecs/metadata"))),
      "/f",
      "a file",
    ],
    [
      "symlink-loop",
      (r) => (symlinkSync("b", join(r, "a")), symlinkSync("a", join(r, "b")), symlinkSync("a", join(r, "ecs"))),
      "/b",
      "a symlink loop",
    ],
  ];
  for (const [name, setup, path, kind] of blocked) {
    it(`names what would make runc fail the mount [${name}]`, async () => {
      assert.deepEqual(await nonDirectoryAlong(rootfs(setup), TARGET), { path, kind });
    });
  }

  const fine: Array<[string, (r: string) => void]> = [
    ["empty-rootfs", () => undefined],
    ["dirs-exist", (r) => mkdirSync(join(r, "ecs/metadata/web"), { recursive: true })],
    ["symlink-to-dir", (r) => (mkdirSync(join(r, "data")), symlinkSync("/data", join(r, "ecs")))],
    ["dangling-symlink", (r) => symlinkSync("/nowhere", join(r, "ecs"))],
    // An absolute link is resolved inside the rootfs, never on the host (where /etc/passwd is a file).
    [
      "absolute-symlink-stays-inside",
      (r) => (mkdirSync(join(r, "etc/passwd"), { recursive: true }), symlinkSync("/etc/passwd", join(r, "ecs"))),
    ],
    ["dotdot-above-root-stays-inside", (r) => (mkdirSync(join(r, "x")), symlinkSync("../../../../x", join(r, "ecs")))],
  ];
  for (const [name, setup] of fine) {
    it(`finds nothing in the way [${name}]`, async () => {
      assert.equal(await nonDirectoryAlong(rootfs(setup), TARGET), undefined);
    });
  }
});
