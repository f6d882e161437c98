// doctor's view of the metadata root and the logs: owner, mode, what lies below it, and
// where log lines go. Read-only: doctor never creates, fixes or removes anything.
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../core/config.js";
import type { Finding } from "./finding.js";

/** hostRoot's state. */
export interface HostRootState {
  path: string;
  exists: boolean;
  owner?: number;
  mode?: string;
  containers: number;
  /** Dirs `oci-metadata gc` would remove (its dry run: the containers are gone). */
  orphans: string[];
}

/** Inspects hostRoot (orphans come from gc's dry run: orphansByGc); problems go to `findings`. */
export function hostRootState(config: Config, findings: Finding[]): HostRootState {
  const path = config.hostRoot;
  const state: HostRootState = { path, exists: false, containers: 0, orphans: [] };
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch {
    return state; // created on the first container; nothing to report
  }
  state.exists = true;
  state.owner = st.uid;
  state.mode = (st.mode & 0o7777).toString(8).padStart(4, "0");
  if (st.isSymbolicLink() || !st.isDirectory()) {
    findings.push({
      scope: "hostRoot",
      problem: `${path} is ${st.isSymbolicLink() ? "a symlink" : "not a directory"}: every write is refused`,
      fix: `mv ${path} ${path}.old (and let oci-metadata create the dir)`,
    });
    return state;
  }
  if (st.uid !== 0)
    findings.push({
      scope: "hostRoot",
      problem: `${path} is owned by uid ${st.uid}, not root`,
      fix: `chown root:root ${path}`,
    });
  if (st.mode & 0o022)
    findings.push({
      scope: "hostRoot",
      problem: `${path} is writable by group or others (mode ${state.mode})`,
      fix: `chmod go-w ${path}`,
    });
  for (const task of list(path)) state.containers += list(join(path, task)).length;
  return state;
}

/** Where log lines go, per door. */
export function logDestinations(config: Config): Record<string, string> {
  const file = config.log.file;
  return {
    hooks: file ?? "stderr: runc/crun put it in their error; podman in its error and conmon's log",
    runtimeWrapper: file ?? "nowhere but runc's --log file (its stdio is the container's): set log.file",
    nriPlugin: file ?? "stderr: journald under the systemd unit (journalctl -u oci-metadata-nri)",
    level: config.log.level,
  };
}

/** The dirs gc would remove now, each with gc's reason (one source: gc's own decision). */
export async function orphansByGc(
  config: Config,
  configPath: string | undefined,
): Promise<{ dir: string; why: string }[]> {
  const [{ runGc }, { contextFor }] = await Promise.all([import("../gc.js"), import("../../steps/context.js")]);
  const report = await runGc(contextFor(config, configPath), { dryRun: true, now: new Date() });
  return report.entries.filter((e) => e.action === "would-remove").map((e) => ({ dir: e.dir, why: e.why }));
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith("."));
  } catch {
    return [];
  }
}
