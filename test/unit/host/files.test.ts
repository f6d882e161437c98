// Tests src/host/files.ts's replaceFile, the atomic writer shared with files outside the store
// (a bundle's config.json): exact bytes, the mode asked for whatever the umask, a symlink at
// the name replaced and never written through, no temp file left when the rename fails.
import assert from "node:assert/strict";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { replaceFile } from "../../../src/host/files.js";

const base = mkdtempSync(join(tmpdir(), "om-files-"));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(base, `case-${++n}`);
  mkdirSync(dir);
  return dir;
};

describe("replaceFile", () => {
  it("writes the exact bytes, invalid UTF-8 included, with the mode given under umask 077", () => {
    const dir = fresh();
    const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    const old = process.umask(0o077);
    try {
      replaceFile(dir, "config.json", bytes, 0o640);
    } finally {
      process.umask(old);
    }
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, "config.json"))), bytes);
    assert.equal(statSync(join(dir, "config.json")).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ["config.json"]);
  });

  it("replaces a symlink at the name instead of writing through it", () => {
    const dir = fresh();
    const victim = join(base, `victim-${n}`);
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(dir, "config.json"));
    replaceFile(dir, "config.json", "{}", 0o644);
    assert.equal(readFileSync(victim, "utf8"), "precious");
    assert.ok(lstatSync(join(dir, "config.json")).isFile());
  });

  it("reaches a dir given through a symlink (the caller's path)", () => {
    const dir = fresh();
    symlinkSync(dir, `${dir}-link`);
    replaceFile(`${dir}-link`, "config.json", "{}", 0o644);
    assert.equal(readFileSync(join(dir, "config.json"), "utf8"), "{}");
  });

  it("leaves no temp file and says what it was writing when the rename fails", () => {
    const dir = fresh();
    mkdirSync(join(dir, "config.json"));
    assert.throws(
      () => replaceFile(dir, "config.json", "{}", 0o644),
      (err: Error) => /^\[io\] writing .*\/config\.json: EISDIR/.test(err.message),
    );
    assert.deepEqual(readdirSync(dir), ["config.json"]);
  });
});
