// Everything a runc benchmark creates lives in one temp dir: the busybox rootfs, one bundle
// per container, runc's state (`--root`, so we never see or touch the host's containers) and
// the metadata root. cleanup() deletes every container under that runc root and then the
// dir; it runs from `finally` and on SIGINT/SIGTERM, and is safe to call twice.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeBundle, makeRootfs } from "../../test/e2e/lib/bundle.js";
import { run } from "../../test/e2e/lib/exec.js";
import { benchEnv } from "./env.js";

export interface RuncFixture {
  work: string;
  runcRoot: string;
  /** OCI_METADATA_HOST_ROOT for inject and the hooks. */
  metaRoot: string;
  /** Hook log lines land here, so a hook that fails quietly under runc still shows up. */
  logFile: string;
  /** The environment for inject and runc (which hands it to hooks): our roots, fail policy,
   * the log file, and nothing from the caller's shell (see env.ts). */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** A container id never used before in this run. */
  newId(): string;
  /** A fresh bundle running busybox `args` in a new, empty netns. */
  bundle(id: string, args: string[], annotations?: Record<string, string>): Promise<string>;
  /** `--root <ours> …`: argv for runc. */
  runc(args: string[]): string[];
  cleanup(): Promise<void>;
}

/** Makes the temp dir and rootfs; registers cleanup for signals. */
export function createRuncFixture(tag: string): RuncFixture {
  const work = mkdtempSync(join(tmpdir(), `ocimd-bench-${tag}-`));
  let rootfs: string;
  try {
    rootfs = makeRootfs(work);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  const runcRoot = join(work, "runc");
  const metaRoot = join(work, "meta");
  const logFile = join(work, "hooks.log");
  let seq = 0;
  let cleaned: Promise<void> | undefined;
  const env = (extra: Record<string, string> = {}) =>
    benchEnv({
      OCI_METADATA_HOST_ROOT: metaRoot,
      OCI_METADATA_FAILURE_POLICY: "fail",
      OCI_METADATA_LOG_FILE: logFile,
      ...extra,
    });
  const cleanup = () => (cleaned ??= removeAll(runcRoot, work, env()));
  const onSignal = (sig: NodeJS.Signals) => void cleanup().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  // `on`, not `once`: under tsx, Ctrl-C arrives twice (from the terminal and relayed by tsx's
  // parent), and a second signal with no handler would kill us before cleanup ends.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    work,
    runcRoot,
    metaRoot,
    logFile,
    env,
    newId: () => `ocimd-bench-${process.pid}-${++seq}`,
    bundle: (id, args, annotations) => makeBundle(join(work, "bundles", id), { rootfs, args, annotations }),
    runc: (args) => ["--root", runcRoot, ...args],
    cleanup,
  };
}

// Deletes (killing if needed) every container of our runc root, then the whole temp dir.
// env matters: `delete` runs our poststop hook, which must look under our metadata root.
async function removeAll(runcRoot: string, work: string, env: NodeJS.ProcessEnv): Promise<void> {
  const list = await run("runc", ["--root", runcRoot, "list", "-q"], { env }).catch(() => ({ stdout: "" }));
  for (const id of list.stdout.split("\n").filter(Boolean))
    await run("runc", ["--root", runcRoot, "delete", "-f", id], { env });
  rmSync(work, { recursive: true, force: true });
}
