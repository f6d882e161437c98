// Where the milliseconds go: each hook stage run on its own, outside runc, on the state of a
// live container (`runc create`d, so its pid and empty netns are real), next to a trivial
// `sh` hook and the binary's `--version`. Each case runs once per repetition in a rotating
// order; poststop really removes the dir each time, and the dir is re-made (untimed) so the
// next createRuntime writes into it as it would under runc.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readBundleSpec } from "../../test/e2e/lib/bundle.js";
import { runOk } from "../../test/e2e/lib/exec.js";
import type { RuncFixture } from "./runc-fixture.js";
import { timeOk } from "./timer.js";

interface Case {
  name: string;
  cmd: string;
  args: string[];
  input: string;
  after?: () => void;
}

export interface HookAlone {
  samples: Map<string, number[]>;
  /** MetadataFileStatus of the file `runc create` made our createRuntime hook write. */
  createdStatus: string;
}

/** Measures every case `runs` times after `warmup` discarded repetitions. */
export async function measureHooksAlone(fx: RuncFixture, bin: string, runs: number, warmup = 3): Promise<HookAlone> {
  const id = fx.newId();
  const bundle = await fx.bundle(id, ["true"], { "oci-metadata.io/enabled": "true" });
  await runOk(bin, ["inject", "--bundle", bundle, "--id", id], { env: fx.env() });
  // runc create's container inherits runc's stdio: a file, not our pipes (see exec.ts).
  await runOk("runc", fx.runc(["create", "--bundle", bundle, id]), { env: fx.env(), outputFile: join(fx.work, `${id}.out`) });
  const live = JSON.parse((await runOk("runc", fx.runc(["state", id]), { env: fx.env() })).stdout) as Record<string, unknown>;
  const state = (status: string, pid?: unknown) => JSON.stringify({ ociVersion: "1.0.2", id, status, pid, bundle: live.bundle, annotations: live.annotations ?? {} });
  const mount = (readBundleSpec(bundle).mounts as { destination: string; source: string }[]).find((m) => m.destination.startsWith("/ecs/metadata/"));
  if (!mount) throw new Error(`inject added no /ecs/metadata mount to ${bundle}`);
  const file = JSON.parse(readFileSync(join(mount.source, "ecs-container-metadata.json"), "utf8")) as { MetadataFileStatus?: string };
  const hook = (stage: string, input: string, after?: () => void): Case => ({ name: `hook ${stage}`, cmd: bin, args: ["hook", stage, "--engine", "runc"], input, after });
  const cases: Case[] = [
    { name: "sh -c 'cat >/dev/null'", cmd: "/bin/sh", args: ["-c", "cat >/dev/null"], input: state("creating", live.pid) },
    { name: "oci-metadata --version", cmd: bin, args: ["--version"], input: "" },
    hook("createRuntime", state("creating", live.pid)),
    hook("poststart", state("running", live.pid)),
    hook("poststop", state("stopped"), () => mkdirSync(mount.source, { recursive: true, mode: 0o755 })),
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
  await runOk("runc", fx.runc(["delete", "-f", id]), { env: fx.env() });
  return { samples, createdStatus: file.MetadataFileStatus ?? "(none)" };
}
