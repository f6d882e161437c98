// The one-instance-per-node lock of the NRI plugin: flock(2) on a file (through bun:ffi; Node
// has no flock). The kernel releases it when the process dies however it dies, and it works
// across containers that see the same file (a hostPath), so a DaemonSet pod and a host
// service on one node exclude each other.
// Invariants:
//  - tryLock never blocks (LOCK_NB); the holder's pid is written into the file after locking,
//    only to name it in the waiter's message.
//  - The fd stays open (and locked) until release() or exit; it is close-on-exec (Node's
//    default), so no child inherits it.
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { OciMetadataError, wrap } from "../core/errors.js";

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

export interface HeldLock {
  path: string;
  release(): void;
}

type Flock = (fd: number, op: number) => number;
let flockFn: Flock | undefined;

async function flock(): Promise<Flock> {
  if (flockFn) return flockFn;
  if (typeof (globalThis as { Bun?: unknown }).Bun === "undefined") {
    throw new OciMetadataError("runtime", "taking the NRI plugin lock needs the compiled oci-metadata binary (Bun)");
  }
  const { dlopen, FFIType } = await import("bun:ffi");
  const { symbols } = dlopen("libc.so.6", { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
  flockFn = symbols.flock as Flock;
  return flockFn;
}

/** Takes the lock at `path` (creating the file and its dir), or returns who holds it. */
export async function tryLock(path: string): Promise<HeldLock | { heldBy: string }> {
  const lock = await flock();
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    fd = openSync(path, "a+", 0o600);
  } catch (err) {
    throw wrap(`opening the lock file ${path}`, err, "io");
  }
  if (lock(fd, LOCK_EX | LOCK_NB) !== 0) {
    closeSync(fd);
    return { heldBy: holder(path) };
  }
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`);
  } catch {
    // the pid is only for messages
  }
  return {
    path,
    release() {
      lock(fd, LOCK_UN);
      closeSync(fd);
    },
  };
}

// "pid N" from the file, or "another process".
function holder(path: string): string {
  try {
    const pid = readFileSync(path, "utf8").trim();
    return /^\d+$/.test(pid) ? `pid ${pid}` : "another process";
  } catch {
    return "another process";
  }
}
