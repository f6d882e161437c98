// The host-wide lock every engine test takes (test/run): one engine user at a time, so no
// engine test of another worktree runs in the middle of a benchmark (and a benchmark never
// starts engines in the middle of a test). A scenario run on its own re-runs itself under
// `flock`; run-all takes the lock once for the whole run and its scenarios inherit it.
import { spawnSync } from "node:child_process";

export const E2E_LOCK = "/tmp/oci-metadata-e2e.lock";
const HELD = "OCI_METADATA_E2E_LOCK_HELD";

/** Returns when this process holds the lock; otherwise re-runs it under flock and exits with
 * that run's status. */
export function holdEngineLock(): void {
  if (process.env[HELD] === "1") return;
  process.stderr.write(`waiting for ${E2E_LOCK}...\n`);
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const r = spawnSync("flock", [E2E_LOCK, ...argv], { stdio: "inherit", env: { ...process.env, [HELD]: "1" } });
  if (r.error) throw r.error;
  process.exit(r.status ?? 1);
}
