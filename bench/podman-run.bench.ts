// `podman run --rm` of busybox `true` with and without oci-metadata's precreate hook, in ONE
// run, variants alternating per round (rotating order), on a private podman (test/e2e/lib):
//  - no-hook: an empty hooks dir;
//  - not-opted-in: our hooks.d file present, the container lacks the annotation (the file's
//    annotation filter means podman spawns nothing for it);
//  - oci-metadata: opted in (precreate + createRuntime + poststop).
// Usage: npm run bench:podman -- [--rounds N (≥10, default 12)]. Markdown on stdout.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../test/e2e/lib/binary.js";
import { requireTools } from "../test/e2e/lib/guard.js";
import { createPodman } from "../test/e2e/lib/podman.js";
import { intFlag } from "./lib/args.js";
import { markdownTable, median, ms, pairwiseDiffs, pairwiseRatios, summarize, times } from "./lib/stats.js";
import { timeOk } from "./lib/timer.js";

const WARMUP_ROUNDS = 2;
const rounds = intFlag(process.argv.slice(2), "--rounds", 12, 10);
const skip = requireTools(["podman", "runc", "busybox"]);
if (skip) {
  console.log(`podman benchmark skipped: ${skip}`);
  process.exit(0);
}
const p = await createPodman(requireBinary(), 150 + (process.pid % 50));
const emptyHooks = join(p.dir, "no-hooks.d");
mkdirSync(emptyHooks);
const VARIANTS = [
  { name: "no-hook", hooksDir: emptyHooks, extra: [] as string[] },
  { name: "not-opted-in", hooksDir: p.hooksDir, extra: [] as string[] },
  { name: "oci-metadata", hooksDir: p.hooksDir, extra: ["--annotation", "oci-metadata.io/enabled=true"] },
];
try {
  const samples = new Map(VARIANTS.map((v) => [v.name, [] as number[]]));
  for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
    process.stderr.write(`\rpodman run: round ${round + 1}/${WARMUP_ROUNDS + rounds}   `);
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(round + k) % VARIANTS.length]!;
      const r = await timeOk("podman", ["--hooks-dir", v.hooksDir, "run", "--rm", "--network", "none", ...v.extra, p.image, "true"], { env: p.env, timeoutMs: 60_000 });
      if (round >= WARMUP_ROUNDS) samples.get(v.name)!.push(r.ms);
    }
  }
  process.stderr.write("\n");
  const base = samples.get("no-hook")!;
  const rows = VARIANTS.map(({ name }) => {
    const s = summarize(samples.get(name)!);
    return [name, ms(s.median), `${ms(s.p10)}–${ms(s.p90)}`, ms(median(pairwiseDiffs(samples.get(name)!, base))), times(median(pairwiseRatios(samples.get(name)!, base)))];
  });
  console.log([
    `### podman run --rm --network none busybox \`true\` (${rounds} rounds after ${WARMUP_ROUNDS} warm-up, variants alternating)`,
    "",
    markdownTable(["variant", "median ms", "p10–p90 ms", "+ms vs no-hook", "× no-hook"], rows),
  ].join("\n"));
} finally {
  await p.destroy();
}
