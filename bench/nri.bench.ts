// The oci-metadata NRI plugin (`oci-metadata nri`) on containerd 1.7 and 2.1 in ONE run, one
// private containerd at a time (test/e2e/lib/containerd.ts, via lib/nri-fixture.ts), destroyed
// after its part. Per version:
//  1. CRI CreateContainer + StartContainer + StopContainer + RemoveContainer of a busybox
//     `sleep 3600` container in one pod annotated oci-metadata.io/enabled=true, timed as one
//     unit, with the plugin connected and with it stopped;
//  2. the plugin's memory: VmRSS right after it connected, after every quarter of N containers
//     (create + start + stop + remove, in 4 opted-in pods), 5 s after the last, and VmHWM.
//
// Why part 1 stops and restarts the plugin instead of comparing two pods or two containerds:
// a connected plugin is asked about EVERY container (NRI has no per-pod subscription), so a
// pod that does not opt in still pays the round trips and is no "without"; and a second
// containerd differs in its state, its caches and its share of a 2-core box. So: one
// containerd, one pod, and rounds that alternate between "plugin connected" and "plugin
// stopped" (SIGTERM, until containerd logged `connection to plugin … closed`). Each round is
// a pair, one sample of each, in ABBA order (connected→stopped, stopped→connected, …), so the
// one toggle per pair always falls between its two samples and neither variant is always
// first. After each toggle an untimed container checks the state (connected: its host file
// is READY with its id; stopped: no dir) and takes two one-off costs off the clock: the cold
// first container of a freshly started plugin (a plugin running for days does not pay it per
// container), and, after a stop, containerd's own clean-up: both 1.7 and 2.1 log the closed
// connection at once but keep the plugin listed until a request to it fails (`closing plugin
// …, failed to handle CreateContainer request: ttrpc: closed`, once per stop, reported as
// expected below). The restart's Synchronize and reconciliation finish before anything is
// timed.
// Usage: npm run bench:nri -- [--rounds N (≥10 pairs, default 16)] [--containers N (≥200,
// default 200)]. Markdown on stdout, progress on stderr.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { requireBinary } from "../test/e2e/lib/binary.js";
import { type ContainerdVersion, containerdBinaries } from "../test/e2e/lib/containerd.js";
import { requireTools } from "../test/e2e/lib/guard.js";
import { intFlag } from "./lib/args.js";
import { holdEngineLock } from "./lib/lock.js";
import { type LogMark, memoryOf, type NriBench, startNriBench, stopNriBench } from "./lib/nri-fixture.js";
import { markdownTable, median, ms, pairwiseDiffs, pairwiseRatios, quantile, summarize, times } from "./lib/stats.js";

// Bridges ocimd-cd61/62 (10.92.61-62.0/24): clear of the e2e suites' 17, 21, 41, 42.
const VERSIONS: { version: ContainerdVersion; n: number }[] = [
  { version: "1.7", n: 61 },
  { version: "2.1", n: 62 },
];
const WARMUP = 2;
const RATIO_GOAL = 1.03;
const RSS_GOAL_BYTES = 80e6; // 80 MB, decimal: the stricter reading
const RSS_PODS = 4;
const ON = { "oci-metadata.io/enabled": "true" };
const SLEEP = ["sleep", "3600"];
const CONNECTED = "plugin connected";
const STOPPED = "plugin stopped";

const argv = process.argv.slice(2);
const rounds = intFlag(argv, "--rounds", 16, 10);
const containers = intFlag(argv, "--containers", 200, 200);
const skip = requireTools(
  ["/usr/sbin/runc", "ip", "tar", "/usr/lib/cni/bridge", "/usr/lib/cni/host-local", "/usr/lib/cni/loopback"],
  VERSIONS.filter((v) => !containerdBinaries(v.version)).map((v) => `containerd ${v.version}`),
);
if (skip) {
  console.log(`NRI benchmark skipped: ${skip}`);
  process.exit(0);
}
holdEngineLock(); // engines run below: one engine user at a time
const bin = requireBinary();
// `on`, not `once`: under tsx a Ctrl-C can arrive twice (see lib/runc-fixture.ts).
const onSignal = (sig: NodeJS.Signals) => void stopNriBench().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const sections: string[] = [];
for (const { version, n } of VERSIONS) {
  process.stderr.write(`== containerd ${version}\n`);
  try {
    sections.push(await benchVersion(await startNriBench(bin, version, n)));
  } finally {
    await stopNriBench();
  }
}
console.log(sections.join("\n\n"));

