// The kernel's view of which host dirs are bind-mounted into a live mount namespace. Every
// container that sees its metadata file has its host dir mounted, whatever engine or runtime
// root made it (private runc roots included), so "mounted somewhere" is the one liveness test
// that no engine can hide from us. gc uses it as its safety net: a mounted dir is never removed.
//
// Invariants:
//  - a dir counts as mounted only when a mount's *root* is exactly that dir (device + path
//    inside its filesystem); a namespace that mounts the whole hostRoot (a DaemonSet pod) does
//    not make every dir look alive;
//  - `complete` is true only when the whole process table is visible (we run in the host's
//    pid namespace: pid 2 is kthreadd); otherwise a dir that is not seen mounted proves nothing;
//  - each mount namespace is read once; a process that exits while we read is skipped, but one
//    we may not read (EACCES, EPERM: no CAP_SYS_PTRACE in a pod) makes the view incomplete —
//    except pid 1, the host's init, which no runtime ever makes a container's process (some
//    sandboxes refuse even root a look at it: this VM's does).
import { readdir, readFile, readlink } from "node:fs/promises";

/** What the kernel shows about mounts, for a set of dirs. */
export interface MountView {
  /** The whole process table was visible: "not mounted" means no live container sees the dir. */
  complete: boolean;
  /** Mount namespaces read. */
  namespaces: number;
  /** True when `dir` is the root of a mount in some live mount namespace. */
  isMounted(dir: string): boolean;
}

interface MountLine {
  dev: string; // "major:minor"
  root: string; // path inside the filesystem
  mountPoint: string; // path as seen by the reading process
}

/** A dir to ask about: its path with no symlink in it and its st_dev (from the store's handle:
 * nothing under hostRoot is opened here). */
export interface DirId {
  path: string;
  dev: number | bigint;
}

/** Reads every live mount namespace once and answers for the given dirs. */
export async function readMountView(dirs: readonly DirId[], proc = "/proc"): Promise<MountView> {
  let complete = await hostPidNamespace(proc);
  // A process gone meanwhile is fine; one we were refused could hold any mount.
  const refused = (entry: string) => (err: unknown) => {
    const code = (err as { code?: string }).code;
    if (code !== "ENOENT" && code !== "ESRCH" && entry !== "1") complete = false;
    return undefined;
  };
  const seen = new Set<string>();
  const keys = new Set<string>();
  for (const entry of await readdir(proc).catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const ns = await readlink(`${proc}/${entry}/ns/mnt`).catch(refused(entry));
    if (!ns || seen.has(ns)) continue;
    const text = await readFile(`${proc}/${entry}/mountinfo`, "utf8").catch(refused(entry));
    if (text === undefined) continue;
    seen.add(ns);
    for (const m of parseMountInfo(text)) keys.add(`${m.dev} ${m.root}`);
  }
  const own = parseMountInfo(await readFile(`${proc}/self/mountinfo`, "utf8").catch(() => ""));
  const dirKeys = new Map<string, string | undefined>();
  for (const dir of dirs) dirKeys.set(dir.path, mountKey(dir, own));
  return {
    complete,
    namespaces: seen.size,
    isMounted: (dir) => {
      const key = dirKeys.get(dir);
      return key !== undefined && keys.has(key);
    },
  };
}

/** Parses /proc/<pid>/mountinfo lines (fields 3, 4, 5: major:minor, root, mount point). */
export function parseMountInfo(text: string): MountLine[] {
  const out: MountLine[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f.length < 5) continue;
    out.push({ dev: f[2]!, root: unescapeMountPath(f[3]!), mountPoint: unescapeMountPath(f[4]!) });
  }
  return out;
}

/** The kernel writes space, tab, newline and backslash in mountinfo paths as \ooo. */
export function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** "major:minor path-inside-its-filesystem" of a dir, from our own mount table (no I/O). */
function mountKey(dir: DirId, own: readonly MountLine[]): string | undefined {
  const real = dir.path;
  const dev = devString(dir.dev);
  // The mount of our namespace that holds the dir: same device, longest mount point prefix.
  const holder = own
    .filter(
      (m) =>
        m.dev === dev && (real === m.mountPoint || real.startsWith(m.mountPoint === "/" ? "/" : `${m.mountPoint}/`)),
    )
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
  if (!holder) return undefined;
  const rest = holder.mountPoint === "/" ? real : real.slice(holder.mountPoint.length);
  const inside = holder.root === "/" ? rest || "/" : `${holder.root}${rest}`;
  return `${dev} ${inside}`;
}

/** Linux dev_t → "major:minor" as mountinfo prints it. */
export function devString(dev: number | bigint): string {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

// In the host's pid namespace the kernel thread daemon is pid 2 with parent 0; in a container's
// pid namespace pid 2 is an ordinary process (or absent).
async function hostPidNamespace(proc: string): Promise<boolean> {
  const status = await readFile(`${proc}/2/status`, "utf8").catch(() => "");
  return /^Name:\s*kthreadd$/m.test(status) && /^PPid:\s*0$/m.test(status);
}
