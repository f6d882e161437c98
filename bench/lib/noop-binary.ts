// The floor every hook and wrapper stands on: a Bun program that does nothing, compiled with
// exactly the flags `npm run build` gives the product (read from package.json, so a change of
// flags there changes the floor too). Built into the benchmark's temp dir; never shipped.
import { readFileSync, writeFileSync } from "node:fs";
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

/** The product's `bun build` flags: package.json's build script minus entry and --outfile. */
export function productBuildFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { build: string } };
  const words = pkg.scripts.build.split(/\s+/).filter(Boolean);
  if (words[0] !== "bun" || words[1] !== "build") throw new Error(`package.json build is not a bun build: ${pkg.scripts.build}`);
  const flags: string[] = [];
  for (let i = 2; i < words.length; i++) {
    if (words[i] === "--outfile") i++;
    else if (!words[i]!.endsWith(".ts")) flags.push(words[i]!);
  }
  return flags;
}

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
  await runOk(join(ROOT, "node_modules/.bin/bun"), ["build", ...productBuildFlags(), src, "--outfile", out], { cwd: dir });
  return out;
}