async function benchVersion(b: NriBench): Promise<string> {
  const loadBefore = loadavg()[0]!; // other work on a 2-core box shows in every number: say so
  let seq = 0;
  const next = (what: string) => `${what}-${++seq}`;

  // Part 1: connected vs stopped, one pod, ABBA pairs.
  const marks: LogMark[] = [b.mark()];
  const pod = await b.cd.runPod("bench", { annotations: ON });
  await b.startPlugin();
  await check(b, pod, next("check"), true);
  let connected = true;
  const samples = new Map<string, number[]>([
    [CONNECTED, []],
    [STOPPED, []],
  ]);
  let toggles = 0;
  let stops = 0; // those followed by a check container
  for (let pair = 0; pair < WARMUP + rounds; pair++) {
    process.stderr.write(
      `\rcontainerd ${b.cd.version} create+start+stop+remove: pair ${pair + 1}/${WARMUP + rounds}${pair < WARMUP ? " (warm-up)" : ""}     `,
    );
    for (let k = 0; k < 2; k++) {
      if (k === 1) {
        // The one toggle of the pair, then its untimed check (and first-container) run.
        if (connected) await b.stopPlugin();
        else await b.startPlugin();
        connected = !connected;
        toggles++;
        if (!connected) stops++;
        await check(b, pod, next("check"), connected);
      }
      const took = await cycle(b, pod, next("timed"));
      if (connected && b.pluginPid() === undefined) throw new Error("the plugin exited during a timed container");
      const left = b.leftoverDirs();
      if (left.length) throw new Error(`a removed container left ${left.join(", ")} under ${b.hostRoot}`);
      if (pair >= WARMUP) samples.get(connected ? CONNECTED : STOPPED)!.push(took);
    }
  }
  process.stderr.write("\n");
  if (connected) await b.stopPlugin();
  await b.cd.removePod(pod);
  marks.push(b.mark());

  // Part 2: a fresh plugin process, N containers over RSS_PODS opted-in pods.
  const pid = await b.startPlugin();
  const readings: { when: string; rssBytes: number; hwmBytes: number }[] = [
    { when: "right after it connected (and reconciled)", ...memoryOf(pid) },
  ];
  const pods: string[] = [];
  for (let p = 0; p < RSS_PODS; p++) pods.push(await b.cd.runPod(`rss-${p}`, { annotations: ON, namespace: "bench" }));
  const cycles: number[] = [];
  const quarter = Math.ceil(containers / 4);
  for (let i = 1; i <= containers; i++) {
    if (i % 10 === 0 || i === containers)
      process.stderr.write(`\rcontainerd ${b.cd.version} plugin memory: container ${i}/${containers}     `);
    cycles.push(await cycle(b, pods[i % RSS_PODS]!, next("rss")));
    if (b.pluginPid() !== pid) throw new Error(`the plugin (pid ${pid}) exited during container ${i}`);
    if (i % quarter === 0 || i === containers) readings.push({ when: `after ${i} containers`, ...memoryOf(pid) });
  }
  process.stderr.write("\n");
  const leftAfterRss = b.leftoverDirs();
  const atEnd = memoryOf(pid);
  await new Promise((r) => setTimeout(r, 5000));
  const idle = memoryOf(pid);
  readings.push({ when: `5 s later, idle`, ...idle });
  for (const p of pods) await b.cd.removePod(p);
  const leftAfterPods = b.leftoverDirs();
  await b.stopPlugin();
  marks.push(b.mark());

  const [p1, p2] = [b.trouble(marks[0]!, marks[1]!), b.trouble(marks[1]!, marks[2]!)];
  // containerd dropping a stopped plugin at the next CreateContainer (see the top comment).
  const dropped = (g: string) => /closing plugin \S+, failed to handle CreateContainer request: ttrpc: closed/.test(g);
  const drops = p1.containerd.filter(dropped).reduce((sum, g) => sum + Number(/^(\d+)×/.exec(g)?.[1] ?? 0), 0);
  p1.containerd = p1.containerd.filter((g) => !dropped(g));
  const on = samples.get(CONNECTED)!;
  const off = samples.get(STOPPED)!;
  const ratios = pairwiseRatios(on, off);
  const ratio = median(ratios);
  const head = `containerd ${b.cd.version} (${b.cd.runtimeVersion})`;
  return [
    `### ${head}: CRI create + start + stop + remove of busybox \`sleep 3600\`, plugin connected vs stopped (${rounds} pairs after ${WARMUP} warm-up, ABBA order)`,
    "",
    markdownTable(
      ["variant", "median ms", "p10–p90 ms", `+ms vs stopped`, "× stopped"],
      [
        [
          CONNECTED,
          ms(summarize(on).median),
          `${ms(quantile(on, 0.1))}–${ms(quantile(on, 0.9))}`,
          ms(median(pairwiseDiffs(on, off))),
          times(ratio),
        ],
        [STOPPED, ms(summarize(off).median), `${ms(quantile(off, 0.1))}–${ms(quantile(off, 0.9))}`, ms(0), times(1)],
      ],
    ),
    "",
    `**Verdict (${b.cd.version}, create→remove):** ${ratio <= RATIO_GOAL ? "meets" : "misses"} the goal (≤ ${times(RATIO_GOAL)}): with the plugin connected the four CRI calls take ${times(ratio)} the time without it ` +
      `(median of per-pair ratios; p10–p90 of the ratios ${times(quantile(ratios, 0.1))}–${times(quantile(ratios, 0.9))}; ${ms(median(pairwiseDiffs(on, off)))} ms more, median of per-pair differences). ` +
      `${toggles} plugin stops/starts, each followed by an untimed check container; containerd dropped the stopped plugin at the check's CreateContainer ${drops}× (expected: once per stop, ${stops}×). ` +
      `Plugin log: ${note(p1.plugin)}. containerd log otherwise: ${note(p1.containerd)}.`,
    "",
    `### ${head}: plugin memory over ${containers} containers (create + start + stop + remove, one at a time, ${RSS_PODS} opted-in pods; a fresh plugin process)`,
    "",
    markdownTable(
      ["when", "VmRSS MB", "VmHWM MB (peak so far)"],
      readings.map((r) => [r.when, mb(r.rssBytes), mb(r.hwmBytes)]),
    ),
    "",
    `**Verdict (${b.cd.version}, memory):** ${atEnd.rssBytes <= RSS_GOAL_BYTES ? "meets" : "misses"} the goal (≤ 80 MB): VmRSS ${mb(atEnd.rssBytes)} MB after ${containers} containers ` +
      `(${mb(readings[0]!.rssBytes)} MB right after it connected; ${mb(idle.rssBytes)} MB 5 s later), peak VmHWM ${mb(idle.hwmBytes)} MB. ` +
      `MB = 10⁶ bytes. One container took a median ${ms(median(cycles))} ms (p90 ${ms(quantile(cycles, 0.9))}). ` +
      `Left under hostRoot: ${list(leftAfterRss)} after the containers, ${list(leftAfterPods)} after the pods. Plugin log: ${note(p2.plugin)}. containerd log: ${note(p2.containerd)}. ` +
      `1-min load average: ${loadBefore.toFixed(2)} before this version, ${loadavg()[0]!.toFixed(2)} after.`,
  ].join("\n");
}

