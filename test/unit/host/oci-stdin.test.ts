// How a hook reads the OCI state from a runtime: to EOF (the usual end), or as soon as a whole
// JSON document has come from a writer that keeps the pipe open, and never past the deadline.
// Real pipes (a FIFO) and a real writer process.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { isOciMetadataError } from "../../../src/core/errors.js";
import { readJsonUntil } from "../../../src/host/oci.js";

const dir = mkdtempSync(join(tmpdir(), "om-stdin-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

// A FIFO whose read end we hold non-blocking, written by `sh -c script`. Our own write end
// keeps it from reading as EOF until the writer has opened it (it says so with a file).
function pipeFrom(script: string): { fd: number; writer: ChildProcess } {
  const fifo = join(dir, `fifo-${++n}`);
  const ready = `${fifo}.ready`;
  execFileSync("mkfifo", [fifo]);
  const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const keeper = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const writer = spawn("sh", ["-c", `exec >"$0"; : >"$1"; ${script}`, fifo, ready], { stdio: "ignore" });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 1000 && !existsSync(ready); i++) Atomics.wait(pause, 0, 0, 5);
  closeSync(keeper);
  return { fd, writer };
}

describe("readJsonUntil", () => {
  it("reads to EOF when the writer closes", () => {
    const { fd, writer } = pipeFrom(`sleep 0.1; printf '{"id":"a",'; sleep 0.1; printf '"b":1}'`);
    try {
      assert.equal(Buffer.from(readJsonUntil(fd, Date.now() + 5_000)).toString(), '{"id":"a","b":1}');
    } finally {
      closeSync(fd);
      writer.kill();
    }
  });

  it("returns a whole document while the writer keeps the pipe open", () => {
    const { fd, writer } = pipeFrom(`sleep 0.1; printf '{"id":'; sleep 0.2; printf '"a"}\\n'; sleep 30`);
    const start = Date.now();
    try {
      assert.equal(Buffer.from(readJsonUntil(fd, Date.now() + 5_000)).toString(), '{"id":"a"}\n');
      assert.ok(Date.now() - start < 5_000);
    } finally {
      closeSync(fd);
      writer.kill();
    }
  });

  it("gives up with state-invalid at the deadline when the document never completes", () => {
    const { fd, writer } = pipeFrom(`sleep 0.1; printf '{"id":'; sleep 30`);
    try {
      assert.throws(
        () => readJsonUntil(fd, Date.now() + 400),
        (err: unknown) => isOciMetadataError(err) && err.code === "state-invalid",
      );
    } finally {
      closeSync(fd);
      writer.kill();
    }
  });
});
