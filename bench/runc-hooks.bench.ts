// `runc run` of a busybox `true` container: no hooks, a trivial `sh` hook per stage, and
// oci-metadata (default stages, then three stages), in ONE run. Each round runs every variant
// once, in an order that rotates per round, on a fresh container id; ratios are taken per
// round and then their median, so drift (page cache, CPU clocks) hits both sides of a ratio.
// `inject` is the engine's before-create step: timed apart, outside `runc run`.
// Usage: npm run bench:runc -- [--rounds N (≥10, default 15)] [--hook-runs N (default 30)]
// Markdown on stdout, progress on stderr.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../test/e2e/lib/binary.js";
import { requireTools } from "../test/e2e/lib/guard.js";
import { intFlag } from "./lib/args.js";
import { measureHooksAlone } from "./lib/hook-alone.js";
import { createRuncFixture, type RuncFixture } from "./lib/runc-fixture.js";
import { markdownTable, median, ms, pairwiseDiffs, pairwiseRatios, summarize, times } from "./lib/stats.js";
import { timeOk } from "./lib/timer.js";

const GOAL = 1.25; // default stages vs plain runc (DESIGN.md §7; the target lives in the issues)
const WARMUP_ROUNDS = 2;
const ON = { "oci-metadata.io/enabled": "true" };
const SH_HOOK = { path: "/bin/sh", args: ["sh", "-c", "cat >/dev/null"], timeout: 10 };

interface Variant {
  name: string;
  /** Edits the fresh bundle before `runc run`; returns inject's ms when there is an inject. */
  prepare(fx: RuncFixture, bin: string, id: string, bundle: string): Promise<number | undefined>;
}

const inject = (stages?: string) => async (fx: RuncFixture, bin: string, id: string, bundle: string) =>
  (await timeOk(bin, ["inject", "--bundle", bundle, "--id", id], { env: fx.env(stages ? { OCI_METADATA_STAGES: stages } : {}) })).ms;

const VARIANTS: Variant[] = [
  { name: "plain", prepare: async () => undefined },
  {
    name: "sh-hooks",
    prepare: async (_fx, _bin, _id, bundle) => {
      const path = join(bundle, "config.json");
      const spec = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      spec.hooks = { createRuntime: [SH_HOOK], poststop: [SH_HOOK] }; // the default stages
      writeFileSync(path, JSON.stringify(spec));
      return undefined;
    },
  },
  { name: "oci-metadata", prepare: inject() },
  { name: "oci-metadata-3-stages", prepare: inject("createRuntime,poststart,poststop") },
];

const rounds = intFlag(process.argv.slice(2), "--rounds", 15, 10);
const hookRuns = intFlag(process.argv.slice(2), "--hook-runs", 30, 5);
const skip = requireTools(["runc", "busybox"]);
if (skip) {
  console.log(`runc hooks benchmark skipped: ${skip}`);
  process.exit(0);
}
const bin = requireBinary();
const fx = createRuncFixture("runc");
try {
  const runMs = new Map(VARIANTS.map((v) => [v.name, [] as number[]]));
  const injectMs = new Map(VARIANTS.map((v) => [v.name, [] as number[]]));
  for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
    process.stderr.write(`\rrunc run: round ${round + 1}/${WARMUP_ROUNDS + rounds}${round < WARMUP_ROUNDS ? " (warm-up)" : ""}   `);
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(round + k) % VARIANTS.length]!;
      const id = fx.newId();
      const bundle = await fx.bundle(id, ["true"], ON);
      const injected = await v.prepare(fx, bin, id, bundle);
      const r = await timeOk("runc", fx.runc(["run", "--bundle", bundle, id]), { env: fx.env() });
      // runc run deletes the container on exit, so poststop has run: the root must be empty.
      const left = existsSync(fx.metaRoot) ? readdirSync(fx.metaRoot) : [];
      if (left.length) throw new Error(`${v.name}: poststop left ${left.join(", ")} in ${fx.metaRoot}`);
      if (round < WARMUP_ROUNDS) continue;
      runMs.get(v.name)!.push(r.ms);
      if (injected !== undefined) injectMs.get(v.name)!.push(injected);
    }
  }
  process.stderr.write(`\rhooks alone: ${hookRuns} runs per case...        \n`);
  const alone = await measureHooksAlone(fx, bin, hookRuns);
  const hookLog = existsSync(fx.logFile) ? readFileSync(fx.logFile, "utf8").trim() : "";
  console.log(report(runMs, injectMs, alone.samples, alone.createdStatus, hookLog));
} finally {
  await fx.cleanup();
}

function report(runMs: Map<string, number[]>, injectMs: Map<string, number[]>, alone: Map<string, number[]>, createdStatus: string, hookLog: string): string {
  const plain = runMs.get("plain")!;
  const ratioOf = (name: string) => median(pairwiseRatios(runMs.get(name)!, plain));
  const runRows = VARIANTS.map(({ name }) => {
    const s = summarize(runMs.get(name)!);
    const inj = injectMs.get(name)!;
    return [name, ms(s.median), `${ms(s.p10)}–${ms(s.p90)}`, ms(median(pairwiseDiffs(runMs.get(name)!, plain))), times(ratioOf(name)), inj.length ? ms(median(inj)) : "—"];
  });
  const aloneRows = [...alone].map(([name, xs]) => {
    const s = summarize(xs);
    return [name, ms(s.median), `${ms(s.p10)}–${ms(s.p90)}`];
  });
  const ratio = ratioOf("oci-metadata");
  const verdict = ratio <= GOAL ? "meets" : "misses";
  const hookSum = median(alone.get("hook createRuntime")!) + median(alone.get("hook poststop")!);
  return [
    `### runc run of busybox \`true\` (${rounds} rounds after ${WARMUP_ROUNDS} warm-up, variants alternating)`,
    "",
    markdownTable(["variant", "median ms", "p10–p90 ms", "+ms vs plain", "× plain", "inject ms (not in run)"], runRows),
    "",
    `**Verdict:** oci-metadata with the default stages (createRuntime + poststop) is ${times(ratio)} plain runc: it ${verdict} the goal of ≤ ${times(GOAL)} (a trivial \`sh\` hook on the same stages: ${times(ratioOf("sh-hooks"))}).`,
    "",
    `### Each hook alone, on a live \`runc create\`d container (${hookRuns} runs per case, rotating; spawned from node, so the \`sh\` row is the spawn floor)`,
    "",
    markdownTable(["command (OCI state on stdin)", "median ms", "p10–p90 ms"], aloneRows),
    "",
    `createRuntime + poststop alone: ${ms(hookSum)} ms; measured inside \`runc run\`: +${ms(median(pairwiseDiffs(runMs.get("oci-metadata")!, plain)))} ms over plain. ` +
      `File written by createRuntime under \`runc create\`: MetadataFileStatus=${createdStatus}. Hook log lines: ${hookLog ? hookLog.split("\n").length : 0}.`,
    ...(hookLog ? ["", "```", hookLog, "```"] : []),
  ].join("\n");
}
