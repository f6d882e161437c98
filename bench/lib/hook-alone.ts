// Where the milliseconds go: a ladder of commands run on their own, outside runc, on the state
// of a live container (`runc create`d, so its pid and empty netns are real). Each rung adds
// one piece of work to the one before: a process at all (sh), Bun's start (the no-op binary),
// our code loaded (--version), config + state + config.json read (poststop on a bundle that
// is not ours: the do-nothing path), then each real stage. Cases run once per repetition in a
// rotating order; "+ms vs no-op" is the median of per-repetition differences. poststop really
// removes the dir each time, and the dir is re-made (untimed) so the next createRuntime writes
// into it as it would under runc. One extra, untimed run of each case under `strace -f -c`
// counts its syscalls, threads, opened files and fsyncs.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readBundleSpec } from "../../test/e2e/lib/bundle.js";
import { run, runOk } from "../../test/e2e/lib/exec.js";
import type { RuncFixture } from "./runc-fixture.js";
import { countSyscalls, haveStrace, type SyscallCounts } from "./syscalls.js";
import { timeOk } from "./timer.js";

interface Case {
  name: string;
  /** What this rung adds to the rung above it. */
  adds: string;
  cmd: string;
  args: string[];
  input: string;
  after?: () => void;
}

export interface LadderRow {
  name: string;
  adds: string;
  samples: number[];
  /** Per-repetition differences to the no-op binary. */
  overNoop: number[];
  syscalls?: SyscallCounts;
}

export interface HookAlone {
  rows: LadderRow[];
  /** MetadataFileStatus of the file `runc create` made our createRuntime hook write. */
  createdStatus: string;
}

const NOOP = "no-op Bun binary";

/** Measures every case `runs` times after `warmup` discarded repetitions. */
export async function measureHooksAlone(
  fx: RuncFixture,
  bin: string,
  noop: string,
  runs: number,
  warmup = 3,
): Promise<HookAlone> {
  const id = fx.newId();
  const bundle = await fx.bundle(id, ["true"], { "oci-metadata.io/enabled": "true" });
  await runOk(bin, ["inject", "--bundle", bundle, "--id", id], { env: fx.env() });
  // runc create's container inherits runc's stdio: a file, not our pipes (see exec.ts).
  await runOk("runc", fx.runc(["create", "--bundle", bundle, id]), {
    env: fx.env(),
    outputFile: join(fx.work, `${id}.out`),
  });
  try {
    const live = JSON.parse((await runOk("runc", fx.runc(["state", id]), { env: fx.env() })).stdout) as Record<
      string,
      unknown
    >;
    const state = (status: string, pid?: unknown, b = live.bundle) =>
      JSON.stringify({ ociVersion: "1.0.2", id, status, pid, bundle: b, annotations: live.annotations ?? {} });
    const mount = (readBundleSpec(bundle).mounts as { destination: string; source: string }[]).find((m) =>
      m.destination.startsWith("/ecs/metadata/"),
    );
    if (!mount) throw new Error(`inject added no /ecs/metadata mount to ${bundle}`);
    const file = JSON.parse(readFileSync(join(mount.source, "ecs-container-metadata.json"), "utf8")) as {
      MetadataFileStatus?: string;
    };
    // A bundle never injected: our hook finds no mount of ours in it and has nothing to do.
    const foreign = await fx.bundle(fx.newId(), ["true"]);
    await checkDoNothingPath(fx, bin, state("stopped", undefined, foreign));
    const hook = (stage: string, input: string, adds: string, after?: () => void): Case => ({
      name: `hook ${stage}`,
      adds,
      cmd: bin,
      args: ["hook", stage, "--engine", "runc"],
      input,
      after,
    });
    const cases: Case[] = [
      {
        name: "sh -c 'cat >/dev/null'",
        adds: "a process at all (fork + exec from node)",
        cmd: "/bin/sh",
        args: ["-c", "cat >/dev/null"],
        input: state("creating", live.pid),
      },
      {
        name: NOOP,
        adds: "Bun's own start (built like the product)",
        cmd: noop,
        args: ["hook", "createRuntime"],
        input: state("creating", live.pid),
      },
      {
        name: "oci-metadata --version",
        adds: "our code loaded, one line printed",
        cmd: bin,
        args: ["--version"],
        input: "",
      },
      {
        name: "hook poststop, not ours",
        adds: "config, OCI state, config.json read; no mount of ours: nothing to do",
        cmd: bin,
        args: ["hook", "poststop", "--engine", "runc"],
        input: state("stopped", undefined, foreign),
      },
      hook("createRuntime", state("creating", live.pid), "netns read, document built, file written (the READY write)"),
      hook("poststart", state("running", live.pid), "the same, status running (opt-in stage)"),
      hook("poststop", state("stopped"), "the container's dir removed", () =>
        mkdirSync(mount.source, { recursive: true, mode: 0o755 }),
      ),
    ];
    const samples = new Map(cases.map((c) => [c.name, [] as number[]]));
    for (let rep = 0; rep < warmup + runs; rep++) {
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(rep + k) % cases.length]!; // rotate so no case always runs first
        const r = await timeOk(c.cmd, c.args, { input: c.input, env: fx.env() });
        if (r.stderr) throw new Error(`${c.name} wrote to stderr: ${r.stderr.trim()}`);
        c.after?.();
        if (rep >= warmup) samples.get(c.name)!.push(r.ms);
      }
    }
    const noopMs = samples.get(NOOP)!;
    const rows: LadderRow[] = [];
    for (const c of cases) {
      const xs = samples.get(c.name)!;
      const syscalls = haveStrace() ? await countSyscalls(fx.work, c.cmd, c.args, c.input, fx.env()) : undefined;
      c.after?.();
      rows.push({ name: c.name, adds: c.adds, samples: xs, overNoop: xs.map((x, i) => x - noopMs[i]!), syscalls });
    }
    return { rows, createdStatus: file.MetadataFileStatus ?? "(none)" };
  } finally {
    await run("runc", fx.runc(["delete", "-f", id]), { env: fx.env() });
  }
}

// A timing of some other path (an error, a real removal) would be meaningless: refuse to go
// on unless the hook says, at debug level, that it had nothing to do.
async function checkDoNothingPath(fx: RuncFixture, bin: string, input: string): Promise<void> {
  const { OCI_METADATA_LOG_FILE: _toStderr, ...env } = fx.env({ OCI_METADATA_LOG_LEVEL: "debug" });
  const r = await run(bin, ["hook", "poststop", "--engine", "runc"], { input, env });
  if (r.code !== 0 || !r.stderr.includes("nothing to do")) {
    throw new Error(
      `hook poststop on a foreign bundle did not take the do-nothing path (exit ${r.code}): ${r.stderr.trim()}`,
    );
  }
}
