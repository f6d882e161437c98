// Docker with oci-metadata as its OCI runtime (the wrapper in front of runc), on dockerd 20.10
// and 28.5 in ONE run, one private dockerd at a time (test/e2e/lib/docker.ts), destroyed
// after its part. Per version:
//  1. `docker run --rm --network none` busybox `true`: the default runtime (runc); the floor of
//     any wrapper (a Bun binary built with our flags that becomes runc at once, for every
//     call); our wrapper on a container that did not opt in (its cost alone), and opted in;
//     rotating order;
//  2. `docker exec <container> true` into a runc container, one started with the floor
//     wrapper and one started with ours (exec goes through the container's runtime: a pure
//     hand-over to runc);
//  3. how soon the host file is READY after `docker run -d` (bridge, a published port): the
//     enricher that writes READY runs detached after `start`.
// Usage: npm run bench:docker -- [--rounds N (≥10, default 12)] [--exec-rounds N (≥20,
// default 30)] [--ready-runs N (≥10, default 12)]. Markdown on stdout, progress on stderr.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { requireBinary } from "../test/e2e/lib/binary.js";
import { type DockerVersion, dockerdPath } from "../test/e2e/lib/docker.js";
import { requireTools } from "../test/e2e/lib/guard.js";
import { intFlag } from "./lib/args.js";
import {
  alternate,
  type DockerBench,
  leftoverDirs,
  logMark,
  startDocker,
  stopDocker,
  troubleBetween,
  waitEnrichers,
} from "./lib/docker-fixture.js";
import { measureReady, type ReadySample } from "./lib/docker-ready.js";
import { holdEngineLock } from "./lib/lock.js";
import { buildNoopBinary } from "./lib/noop-binary.js";
import { markdownTable, median, ms, pairwiseDiffs, pairwiseRatios, quantile, summarize, times } from "./lib/stats.js";

holdEngineLock(); // engines run below: one engine user at a time
const VERSIONS: DockerVersion[] = ["20.10", "28.5"];
const WARMUP = 2;
const ON = ["--label", "oci-metadata.io/enabled=true"];
/** Goals of issue 11 against runc. */
const GOAL = { run: 1.15, exec: 1.05 };
const FLOOR = "no-op Bun wrapper";
const RUN_VARIANTS: Record<string, string[]> = {
  runc: [], // dockerd's default runtime
  [FLOOR]: ["--runtime", "noop-wrapper"],
  "oci-metadata, not opted in": ["--runtime", "oci-metadata"],
  "oci-metadata, opted in": ["--runtime", "oci-metadata", ...ON],
};
const EXEC_VARIANTS: Record<string, string[]> = {
  runc: ["--runtime", "runc"],
  [FLOOR]: ["--runtime", "noop-wrapper"],
  "oci-metadata": ["--runtime", "oci-metadata", ...ON],
};

const argv = process.argv.slice(2);
const rounds = intFlag(argv, "--rounds", 12, 10);
const execRounds = intFlag(argv, "--exec-rounds", 30, 20);
const readyRuns = intFlag(argv, "--ready-runs", 12, 10);
const skip = requireTools(
  ["runc", "ip", "busybox", "/usr/bin/docker"],
  VERSIONS.filter((v) => !dockerdPath(v)).map((v) => `dockerd ${v}`),
);
if (skip) {
  console.log(`docker benchmark skipped: ${skip}`);
  process.exit(0);
}
const bin = requireBinary();
// `on`, not `once`: under tsx a Ctrl-C can arrive twice (see lib/runc-fixture.ts).
const onSignal = (sig: NodeJS.Signals) => void stopDocker().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const sections: string[] = [];
const floorDir = mkdtempSync(join(tmpdir(), "ocimd-bench-floor-"));
try {
  const floor = await buildNoopBinary(floorDir, "wrapper");
  for (const [i, version] of VERSIONS.entries()) {
    process.stderr.write(`== dockerd ${version}\n`);
    try {
      // 10.91.170+: clear of the e2e suite's bridges (120, 128), which may run meanwhile.
      sections.push(await benchVersion(await startDocker(bin, version, 170 + i, { "noop-wrapper": floor })));
    } finally {
      await stopDocker();
    }
  }
} finally {
  rmSync(floorDir, { recursive: true, force: true });
}
console.log(sections.join("\n\n"));

