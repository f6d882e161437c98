// Entry point of the single binary: hand argv to the CLI and exit with its code.
// Called through a link named `oci-metadata-runtime` (containerd's BinaryName takes a path,
// not arguments), it is the runtime wrapper. (No top-level await: bun's --bytecode output
// does not support it.)
import { writeSync } from "node:fs";

const args = process.argv.slice(2);
const argv = /(^|\/)oci-metadata-runtime$/.test(process.argv0) ? ["runtime", ...args] : args;
// The runtime wrapper's argv belongs to runc and most of its calls are handed over at once:
// it loads nothing of the CLI (docker exec, state, kill, delete pay only Bun's start).
// `runtime --help` is the CLI's (it never reaches runc).
const wrapped = argv[0] === "runtime" && !(argv.length === 2 && (argv[1] === "--help" || argv[1] === "-h"));
// What runtimes run at every container start and stop skips the CLI's parser and help texts.
const FAST = new Set(["hook", "inject", "precreate"]);
const run = wrapped
  ? import("./engines/docker/runtime.js").then((m) => m.runRuntime(argv.slice(1)))
  : FAST.has(argv[0] ?? "")
    ? import("./cli/fast-entry.js").then((m) => m.runFastCommand(argv, writeStdout))
    : import("./cli/run.js").then((m) => m.main(argv, writeStdout));
void run.then((code) => {
  process.exitCode = code;
});

// Blocking writes to fd 1. In the compiled binary, process.stdout costs ~7 ms to create (its
// stream machinery), more than a whole hook's work; precreate's stdout is the config podman
// waits for. Partial writes are resumed; a non-blocking pipe that is full is waited on; a
// reader that went away (EPIPE) cannot be helped and is not an error of ours.
function writeStdout(out: string | Uint8Array): void {
  const buf = typeof out === "string" ? Buffer.from(out) : out;
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(1, buf, off);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "EPIPE") return;
      if (code !== "EAGAIN") throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
