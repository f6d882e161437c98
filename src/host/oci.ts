// Reads OCI inputs: the container state a runtime passes to hooks on stdin, and a bundle's
// config.json as a raw object (never a typed model: unknown fields must survive an edit).
// A config that is edited is read and written by oci-edit.ts (lossless); the hooks, which only
// read, use JSON.parse here and never load the lossless parser. All calls block: a hook or a before-create step does
// one thing at a time, and each fs/promises call is a thread-pool round trip (the first also
// starts the pool).
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { isRecord } from "../core/container.js";
import { describeValue, OciMetadataError, wrap } from "../core/errors.js";
import { parseJson } from "../core/json.js";
import type { JsonObject } from "../core/spec.js";

export { type OciState, parseState } from "../core/oci-state.js";

/** How long a runtime may take to hand us its JSON on stdin (its hook timeout is 10 s). */
export const STDIN_DEADLINE_MS = 5_000;

/** Reads one JSON document from stdin as text (readStdinBytes). */
export async function readStdin(deadlineMs = STDIN_DEADLINE_MS): Promise<string> {
  return Buffer.from(await readStdinBytes(deadlineMs)).toString("utf8");
}

/** Reads one JSON document from stdin as bytes (precreate: its output must keep every byte,
 * valid UTF-8 or not): up to EOF, or as soon as what came parses — a runtime that keeps stdin
 * open after writing must not hold us past its own hook timeout. Nothing complete after
 * `deadlineMs`: state-invalid. Synchronous reads (creating process.stdin's stream costs more
 * than the whole read); a non-blocking reopen of fd 0 lets the deadline hold. */
export async function readStdinBytes(deadlineMs = STDIN_DEADLINE_MS): Promise<Uint8Array> {
  let fd: number;
  try {
    fd = openSync("/proc/self/fd/0", constants.O_RDONLY | constants.O_NONBLOCK); // a pipe, FIFO, file or tty
  } catch {
    // A socket (node's and some engines' stdio) cannot be reopened: make fd 0 itself non-blocking.
    if (!(await setNonBlocking(0))) return readFileSync(0);
    return readJsonUntil(0, Date.now() + deadlineMs);
  }
  try {
    return readJsonUntil(fd, Date.now() + deadlineMs);
  } finally {
    closeSync(fd);
  }
}

// fcntl(F_SETFL, O_NONBLOCK) through bun:ffi; false where that is not available (node, tests).
async function setNonBlocking(fd: number): Promise<boolean> {
  if (typeof (globalThis as { Bun?: unknown }).Bun === "undefined") return false;
  const F_GETFL = 3;
  const F_SETFL = 4;
  const { dlopen, FFIType } = await import("bun:ffi");
  const { symbols } = dlopen("libc.so.6", {
    fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  });
  const fcntl = symbols.fcntl as (fd: number, cmd: number, arg: number) => number;
  const flags = fcntl(fd, F_GETFL, 0);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | constants.O_NONBLOCK) === 0;
}

/** Reads one JSON document from a non-blocking fd: to EOF, or as soon as what came parses
 * while the writer keeps it open; state-invalid once `deadline` (epoch ms) passes first. */
export function readJsonUntil(fd: number, deadline: number): Uint8Array {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(1 << 16);
  let pause: Int32Array | undefined;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      if ((err as { code?: string }).code !== "EAGAIN") throw wrap("reading stdin", err);
      // Nothing more for now: done if what came is a whole JSON document (a writer that keeps
      // stdin open), else wait a little, up to the deadline.
      const bytes = Buffer.concat(chunks);
      if (endsLikeJson(bytes) && parseJson(bytes.toString("utf8")) !== undefined) return bytes;
      if (Date.now() >= deadline) {
        const why = `no complete JSON within ${STDIN_DEADLINE_MS} ms and the writer keeps it open`;
        throw new OciMetadataError("state-invalid", `reading stdin: ${why}`);
      }
      pause ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(pause, 0, 0, 2); // a short sleep; nothing else runs until the input is in
      continue;
    }
    if (n === 0) return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks); // EOF: the usual end
    chunks.push(Buffer.from(buf.subarray(0, n)));
    // A writer that never pauses (nor ends) is held to the deadline too.
    if (Date.now() >= deadline) {
      throw new OciMetadataError("state-invalid", `reading stdin: still more after ${STDIN_DEADLINE_MS} ms`);
    }
  }
}

// A JSON document ends in "}" (maybe followed by a newline): only then is a parse worth trying.
function endsLikeJson(bytes: Buffer): boolean {
  const last = bytes[bytes.length - 1];
  return last === 0x7d || last === 0x0a;
}

/** A regular file's bytes; anything else (a FIFO would block forever, a device never end) is
 * refused at once: the open does not block (O_NONBLOCK) and fstat decides. */
export function readRegularFile(path: string): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) throw new OciMetadataError("spec-invalid", "not a regular file");
    return readFileSync(fd);
  } catch (err) {
    throw wrap(`reading ${path}`, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads <bundle>/config.json as a raw JSON object. */
export async function readSpec(bundle: string): Promise<JsonObject> {
  const path = join(bundle, "config.json");
  return parseSpec(readRegularFile(path).toString("utf8"), path);
}

/** Parses config.json text; it must be a JSON object. */
export function parseSpec(text: string, source = "config.json"): JsonObject {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new OciMetadataError("spec-invalid", `reading ${source}: not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(raw))
    throw new OciMetadataError("spec-invalid", `reading ${source}: expected a JSON object, got ${describeValue(raw)}`);
  return raw;
}

/** The container's root filesystem on the host: config.json's root.path, made absolute against
 * the bundle (undefined when absent, or relative with no bundle to resolve it against). */
export function specRootfs(spec: JsonObject, bundle: string | undefined): string | undefined {
  const path =
    isRecord(spec.root) && typeof spec.root.path === "string" && spec.root.path !== "" ? spec.root.path : undefined;
  if (!path) return undefined;
  if (path.startsWith("/")) return path;
  return bundle ? join(bundle, path) : undefined;
}
