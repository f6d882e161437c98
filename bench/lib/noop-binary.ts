// The floors every hook and wrapper stand on: Bun programs that do (next to) nothing, compiled
// by the product's own build script (scripts/build.sh, with another entry and output), so a
// change of build flags changes the floors too. Built into the benchmark's temp dir; never
// shipped.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runOk } from "../../test/e2e/lib/exec.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What the no-op does: nothing at all (it does not even read its stdin). */
export const NOOP_SOURCE = "// a Bun program that does nothing: the floor of any hook\nprocess.exitCode = 0;\n";

/** The floor of a podman precreate hook, whose stdout must be the config: it copies stdin to
 * stdout with blocking calls and nothing else. */
export const ECHO_SOURCE = [
  "// a Bun program that copies stdin to stdout: the floor of a precreate hook",
  'import { readFileSync, writeSync } from "node:fs";',
  "const input = readFileSync(0);",
  "for (let off = 0; off < input.length; ) off += writeSync(1, input, off);",
  "",
].join("\n");

/** The floor of a runtime wrapper: hand every call to runc at once, the way ours does (our own
 * execv through bun:ffi and PATH lookup, bundled from src/host). */
export const WRAPPER_SOURCE = [
  "// a Bun program that becomes runc at once: the floor of any runtime wrapper",
  `import { execProgram } from ${JSON.stringify(join(ROOT, "src/host/exec.ts"))};`,
  `import { which } from ${JSON.stringify(join(ROOT, "src/host/which.ts"))};`,
  'void execProgram(which("runc") ?? "runc", ["runc", ...process.argv.slice(2)]);',
  "",
].join("\n");

const SOURCES = { noop: NOOP_SOURCE, echo: ECHO_SOURCE, wrapper: WRAPPER_SOURCE };

/** Builds a floor binary (no-op, stdin-to-stdout, or pass-through wrapper) into dir; returns its path. */
export async function buildNoopBinary(dir: string, kind: keyof typeof SOURCES = "noop"): Promise<string> {
  const src = join(dir, `${kind}.ts`);
  const out = join(dir, `${kind}-floor`);
  writeFileSync(src, SOURCES[kind]);
  const env = { ...process.env, OCI_METADATA_BUILD_ENTRY: src, OCI_METADATA_BUILD_OUT: out };
  await runOk("bash", [join(ROOT, "scripts/build.sh")], { env });
  return out;
}
