// Opening hostRoot: walked from "/" one component at a time, each opened inside the one above
// with O_NOFOLLOW, each checked with fstat on its handle. Everything below the root is then
// reached from the handle this returns. Refused, with one line naming the reason
// (code `root-unsafe`):
//  - any component that is a symlink, the root's own or a parent's: a container given a dir
//    above the root read-write could otherwise swap that parent for a symlink and move the
//    whole store anywhere on the host (give hostRoot as a real path);
//  - a root not owned by root (or by the user we run as), or writable by group or others;
//  - a dir above the root that someone else could rename entries in: not owned by root (or
//    us), or group/other-writable without the sticky bit (sticky /tmp is fine: others cannot
//    rename root's entries there);
//  - a component that is not a directory.
// Missing components are created (0755 by fchmod) only by createRoot. The walk goes through
// /proc/self/fd, so /proc must be mounted: the one place that says so in an error.
import { existsSync, fstatSync, type Stats } from "node:fs";
import { OciMetadataError } from "../core/errors.js";
import { DirHandle, errno, makeChild } from "./files.js";

/** Opens the root; undefined when it does not exist. Throws `root-unsafe` for the cases above. */
export function openRoot(root: string): DirHandle | undefined {
  return walk(root, false, "opening");
}

/** Opens the root, creating it and its missing parents (0755) first when needed. */
export function createRoot(root: string): DirHandle {
  const handle = walk(root, true, "creating");
  if (!handle) throw new OciMetadataError("internal", `creating the metadata root ${root}: not created`);
  return handle;
}

// (1) split the absolute path, (2) open "/", (3) for each component: open it inside the held
// parent without following (mkdir first when creating and missing), (4) check it by fstat.
function walk(root: string, create: boolean, doing: string): DirHandle | undefined {
  const refuse = (why: string) => new OciMetadataError("root-unsafe", `${doing} the metadata root ${root}: ${why}`);
  const parts = root.split("/").filter((p) => p !== "" && p !== "."); // (1)
  if (!root.startsWith("/") || parts.includes("..")) throw refuse("not an absolute path without `..`");
  if (parts.length === 0) throw refuse("is the filesystem root; give a dir of its own");
  let dir = DirHandle.open("/", { follow: true }); // (2)
  try {
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const next = openPart(dir, parts[i] ?? "", create, refuse, last); // (3)
      dir.close();
      if (!next) return undefined;
      dir = next;
      const why = problem(fstatSync(dir.fd), last); // (4)
      if (why) throw refuse(last ? why : `the dir above it ${dir.path} is ${why}`);
    }
    return dir;
  } catch (err) {
    dir.close();
    throw err;
  }
}

function openPart(
  dir: DirHandle,
  name: string,
  create: boolean,
  refuse: (why: string) => OciMetadataError,
  last: boolean,
): DirHandle | undefined {
  try {
    try {
      return dir.child(name);
    } catch (err) {
      if (errno(err) !== "ENOENT" || !create || !existsSync("/proc/self/fd")) throw err;
      return makeChild(dir, name).handle; // mkdir, or find it made meanwhile
    }
  } catch (err) {
    if (errno(err) === "ENOENT" && !existsSync("/proc/self/fd")) {
      throw refuse("the store works through /proc/self/fd: is /proc mounted?");
    }
    if (errno(err) === "ENOENT" && !create) return undefined;
    if (err instanceof OciMetadataError && err.code === "symlink-refused") {
      throw refuse(
        `${last ? "is" : `the dir above it ${dir.pathOf(name)} is`} a symlink; set hostRoot to the real path`,
      );
    }
    if (err instanceof OciMetadataError && err.code === "path-escape") {
      throw refuse("it or a dir above it is not a directory");
    }
    throw err;
  }
}

// Why a dir is not safe to be the root (or, stickyIsFine, to hold it); undefined when it is.
function problem(st: Stats, isRoot: boolean): string | undefined {
  const euid = process.geteuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== euid) return `owned by uid ${st.uid}, not root`;
  const mode = st.mode & 0o7777;
  if ((mode & 0o022) !== 0 && (isRoot || (mode & 0o1000) === 0)) {
    return `writable by group or others (mode ${mode.toString(8).padStart(4, "0")})`;
  }
  return undefined;
}
