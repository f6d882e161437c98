// The layer rules of docs/design.md, checked on every import in src/ (CI runs this):
//   core               → core only; no node:/bun: module (the pure core does no I/O)
//   engines/X/pure     → core and X's own pure/ only; no node:/bun: module
//   host               → core and host
//   nri-stub           → nri-stub, core/errors and core/nri-plugin-name only (+ node:, @bufbuild)
//   steps              → core, host, steps
//   engines/X          → core, host, steps, X itself; nri-stub only for X = nri; never engine Y
//   ops                → anything but cli
//   cli, main.ts       → anything
// It also fails on any import cycle among src/ files (type-only imports included: a cycle of
// types is still two files that cannot be read apart).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

const ROOT = join(dirname(new URL(import.meta.url).pathname), "..", "src");
const IMPORT =
  /(?:^|[^.\w])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm;

/** The layer a src-relative path belongs to, e.g. "core", "engines/docker/pure", "engines/docker". */
export function layerOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] === "engines") return parts[2] === "pure" ? `engines/${parts[1]}/pure` : `engines/${parts[1]}`;
  return parts.length === 1 ? "main" : parts[0]!;
}

/** Why `from` may not import `to` (src-relative paths, or a bare module name), or undefined. */
export function violation(from: string, to: string): string | undefined {
  const lf = layerOf(from);
  const external = !to.includes("/") || !to.endsWith(".ts") ? to : undefined;
  const lt = external ? undefined : layerOf(to);
  const io = external !== undefined && /^(node:|bun:)/.test(external);
  const isPure = lf === "core" || lf.endsWith("/pure");
  if (isPure && io) return `${lf} is pure: no ${external}`;
  if (external) return undefined;
  const ok: Record<string, (t: string) => boolean> = {
    core: (t) => t === "core",
    host: (t) => t === "core" || t === "host",
    "nri-stub": (t) => t === "nri-stub" || to === "core/errors.ts" || to === "core/nri-plugin-name.ts",
    steps: (t) => ["core", "host", "steps"].includes(t),
    ops: (t) => t !== "cli",
  };
  if (lf.endsWith("/pure"))
    return lt === "core" || lt === lf ? undefined : `${lf} may import only core and itself, not ${to}`;
  if (lf.startsWith("engines/")) {
    const own = lt === lf || lt === `${lf}/pure`;
    const shared = ["core", "host", "steps"].includes(lt!) || (lt === "nri-stub" && lf === "engines/nri");
    return own || shared ? undefined : `${lf} may not import ${to} (no engine imports another engine)`;
  }
  const rule = ok[lf];
  return rule && !rule(lt!) ? `${lf} may not import ${to}` : undefined;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "gen" ? [] : walk(p);
    return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith(".")) out.push(spec);
    else out.push(relative(ROOT, normalize(join(dirname(file), spec))).replace(/\.js$/, ".ts"));
  }
  return out;
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (!graph.has(m)) continue;
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of graph.keys()) {
    const cycle = state.has(n) ? undefined : visit(n);
    if (cycle) return cycle;
  }
  return undefined;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const graph = new Map<string, string[]>();
  const problems: string[] = [];
  for (const file of walk(ROOT)) {
    const from = relative(ROOT, file);
    const deps = importsOf(file);
    graph.set(
      from,
      deps.filter((d) => d.endsWith(".ts")),
    );
    for (const to of deps) {
      const why = violation(from, to);
      if (why) problems.push(`${from}: ${why}`);
    }
  }
  const cycle = findCycle(graph);
  if (cycle) problems.push(`import cycle: ${cycle.join(" → ")}`);
  for (const p of problems) process.stderr.write(`check-layers: ${p}\n`);
  if (problems.length > 0) process.exit(1);
  process.stdout.write(`check-layers: ${graph.size} files, layer rules hold, no import cycle\n`);
}
