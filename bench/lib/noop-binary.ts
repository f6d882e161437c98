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

/** Builds the no-op binary into dir; returns its path. */
export async function buildNoopBinary(dir: string): Promise<string> {
  const src = join(dir, "noop.ts");
  const out = join(dir, "noop-hook");
  writeFileSync(src, NOOP_SOURCE);
  await runOk(join(ROOT, "node_modules/.bin/bun"), ["build", ...productBuildFlags(), src, "--outfile", out], { cwd: dir });
  return out;
}
