// The hot path stays lean (STYLE rule 12, issue 11): what a hook, precreate, inject or a
// runtime call loads at start must not statically reach zod or pino (zod alone costs every
// process ~3 ms of CPU; pino is loaded on the first logged line only), nor node:fs/promises
// (loading it costs ~0.5 ms, and each call is a thread-pool round trip: blocking calls here). Follows the value
// imports (not `import type`, which the compiler erases; not `import()`, which is lazy) from
// the entry and the hot-path modules through src/.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const HOT = [
  "main.ts",
  "cli/run.ts",
  "cli/fast-entry.ts",
  "cli/hook-step.ts",
  "cli/runtime-steps.ts",
  "cli/commands.ts",
  "engines/runc/stage-hooks.ts",
  "engines/runc/inject.ts",
  "engines/podman/precreate.ts",
  "engines/docker/runtime.ts",
  "engines/docker/runtime-create.ts",
  "steps/context.ts",
  "steps/prepare.ts",
  "steps/write-metadata.ts",
  "steps/failure-policy.ts",
  "host/config-file.ts",
];
const HEAVY = /^(zod|pino)(\/|$)|^node:fs\/promises$/;

// The static value imports of one file: specifiers of `import … from`, `export … from` and
// bare `import "x"`, minus type-only ones.
function valueImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+([^;]*?)\s*from\s*"([^"]+)"/gms)) {
    const clause = m[2]!.trim();
    if (/^type\s/.test(clause)) continue;
    const braces = clause.match(/^\{([^}]*)\}$/);
    if (
      braces &&
      braces[1]!
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .every((s) => s.startsWith("type "))
    )
      continue;
    out.push(m[3]!);
  }
  for (const m of text.matchAll(/^import\s+"([^"]+)"/gm)) out.push(m[1]!);
  return out;
}

// Every module reachable from `start` by value imports, with the path that reached it.
function reach(start: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const spec of valueImports(join(SRC, file))) {
      if (!spec.startsWith(".")) {
        if (!seen.has(spec)) seen.set(spec, [...seen.get(file)!, spec]);
        continue;
      }
      const target = relative(SRC, resolve(dirname(join(SRC, file)), spec.replace(/\.js$/, ".ts")));
      if (seen.has(target) || !existsSync(join(SRC, target))) continue;
      seen.set(target, [...seen.get(file)!, target]);
      queue.push(target);
    }
  }
  return seen;
}

describe("the hot path", () => {
  for (const entry of HOT) {
    it(`${entry} does not statically load zod, pino or node:fs/promises`, () => {
      const heavy = [...reach(entry)].filter(([mod]) => HEAVY.test(mod));
      assert.deepEqual(
        heavy.map(([, path]) => path.join(" → ")),
        [],
      );
    });
  }

  // A hook starts at every container start and stop: its entry (shared with inject and
  // precreate, which also skip the parser and help) skips the CLI's parser
  // (node:util, ~0.5 ms to load), the command table's help texts, the lossless JSON editor
  // (hooks only read config.json) and node:child_process (only a due gc spawns).
  const HOOK_ONLY = /^(node:util|node:child_process)$|^cli\/(commands|help|parse|run)\.ts$|^core\/json-lossless\//;
  it("the hook does not statically load the CLI's parser, help, lossless JSON or child_process", () => {
    const extra = [...reach("cli/fast-entry.ts"), ...reach("cli/hook-step.ts")]
      .filter(([mod]) => HOOK_ONLY.test(mod))
      .map(([, path]) => path.join(" → "));
    assert.deepEqual(extra, []);
  });

  it("cli/run.ts (every other command) does not statically load the hook's writer", () => {
    const hookOnly = [...reach("cli/run.ts")].filter(([mod]) =>
      /^(cli\/hook-step|steps\/write-metadata)\.ts$/.test(mod),
    );
    assert.deepEqual(
      hookOnly.map(([, path]) => path.join(" → ")),
      [],
    );
  });

  it("would notice node:util on the full CLI's path (the hook check itself works)", () => {
    assert.ok([...reach("cli/run.ts")].some(([mod]) => HOOK_ONLY.test(mod)));
  });

  it("would notice a value import of core/config.ts (the check itself works)", () => {
    const heavy = [...reach("core/config.ts")].filter(([mod]) => HEAVY.test(mod));
    assert.ok(heavy.length > 0);
  });
});
