// `podman run --rm` of busybox `true` with and without oci-metadata's precreate hook, in ONE
// run, variants alternating per round (rotating order), on a private podman (test/e2e/lib):
//  - no-hook: an empty hooks dir;
//  - not-opted-in: our hooks.d file present, the container lacks the annotation (the file's
//    annotation filter means podman spawns nothing for it);
//  - no-op Bun hooks: the floor of our way in — the same three processes (precreate +
//    createRuntime + poststop), each a Bun binary built with our flags that does nothing
//    (precreate copies its stdin to stdout, as a precreate hook must);
//  - oci-metadata: opted in (precreate + createRuntime + poststop).
// Usage: npm run bench:podman -- [--rounds N (≥10, default 12)]. Markdown on stdout.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../test/e2e/lib/binary.js";
import { requireTools } from "../test/e2e/lib/guard.js";
import { createPodman } from "../test/e2e/lib/podman.js";
import { intFlag } from "./lib/args.js";
import { holdEngineLock } from "./lib/lock.js";
import { buildNoopBinary } from "./lib/noop-binary.js";
import { markdownTable, median, ms, pairwiseDiffs, pairwiseRatios, summarize, times } from "./lib/stats.js";
import { timeOk } from "./lib/timer.js";

holdEngineLock(); // engines run below: one engine user at a time
const WARMUP_ROUNDS = 2;
/** Goal of issue 11 for podman run, opted in, against no hooks. */
const GOAL = 1.15;
const rounds = intFlag(process.argv.slice(2), "--rounds", 12, 10);
const skip = requireTools(["podman", "runc", "busybox"]);
if (skip) {
  console.log(`podman benchmark skipped: ${skip}`);
  process.exit(0);
}
const p = await createPodman(requireBinary(), 150 + (process.pid % 50));
const emptyHooks = join(p.dir, "no-hooks.d");
mkdirSync(emptyHooks);
const noopHooks = join(p.dir, "noop-hooks.d");
mkdirSync(noopHooks);
const [noop, echo] = [await buildNoopBinary(p.dir, "noop"), await buildNoopBinary(p.dir, "echo")];
// The same annotation filter as ours, so the floor spawns for exactly the containers we do.
const when = { annotations: { "^oci-metadata\\.io/enabled$": "^true$" } };
const hookFile = (path: string, stages: string[]) =>
  JSON.stringify({ version: "1.0.0", hook: { path, args: [path], timeout: 10 }, when, stages });
writeFileSync(join(noopHooks, "50-noop-precreate.json"), hookFile(echo, ["precreate"]));
writeFileSync(join(noopHooks, "51-noop-stages.json"), hookFile(noop, ["createRuntime", "poststop"]));
const ON = ["--annotation", "oci-metadata.io/enabled=true"];
const VARIANTS = [
  { name: "no-hook", hooksDir: emptyHooks, extra: [] as string[] },
  { name: "not-opted-in", hooksDir: p.hooksDir, extra: [] as string[] },
  { name: "no-op Bun hooks", hooksDir: noopHooks, extra: ON },
  { name: "oci-metadata", hooksDir: p.hooksDir, extra: ON },
];
try {
  // Before timing: opted in, the container sees our env var; the no-op floor runs its hooks.
  const seen = await p.podman(["run", "--rm", "--network", "none", ...ON, p.image, "env"]);
  if (!seen.stdout.includes("ECS_CONTAINER_METADATA_FILE="))
    throw new Error(`opted in, the container has no metadata env var: ${seen.stdout} ${seen.stderr}`);
  await timeOk("podman", ["--hooks-dir", noopHooks, "run", "--rm", "--network", "none", ...ON, p.image, "true"], {
    env: p.env,
    timeoutMs: 60_000,
  });
  const samples = new Map(VARIANTS.map((v) => [v.name, [] as number[]]));
  for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
    process.stderr.write(`\rpodman run: round ${round + 1}/${WARMUP_ROUNDS + rounds}   `);
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(round + k) % VARIANTS.length]!;
      const r = await timeOk(
        "podman",
        ["--hooks-dir", v.hooksDir, "run", "--rm", "--network", "none", ...v.extra, p.image, "true"],
        { env: p.env, timeoutMs: 60_000 },
      );
      if (round >= WARMUP_ROUNDS) samples.get(v.name)!.push(r.ms);
    }
  }
  process.stderr.write("\n");
  const base = samples.get("no-hook")!;
  const rows = VARIANTS.map(({ name }) => {
    const s = summarize(samples.get(name)!);
    return [
      name,
      ms(s.median),
      `${ms(s.p10)}–${ms(s.p90)}`,
      ms(median(pairwiseDiffs(samples.get(name)!, base))),
      times(median(pairwiseRatios(samples.get(name)!, base))),
    ];
  });
  const ratio = (name: string) => median(pairwiseRatios(samples.get(name)!, base));
  const ours = ratio("oci-metadata");
  const overFloor = median(pairwiseDiffs(samples.get("oci-metadata")!, samples.get("no-op Bun hooks")!));
  console.log(
    [
      `### podman run --rm --network none busybox \`true\` (${rounds} rounds after ${WARMUP_ROUNDS} warm-up, variants alternating)`,
      "",
      markdownTable(["variant", "median ms", "p10–p90 ms", "+ms vs no-hook", "× no-hook"], rows),
      "",
      `**Verdict:** opted in, \`podman run\` takes ${times(ours)} the time without hooks: it **${ours <= GOAL ? "meets" : "misses"}** the goal of ≤ ${times(GOAL)}. ` +
        `Three no-op Bun processes at the same stages (the floor of a precreate way in): ${times(ratio("no-op Bun hooks"))}; ours costs ${ms(overFloor)} ms more than that floor ` +
        `(median of per-round differences). Not opted in: ${times(ratio("not-opted-in"))} (podman spawns nothing; the rest is podman reading one more hooks dir).`,
    ].join("\n"),
  );
} finally {
  await p.destroy();
}
