// Runs every benchmark scenario, each in its own process (its own temp dirs, cleanup and
// signal handling), and writes their markdown to docs/benchmarks.md under a header naming
// the machine. That file is generated, never hand-typed: rerun this to refresh it.
// Usage: npx tsx bench/run-all.ts [--list]
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { run } from "../test/e2e/lib/exec.js";
import { BINARY } from "../test/e2e/lib/binary.js";

const at = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

/** The scenarios, in the order they run; each is also an npm script. */
const SCENARIOS = [
  { script: "bench:runc", file: at("./runc-hooks.bench.ts"), engines: true, what: "runc run with no hooks, no-op Bun hooks and oci-metadata; inject next to a no-op run; where the milliseconds go" },
  { script: "bench:startup", file: at("./cold-start.bench.ts"), engines: false, what: "cold start of the binary next to /bin/true, a no-op Bun binary and node" },
  { script: "bench:podman", file: at("./podman-run.bench.ts"), engines: true, what: "podman run --rm with and without the precreate hook" },
  { script: "bench:docker", file: at("./docker-run.bench.ts"), engines: true, what: "docker run, docker exec and time to READY through the runtime wrapper (Docker 20.10 and 28.5)" },
  { script: "bench:nri", file: at("./nri.bench.ts"), engines: true, what: "CRI create→remove with the NRI plugin connected vs stopped, and its memory after 200 containers (containerd 1.7 and 2.1)" },
];
/** The host-wide lock every engine test takes (test/run): one engine user at a time. */
const E2E_LOCK = "/tmp/oci-metadata-e2e.lock";
const OUT = at("../docs/benchmarks.md");

if (process.argv.includes("--list")) {
  for (const s of SCENARIOS) console.log(`npm run ${s.script.padEnd(14)} ${s.what}`);
  process.exit(0);
}
const loadBefore = loadavg()[0]!;
const header = await machineHeader();
const sections: string[] = [];
for (const s of SCENARIOS) {
  process.stderr.write(`== ${s.script}\n`);
  sections.push(`## \`npm run ${s.script}\`: ${s.what}\n\n${await runScenario(s.file, s.engines)}`);
}
writeFileSync(OUT, `${[header, sharedNote(loadBefore, loadavg()[0]!), ...sections].join("\n\n")}\n`);
process.stderr.write(`wrote ${OUT}\n`);

// Runs one scenario file under node + tsx (holding the engine lock when it runs engines, so
// no engine test of another worktree runs in the middle); its stdout is the section, stderr
// shows progress.
function runScenario(file: string, engines: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const argv = [process.execPath, "--import", "tsx", file];
    const [cmd, ...args] = engines ? ["flock", E2E_LOCK, ...argv] : argv;
    const child = spawn(cmd!, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${file} exited ${code}`))));
  });
}

// Whether others used the machine while this ran: the load average says it (a quiet 2-core
// box sits near 0). Each scenario alternates its variants round by round, so load that comes
// and goes falls on the floor and the product alike; the milliseconds still move with it.
function sharedNote(before: number, after: number): string {
  const shared = Math.max(before, after) >= 0.5;
  return [
    `**Load:** 1-min load average ${before.toFixed(2)} when this run began, ${after.toFixed(2)} when it ended` +
      (shared
        ? ": the machine was shared with other work (other worktrees building and testing; engine tests waited on the e2e lock while a scenario ran engines). "
        : ". ") +
      "Every ratio is taken per round between variants that alternate within one run, so such load falls on both sides of it; absolute milliseconds are not comparable across runs.",
  ].join("\n");
}

// Facts that make the numbers comparable, each read from the machine at run time.
async function machineHeader(): Promise<string> {
  const first = async (cmd: string, args: string[]) => {
    const r = await run(cmd, args).catch((err: Error) => ({ code: 1, stdout: "", stderr: err.message }));
    return r.code === 0 ? r.stdout.split("\n")[0]!.trim() : `unknown (${cmd}: ${r.stderr.trim() || `exit ${r.code}`})`;
  };
  const facts: [string, string][] = [
    ["date", new Date().toISOString()],
    ["nproc", await first("nproc", [])],
    ["cpu", cpus()[0]?.model ?? "unknown"],
    ["kernel", await first("uname", ["-sr"])],
    ["runc", await first("runc", ["--version"])],
    ["bun", await first(at("../node_modules/.bin/bun"), ["--version"])],
    ["node (runs the benchmarks)", process.version],
    ["binary", `${await first(BINARY, ["--version"])} (dist/oci-metadata)`],
    // -dirty: the binary may have been built from uncommitted sources.
    ["source", await first("git", ["-C", at(".."), "describe", "--always", "--dirty"])],
  ];
  return [
    "<!-- Generated by bench/run-all.ts; do not edit by hand. Regenerate: npx tsx bench/run-all.ts -->",
    "# Benchmarks",
    "",
    "Generated by `bench/run-all.ts` (never hand-typed). Numbers are from the machine below;",
    "compare ratios, which carry across machines better than milliseconds. See bench/README.md.",
    "",
    ...facts.map(([k, v]) => `- **${k}:** ${v}`),
  ].join("\n");
}