async function benchVersion(b: DockerBench): Promise<string> {
  const base = ["run", "--rm", "--network", "none"];
  const loadBefore = loadavg()[0]!; // other work on a 2-core box shows in every number: say so
  const marks = [logMark(b)]; // the log's length before each part: its warn/errors go with it
  // Checked before timing: opted in gets the env var, not opted in does not.
  await b.cli([
    ...base,
    ...RUN_VARIANTS["oci-metadata, opted in"]!,
    b.d.image,
    "sh",
    "-c",
    'test -n "$ECS_CONTAINER_METADATA_FILE"',
  ]);
  await b.cli([
    ...base,
    ...RUN_VARIANTS["oci-metadata, not opted in"]!,
    b.d.image,
    "sh",
    "-c",
    'test -z "$ECS_CONTAINER_METADATA_FILE"',
  ]);
  const runs = await alternate(Object.keys(RUN_VARIANTS), rounds, WARMUP, `docker ${b.d.version} run`, async (v) => {
    const took = (await b.timed([...base, ...RUN_VARIANTS[v]!, b.d.image, "true"])).ms;
    // Untimed: the detached enricher (spawned on every wrapper `start`) must not run into
    // the next variant's timing.
    await waitEnrichers(b);
    return took;
  });
  const leftAfterRun = leftoverDirs(b);
  marks.push(logMark(b));

  // Container names allow [a-zA-Z0-9_.-] only; variant names have spaces.
  const nameOf = (v: string) => `ocimd-bench-exec-${v.replace(/[^a-zA-Z0-9_.-]+/g, "-")}`;
  const names = Object.keys(EXEC_VARIANTS).map(nameOf);
  let execs: Map<string, number[]>;
  try {
    for (const [k, v] of Object.keys(EXEC_VARIANTS).entries())
      await b.cli([
        "run",
        "-d",
        "--network",
        "none",
        ...EXEC_VARIANTS[v]!,
        "--name",
        names[k]!,
        b.d.image,
        "sleep",
        "300",
      ]);
    await waitEnrichers(b);
    execs = await alternate(
      Object.keys(EXEC_VARIANTS),
      execRounds,
      WARMUP,
      `docker ${b.d.version} exec`,
      async (v) => (await b.timed(["exec", nameOf(v), "true"])).ms,
    );
  } finally {
    await b.rm(names);
  }
  marks.push(logMark(b));

  const ready = await measureReady(b, readyRuns, WARMUP);
  const stray = await waitEnrichers(b);
  marks.push(logMark(b));
  const [runLog, execLog, readyLog] = [0, 1, 2].map((k) => logNote(troubleBetween(b, marks[k]!, marks[k + 1]!)));
  return [
    `### Docker ${b.d.version} (dockerd ${b.serverVersion}): \`docker run --rm --network none\` busybox \`true\` (${rounds} rounds after ${WARMUP} warm-up, variants alternating)`,
    "",
    ...compare(runs, "runc"),
    "",
    `**Summary (${b.d.version}, run):** opted in, \`docker run\` takes ${cost(runs, "oci-metadata, opted in", "runc")}: it ${verdict(runs, "oci-metadata, opted in", GOAL.run)}. ` +
      `The wrapper alone (not opted in) ${cost(runs, "oci-metadata, not opted in", "runc")}; the floor of any Bun wrapper ${cost(runs, FLOOR, "runc")}. ` +
      `Left under hostRoot after \`--rm\`: ${leftAfterRun.length ? leftAfterRun.join(", ") : "nothing"}. Runtime log: ${runLog}.`,
    "",
    `### Docker ${b.d.version}: \`docker exec <container> true\` (${execRounds} rounds after ${WARMUP} warm-up, alternating)`,
    "",
    ...compare(execs, "runc"),
    "",
    `**Summary (${b.d.version}, exec):** into a container started with the wrapper (opted in), \`docker exec\` takes ${cost(execs, "oci-metadata", "runc")}: it ${verdict(execs, "oci-metadata", GOAL.exec)}; ` +
      `the floor wrapper ${cost(execs, FLOOR, "runc")}. Both exec runc at once. Runtime log: ${execLog}.`,
    "",
    ...readySection(b, ready),
    `Runtime log: ${readyLog}. Enrichers still running 5 s after the last container: ${stray.length ? stray.join(", ") : "none"}. ` +
      `1-min load average: ${loadBefore.toFixed(2)} before this version, ${loadavg()[0]!.toFixed(2)} after.`,
  ].join("\n");
}