// One timed unit: CreateContainer + StartContainer + StopContainer (timeout 0: `sleep` as
// PID 1 ignores SIGTERM, so SIGKILL at once) + RemoveContainer, spawn-free CRI calls.
async function cycle(b: NriBench, pod: string, name: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const id = await b.cd.createContainer(pod, undefined, { name, command: SLEEP });
  await b.cd.startContainer(id);
  await b.cd.stopAndRemove(id, 0);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// Untimed: a container whose host file must be READY with its own id while the plugin is
// connected, and must not exist while it is stopped; its dir must be gone after removal.
async function check(b: NriBench, pod: string, name: string, connected: boolean): Promise<void> {
  const id = await b.cd.createContainer(pod, undefined, { name, command: SLEEP });
  try {
    await b.cd.startContainer(id);
    const dirs = b.leftoverDirs().filter((d) => d.endsWith(`/${name}`));
    if (!connected && dirs.length) throw new Error(`plugin stopped, yet ${name} got ${dirs.join(", ")}`);
    if (connected) {
      if (dirs.length !== 1)
        throw new Error(
          `plugin connected, yet ${name} got ${dirs.length ? dirs.join(", ") : "no dir"} under ${b.hostRoot}`,
        );
      const doc = JSON.parse(readFileSync(join(b.hostRoot, dirs[0]!, "ecs-container-metadata.json"), "utf8")) as Record<
        string,
        unknown
      >;
      if (doc.MetadataFileStatus !== "READY" || doc.ContainerID !== id)
        throw new Error(`${name}: file not READY for ${id}: ${JSON.stringify(doc).slice(0, 300)}`);
    }
  } finally {
    await b.cd.stopAndRemove(id, 0);
  }
  const left = b.leftoverDirs();
  if (left.length) throw new Error(`removing ${name} left ${left.join(", ")} under ${b.hostRoot}`);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function list(xs: string[]): string {
  return xs.length ? xs.join(", ") : "nothing";
}

// "no warn/error lines", or the grouped warn/error lines of one part.
function note(groups: string[]): string {
  return groups.length ? groups.map((g) => `\`${g}\``).join(", ") : "no warn/error lines";
}
