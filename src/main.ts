// Entry point of the single binary: hand argv to the CLI and exit with its code.
// (No top-level await: bun's --bytecode output does not support it.)
import { main } from "./cli.js";

void main(process.argv.slice(2), (s) => process.stdout.write(s)).then((code) => {
  process.exitCode = code;
});