// "none", or the grouped warn/error lines of one part.
function logNote(groups: string[]): string {
  return groups.length ? groups.map((g) => `\`${g}\``).join(", ") : "no warn/error lines";
}

// One row per variant: median, p10–p90, and the medians of per-round differences and ratios.
function compare(samples: Map<string, number[]>, baseName: string): string[] {
  const rows = [...samples].map(([name, xs]) => {
    const s = summarize(xs);
    return [
      name,
      ms(s.median),
      `${ms(s.p10)}–${ms(s.p90)}`,
      ms(median(pairwiseDiffs(xs, samples.get(baseName)!))),
      times(median(pairwiseRatios(xs, samples.get(baseName)!))),
    ];
  });
  return [markdownTable(["variant", "median ms", "p10–p90 ms", `+ms vs ${baseName}`, `× ${baseName}`], rows)];
}

// "**meets** the goal of ≤ 1.15×" against runc.
function verdict(samples: Map<string, number[]>, name: string, goal: number): string {
  const ratio = median(pairwiseRatios(samples.get(name)!, samples.get("runc")!));
  return `**${ratio <= goal ? "meets" : "misses"}** the goal of ≤ ${times(goal)}`;
}

function cost(samples: Map<string, number[]>, name: string, baseName: string): string {
  const xs = samples.get(name)!;
  const base = samples.get(baseName)!;
  return `${times(median(pairwiseRatios(xs, base)))} ${baseName} (${ms(median(pairwiseDiffs(xs, base)))} ms more, median of per-round differences)`;
}

function readySection(b: DockerBench, xs: ReadySample[]): string[] {
  const row = (what: string, v: number[]) => [
    what,
    ms(median(v)),
    ms(quantile(v, 0.9)),
    `${ms(Math.min(...v))}–${ms(Math.max(...v))}`,
  ];
  const after = xs.map((x) => x.afterReturnMs);
  const fromStart = xs.map((x) => x.fromStartMs);
  return [
    `### Docker ${b.d.version}: READY after \`docker run -d --runtime oci-metadata\` (bridge, \`-p 127.0.0.1::80\`; ${xs.length} runs after ${WARMUP} warm-up; host file polled every 5 ms)`,
    "",
    markdownTable(
      ["interval", "median ms", "p90 ms", "min–max ms"],
      [
        row(
          "`docker run -d` itself (spawn → exit)",
          xs.map((x) => x.runMs),
        ),
        row("`docker run -d` returns → READY", after),
        row("`docker run -d` starts → READY", fromStart),
      ],
    ),
    "",
    `**Summary (${b.d.version}, READY):** the file is READY a median ${ms(median(after))} ms after \`docker run -d\` returns (p90 ${ms(quantile(after, 0.9))} ms), ` +
      `${ms(median(fromStart))} ms after it starts (p90 ${ms(quantile(fromStart, 0.9))} ms); at return it existed in ${xs.filter((x) => x.presentAtReturn).length}/${xs.length} runs and was READY in ${after.filter((a) => a <= 0).length}/${xs.length}.`,
  ];
}
