// What an OCI runtime (runc, crun) knows about a container instance, read from its state dir
// the way the runtime itself decides its status: runc keeps `<root>/<id>/state.json` with the
// init process's pid and start time, crun `<root>/<id>/status` with `pid` and
// `process-start-time`. The instance is alive while a process with that pid *and* that start
// time exists (a recycled pid has another start time); otherwise it is stopped (`runc kill`
// without `delete`), and with no state dir the runtime does not know it at all. Read-only.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseJsonObject } from "../core/json.js";

/** The runtime's answer for one container id. */
export type InstanceState = { kind: "live" | "stopped"; root: string; pid: number } | { kind: "absent" };

/** Runtime state roots as runc, crun, containerd's shim and dockerd use them by default;
 * `<root>/*` entries are expanded one level (containerd namespaces, Docker runtimes). */
export const DEFAULT_RUNTIME_ROOTS: readonly string[] = [
  "/run/runc",
  "/run/crun",
  "/run/containerd/runc/*",
  "/run/docker/runtime-runc/*",
  "/run/docker/runtime-crun/*",
];

const ID = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,1023}$/;

/** Looks the container up in every root; the first state found answers. */
export async function readInstance(id: string, roots: readonly string[], proc = "/proc"): Promise<InstanceState> {
  if (!ID.test(id)) return { kind: "absent" };
  for (const root of await expandRoots(roots)) {
    const found = await readStateDir(join(root, id));
    if (!found) continue;
    return { kind: (await processStarted(proc, found.pid, found.start)) ? "live" : "stopped", root, pid: found.pid };
  }
  return { kind: "absent" };
}

/** Expands `dir/*` patterns to the dirs inside `dir`. */
export async function expandRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const root of roots) {
    if (!root.endsWith("/*")) out.push(root);
    else {
      const parent = root.slice(0, -2);
      const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
      for (const e of entries) if (e.isDirectory()) out.push(join(parent, e.name));
    }
  }
  return out;
}

// runc's state.json, else crun's status file; undefined when neither is readable.
async function readStateDir(dir: string): Promise<{ pid: number; start?: number } | undefined> {
  const runc = parseJsonObject(await readFile(join(dir, "state.json"), "utf8").catch(() => ""));
  if (runc && typeof runc.init_process_pid === "number") {
    return { pid: runc.init_process_pid, start: numberOf(runc.init_process_start) };
  }
  const crun = parseJsonObject(await readFile(join(dir, "status"), "utf8").catch(() => ""));
  if (crun && typeof crun.pid === "number") return { pid: crun.pid, start: numberOf(crun["process-start-time"]) };
  return undefined;
}

function numberOf(v: unknown): number | undefined {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** True when `pid` exists and (when known) started at `start` (clock ticks since boot). */
export async function processStarted(proc: string, pid: number, start: number | undefined): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const stat = await readFile(`${proc}/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return false;
  // Fields after the command name (which may hold spaces and ")"): [0] is field 3, the state;
  // a zombie or dead init is a stopped container, as runc decides.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return false;
  return start === undefined || Number(fields[19]) === start; // field 22: starttime
}
