// How soon the metadata file is READY after `docker run -d`: the enricher that fills in the
// Docker-level facts runs detached, after `start`, so `docker run -d` returns before (or
// while) it works. The host file is polled with plain fs reads every 5 ms from the moment
// `docker run -d` is spawned, so a file already READY when the CLI returns shows up as ≤ 0.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DockerBench } from "./docker-fixture.js";
import { leftoverDirs, waitEnrichers } from "./docker-fixture.js";

const POLL_MS = 5;
const READY = /"MetadataFileStatus":\s*"READY"/;
const READY_TIMEOUT_MS = 15_000;

export interface ReadySample {
  /** `docker run -d` from spawn to exit. */
  runMs: number;
  /** READY seen, counted from the moment `docker run -d` returned (≤ 0: already READY). */
  afterReturnMs: number;
  /** READY seen, counted from the spawn of `docker run -d`. */
  fromStartMs: number;
  /** The file existed (any status) when `docker run -d` returned. */
  presentAtReturn: boolean;
}

const now = () => process.hrtime.bigint();
const msBetween = (a: bigint, b: bigint) => Number(b - a) / 1e6;

// Polls `path` every POLL_MS; `seen` is the first read that found the file, `ready` resolves
// at the first read that found READY. A read that races the store's rename sees the old or
// the new file whole (the store writes a temp file and renames it), never half of one.
function watch(path: string): { seen: () => bigint | undefined; ready: Promise<bigint>; stop: () => void } {
  let seen: bigint | undefined;
  let timer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const stop = () => {
    clearInterval(timer);
    clearTimeout(deadline);
  };
  const ready = new Promise<bigint>((resolve, reject) => {
    const tick = () => {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch {
        return; // not there yet
      }
      const t = now();
      seen ??= t;
      if (READY.test(text)) {
        stop();
        resolve(t);
      }
    };
    timer = setInterval(tick, POLL_MS);
    deadline = setTimeout(() => {
      stop();
      reject(new Error(`${path}: not READY after ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    tick();
  });
  return { seen: () => seen, ready, stop };
}

/** `runs` measured starts after `warmup` discarded ones, one container at a time; each is
 * removed after its run and must leave no dir behind. */
export async function measureReady(b: DockerBench, runs: number, warmup: number): Promise<ReadySample[]> {
  const samples: ReadySample[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    process.stderr.write(
      `\rREADY after docker run -d: run ${i + 1}/${warmup + runs}${i < warmup ? " (warm-up)" : ""}     `,
    );
    const name = `ocimd-bench-ready-${i}`;
    const w = watch(join(b.d.hostRoot, "default", name, "ecs-container-metadata.json"));
    try {
      const start = now();
      const r = await b.timed([
        "run",
        "-d",
        "--runtime",
        "oci-metadata",
        "--label",
        "oci-metadata.io/enabled=true",
        "--name",
        name,
        "-p",
        "127.0.0.1::80",
        b.d.image,
        "sleep",
        "300",
      ]);
      const returned = now();
      const presentAtReturn = w.seen() !== undefined;
      const ready = await w.ready;
      await waitEnrichers(b); // untimed: its exit must not overlap the next run
      if (i >= warmup)
        samples.push({
          runMs: r.ms,
          afterReturnMs: msBetween(returned, ready),
          fromStartMs: msBetween(start, ready),
          presentAtReturn,
        });
    } finally {
      w.stop();
      await b.rm([name]);
    }
    const left = leftoverDirs(b);
    if (left.length) throw new Error(`docker rm -f ${name} left ${left.join(", ")} under ${b.d.hostRoot}/default`);
  }
  process.stderr.write("\n");
  return samples;
}
