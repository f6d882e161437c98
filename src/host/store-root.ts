// Opening hostRoot, the one path the kernel walks from "/" for the store: the admin's path,
// whose parents may be symlinks. Everything below it is reached from the handle this returns.
// Refused, with one line naming the reason (code `root-unsafe`):
//  - a root that is itself a symlink (its target could be swapped later; give the real path);
//  - a root not owned by root (or by the user we run as), or writable by group or others;
//  - a dir above the root (real path) that someone else could rename entries in: not owned by
//    root (or us), or group/other-writable without the sticky bit (sticky /tmp is fine: others
//    cannot rename root's entries there).
// The store reaches names through /proc/self/fd, so /proc must be mounted: said here, once.
import { fstatSync, readlinkSync, type Stats, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { OciMetadataError, wrap } from "../core/errors.js";
import { DirHandle, errno, makeChild, withDir } from "./files.js";

/** Opens the root; undefined when it does not exist. Throws `root-unsafe` for the cases above. */
export function openRoot(root: string, doing = "opening"): DirHandle | undefined {
  let handle: DirHandle;
  try {
    handle = DirHandle.open(root);
  } catch (err) {
    if (errno(err) === "ENOENT") return undefined;
    throw refusal(root, err, doing);
  }
  return checked(handle, root);
}

/** Opens the root, creating it and its missing parents (0755) first when needed. */
export function createRoot(root: string): DirHandle {
  const handle = openRoot(root, "creating");
  if (handle) return handle;
  makeRoot(root);
  return checked(DirHandle.open(root), root);
}

function checked(handle: DirHandle, root: string): DirHandle {
  try {
    checkRoot(handle, root);
    return handle;
  } catch (err) {
    handle.close();
    throw err;
  }
}

// mkdir the root and its missing parents, each inside the handle of the one above it; the
// deepest existing parent is opened by path (it may be reached through the admin's symlinks).
function makeRoot(path: string): void {
  const missing: string[] = [];
  let found: DirHandle | undefined;
  for (let dir = path; !found; dir = dirname(dir)) {
    try {
      found = DirHandle.open(dir, { follow: true });
    } catch (err) {
      if (errno(err) !== "ENOENT" || dirname(dir) === dir) throw wrap(`creating the metadata root ${path}`, err);
      missing.unshift(basename(dir));
    }
  }
  let handle: DirHandle = found;
  for (const name of missing) handle = withDir(handle, (h) => makeChild(h, name).handle);
  handle.close();
}

function refusal(root: string, err: unknown, doing: string): OciMetadataError {
  if (err instanceof OciMetadataError && err.code === "symlink-refused") {
    return new OciMetadataError(
      "root-unsafe",
      `opening the metadata root ${root}: is a symlink; set hostRoot to the real path`,
    );
  }
  if (err instanceof OciMetadataError && err.code === "path-escape") {
    return new OciMetadataError(
      "root-unsafe",
      `${doing} the metadata root ${root}: it or a dir above it is not a directory`,
    );
  }
  return wrap(`${doing} the metadata root ${root}`, err);
}

function checkRoot(handle: DirHandle, root: string): void {
  const own = problem(fstatSync(handle.fd), false);
  if (own) throw new OciMetadataError("root-unsafe", `opening the metadata root ${root}: ${own}`);
  let real: string;
  try {
    real = readlinkSync(`/proc/self/fd/${handle.fd}`);
  } catch (err) {
    throw wrap(`opening the metadata root ${root}: the store works through /proc/self/fd (is /proc mounted?)`, err);
  }
  for (let dir = dirname(real); ; dir = dirname(dir)) {
    const why = problem(statSync(dir), true);
    if (why)
      throw new OciMetadataError("root-unsafe", `opening the metadata root ${root}: the dir above it ${dir} is ${why}`);
    if (dir === "/") return;
  }
}

// Why a dir is not safe to hold (or to be) the root; undefined when it is.
function problem(st: Stats, stickyIsFine: boolean): string | undefined {
  const euid = process.geteuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== euid) return `owned by uid ${st.uid}, not root`;
  const mode = st.mode & 0o7777;
  if ((mode & 0o022) !== 0 && !(stickyIsFine && (mode & 0o1000) !== 0)) {
    return `writable by group or others (mode ${mode.toString(8).padStart(4, "0")})`;
  }
  return undefined;
}
