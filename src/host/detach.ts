// Starts a process that outlives us without holding anything of the caller's: a new session,
// stdio on /dev/null, and none of the fds we inherited (a containerd shim waits until the
// pipes it gave the runtime are closed; a child holding them would stall it). Inherited fds
// are marked close-on-exec just for the spawn, then restored, so the runtime we exec next
// still gets them (runc --preserve-fds). Needs the Bun binary (fcntl through bun:ffi).
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { OciMetadataError } from "../core/errors.js";

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

/** Spawns `path args` fully detached. */
export async function spawnDetached(path: string, args: readonly string[]): Promise<void> {
  if (typeof (globalThis as { Bun?: unknown }).Bun === "undefined") {
    throw new OciMetadataError("runtime", "starting a detached process needs the compiled oci-metadata binary (Bun)");
  }
  const { dlopen, FFIType } = await import("bun:ffi");
  const { symbols } = dlopen("libc.so.6", {
    fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
  });
  const fcntl = symbols.fcntl as (fd: number, cmd: number, arg: number) => number;
  const saved = readdirSync("/proc/self/fd")
    .map(Number)
    .filter((fd) => fd > 2)
    .map((fd) => [fd, fcntl(fd, F_GETFD, 0)] as const)
    .filter(([, flags]) => flags >= 0 && (flags & FD_CLOEXEC) === 0);
  for (const [fd, flags] of saved) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  try {
    spawn(path, args, { detached: true, stdio: "ignore" }).unref();
  } finally {
    for (const [fd, flags] of saved) fcntl(fd, F_SETFD, flags);
  }
}
