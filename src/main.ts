// Entry point of the single binary: hand argv to the CLI and exit with its code.
// Called through a link named `oci-metadata-runtime` (containerd's BinaryName takes a path,
// not arguments), it is the runtime wrapper. (No top-level await: bun's --bytecode output
// does not support it.)
import { main } from "./cli/run.js";

const args = process.argv.slice(2);
const argv = /(^|\/)oci-metadata-runtime$/.test(process.argv0) ? ["runtime", ...args] : args;
void main(argv, (s) => process.stdout.write(s)).then((code) => {
  process.exitCode = code;
});
