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
  /** Container dirs without a metadata file: left behind (gc removes them). */
  orphans: string[];
}

/** Inspects hostRoot; problems go to `findings`. */
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
  for (const task of list(path)) {
    for (const ctr of list(join(path, task))) {
      state.containers++;
      if (!list(join(path, task, ctr)).includes(config.fileName)) state.orphans.push(join(path, task, ctr));
    }
  }
  if (state.orphans.length > 0) {
    findings.push({
      scope: "hostRoot",
      problem: `${state.orphans.length} container dir(s) without a metadata file under ${path} (e.g. ${state.orphans[0]})`,
      fix: "oci-metadata gc",
      warnOnly: true,
    });
  }
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

function list(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith("."));
  } catch {
    return [];
  }
}
