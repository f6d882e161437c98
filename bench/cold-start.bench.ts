// Cold start of the compiled binary next to the floors (`/bin/true`: fork+exec alone; a Bun
// no-op built with the product's flags: Bun's own start) and the runtime we chose not to ship
// (`node -e ""`). Two binary cases: `--version` (runtime start
// only) and `hook poststop` on a bundle without our mount, the do-nothing path every
// non-opted-in container pays on each registered stage. Variants alternate, in an order that
// rotates per round; ratios are per round, then their median.
// Usage: npm run bench:startup -- [--rounds N (≥20, default 30)]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireBinary } from "../test/e2e/lib/binary.js";
import { makeBundle } from "../test/e2e/lib/bundle.js";
import { intFlag } from "./lib/args.js";
import { benchEnv } from "./lib/env.js";
import { buildNoopBinary } from "./lib/noop-binary.js";
import { markdownTable, median, ms, pairwiseRatios, summarize, times } from "./lib/stats.js";
import { timeOk, timeRun } from "./lib/timer.js";

const WARMUP_ROUNDS = 3;
const rounds = intFlag(process.argv.slice(2), "--rounds", 30, 20);
const bin = requireBinary();
const work = mkdtempSync(join(tmpdir(), "ocimd-bench-start-"));
try {
  // No opt-in annotation and no mount: the hook must find nothing of ours and exit.
  const bundle = await makeBundle(join(work, "bundle"), { rootfs: join(work, "rootfs"), args: ["true"] });
  const state = JSON.stringify({ ociVersion: "1.0.2", id: "ocimd-bench-cold", status: "stopped", bundle });
  const env = benchEnv({ OCI_METADATA_HOST_ROOT: join(work, "meta"), OCI_METADATA_FAILURE_POLICY: "fail" });
  await checkDoNothingPath(state, env);
  const noop = await buildNoopBinary(work);
  const variants: { name: string; cmd: string; args: string[] }[] = [
    { name: "/bin/true", cmd: "/bin/true", args: [] },
    { name: "no-op Bun binary", cmd: noop, args: ["hook", "poststop"] },
    { name: `node -e "" (${process.version})`, cmd: process.execPath, args: ["-e", ""] },
    { name: "oci-metadata --version", cmd: bin, args: ["--version"] },
    { name: "oci-metadata hook poststop (not ours)", cmd: bin, args: ["hook", "poststop"] },
  ];
  const samples = variants.map(() => [] as number[]);
  for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
    process.stderr.write(`\rcold start: round ${round + 1}/${WARMUP_ROUNDS + rounds}   `);
    for (let k = 0; k < variants.length; k++) {
      const i = (round + k) % variants.length;
      const v = variants[i]!;
      // Every variant gets the same stdin, so none is timed with less pipe work.
      const r = await timeOk(v.cmd, v.args, { input: state, env });
      if (r.stderr) throw new Error(`${v.name} wrote to stderr: ${r.stderr.trim()}`);
      if (round >= WARMUP_ROUNDS) samples[i]!.push(r.ms);
    }
  }
  process.stderr.write("\n");
  const [trueMs, noopMs, nodeMs] = [samples[0]!, samples[1]!, samples[2]!];
  const rows = variants.map((v, i) => {
    const s = summarize(samples[i]!);
    const ratio = (base: number[]) => times(median(pairwiseRatios(samples[i]!, base)));
    return [v.name, ms(s.median), `${ms(s.p10)}–${ms(s.p90)}`, ratio(trueMs), ratio(noopMs), ratio(nodeMs)];
  });
  console.log(
    [
      `### Cold start (${rounds} rounds after ${WARMUP_ROUNDS} warm-up, variants alternating; spawned from node, so every row includes the same spawn cost)`,
      "",
      markdownTable(
        ["command (OCI state on stdin)", "median ms", "p10–p90 ms", "× /bin/true", "× no-op Bun", "× node"],
        rows,
      ),
      "",
      "Every command runs with a clean env (PATH and our settings; see bench/lib/env.ts). The `hook poststop` row is",
      "checked to take the do-nothing path (its debug log says so) before timing.",
    ].join("\n"),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Runs the hook once at debug level: a timing of some other path (an error, a real removal)
// would be meaningless, so refuse to go on unless the hook says it had nothing to do.
async function checkDoNothingPath(state: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await timeRun(bin, ["hook", "poststop"], {
    input: state,
    env: { ...env, OCI_METADATA_LOG_LEVEL: "debug" },
  });
  if (r.code !== 0 || !r.stderr.includes("nothing to do")) {
    throw new Error(`hook poststop did not take the do-nothing path (exit ${r.code}): ${r.stderr.trim()}`);
  }
}
