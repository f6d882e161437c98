// Hands the process over to another program, keeping pid, argv, stdio, every inherited fd
// (runc's --preserve-fds), signal delivery and the exit status: execv(3) through bun:ffi.
// Only the compiled (Bun) binary can do this; there is no half-way fallback.
import { OciMetadataError } from "../core/errors.js";

// Bun ignores SIGPIPE and SIGXFSZ; ignored dispositions survive exec, and runc would pass
// them on to the container's processes. Reset them first.
const RESET_SIGNALS = [13, 25];

/** Replaces this process with `path argv[1..]`; only returns by throwing. */
export async function execProgram(path: string, argv: readonly string[]): Promise<never> {
  if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined") {
    const { dlopen, FFIType, ptr } = await import("bun:ffi");
    const libc = dlopen("libc.so.6", {
      execv: { args: [FFIType.cstring, FFIType.ptr], returns: FFIType.i32 },
      signal: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.ptr },
    });
    const strings = argv.map((a) => Buffer.from(`${a}\0`));
    const table = new BigUint64Array(strings.length + 1);
    strings.forEach((s, i) => {
      table[i] = BigInt(ptr(s));
    });
    for (const sig of RESET_SIGNALS) libc.symbols.signal(sig, null);
    const file = Buffer.from(`${path}\0`);
    libc.symbols.execv(ptr(file), ptr(table));
    throw new OciMetadataError("runtime", `executing ${path}: execv failed`);
  }
  throw new OciMetadataError(
    "runtime",
    `handing over to ${path}: needs the compiled oci-metadata binary (Bun), not a script runtime`,
  );
}
