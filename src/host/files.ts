// Directory handles and the file primitives of the metadata store. Everything below the root is
// reached from an open directory, one name at a time, and never through a symlink:
//  - a name is always resolved *inside a held dir* through its magic link
//    `/proc/self/fd/<dirfd>/<name>`: the kernel jumps to the dir the fd holds (no path is
//    walked again, wherever that dir has been renamed to) and looks <name> up there;
//  - dirs open O_DIRECTORY|O_NOFOLLOW, files O_NOFOLLOW (O_PATH first, so a FIFO or a device is
//    typed by fstat before anything opens it for reading); mkdir, rename, unlink and rmdir
//    never follow a final symlink; modes are set with fchmod on the handle;
//  - the same calls run under Node (tests) and Bun (the binary): plain node:fs, no FFI.
// A write is atomic for readers:
//   (1) temp file `.tmp-*` in the held dir (a prefix safe segments cannot start with),
//   (2) write, (3) fchmod 0644, [fsync only when SYNC_WRITES], (4) rename over the target
//   inside the same held dir; a failed step removes the temp file it created.
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { OciMetadataError, wrap } from "../core/errors.js";

export const DIR_MODE = 0o755;
export const FILE_MODE = 0o644;
/** No fsync of files or dirs: the files describe live containers and die with them (a power
 * loss ends those containers too, and gc removes what is left); the rename alone keeps readers
 * from ever seeing a partial file. docs/design.md, "No fsync". */
export const SYNC_WRITES = false;
/** Larger files under the root are not ours. */
const MAX_READ = 1 << 20;
/** Deeper trees under a container dir are not ours; remove refuses to descend further. */
const MAX_DEPTH = 16;
// Linux values (the same on x86-64 and arm64); node:fs has no constants for them. O_PATH: a
// handle that only names the inode. O_CLOEXEC: libuv adds it anyway; said here for Bun.
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW | constants.O_NONBLOCK | O_CLOEXEC;

/** An open directory; names inside it are looked up in it, never re-walked from a path. */
export class DirHandle {
  private constructor(
    readonly fd: number,
    /** The path it was opened as: for messages only, never for I/O. */
    readonly path: string,
  ) {}

  /** Opens a directory by path, refusing a symlink as its last component (unless `follow`). */
  static open(path: string, opts: { follow?: boolean } = {}): DirHandle {
    return new DirHandle(openDirFd(path, path, opts.follow ? DIR_FLAGS & ~constants.O_NOFOLLOW : DIR_FLAGS), path);
  }

  /** Opens the child dir `name` of this dir, refusing a symlink or a non-dir. */
  child(name: string): DirHandle {
    const path = this.pathOf(name);
    return new DirHandle(openDirFd(this.at(name), path), path);
  }

  /** The magic-link path that resolves `name` inside this dir. */
  at(name: string): string {
    return `/proc/self/fd/${this.fd}/${name}`;
  }

  /** The path of `name` inside this dir, for messages. */
  pathOf(name: string): string {
    return this.path.endsWith("/") ? `${this.path}${name}` : `${this.path}/${name}`;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Runs fn on a handle and closes it whatever happens. */
export function withDir<T>(handle: DirHandle, fn: (h: DirHandle) => T): T {
  try {
    return fn(handle);
  } finally {
    handle.close();
  }
}

/** mkdir `name` in dir (0755 by fchmod, whatever the umask) unless it exists; opens it.
 * `created` says whether this call made it. A symlink or a file in its place is refused. */
export function makeChild(dir: DirHandle, name: string): { handle: DirHandle; created: boolean } {
  let created = true;
  try {
    mkdirSync(dir.at(name), DIR_MODE);
  } catch (err) {
    if (errno(err) !== "EEXIST") throw named(err, dir);
    created = false;
  }
  const handle = dir.child(name);
  if (created) fchmodSync(handle.fd, DIR_MODE);
  return { handle, created };
}

/** Atomically replaces dir/file with data (steps in the header), leaving it with `mode`. */
export function writeAtomic(dir: DirHandle, file: string, data: string | Uint8Array, mode = FILE_MODE): void {
  let temp: string | undefined;
  try {
    const { fd, name } = createTemp(dir, file); // (1)
    temp = name;
    try {
      const bytes = typeof data === "string" ? Buffer.from(data) : data;
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off); // (2)
      fchmodSync(fd, mode); // (3)
      if (SYNC_WRITES) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(dir.at(temp), dir.at(file)); // (4)
    temp = undefined;
    if (SYNC_WRITES) fsyncSync(dir.fd);
  } catch (err) {
    if (temp) tryUnlink(dir, temp);
    throw wrap(`writing ${dir.pathOf(file)}`, named(err, dir));
  }
}

/** Atomically replaces `<dirPath>/<name>` with data, leaving it with `mode`: the one atomic
 * writer for files outside the store too (an engine's bundle config.json). The dir is the
 * caller's, opened by path (it may be reached through symlinks); a symlink at `name` is
 * replaced, never written through. */
export function replaceFile(dirPath: string, name: string, data: string | Uint8Array, mode: number): void {
  withDir(DirHandle.open(dirPath, { follow: true }), (dir) => writeAtomic(dir, name, data, mode));
}

/** A small regular file's text; "" when missing, a symlink, not a regular file, or too large.
 * Never opens a FIFO or device for reading (O_PATH + fstat first), so it never blocks. */
export function readSmall(dir: DirHandle, name: string): string {
  let pathFd: number | undefined;
  let fd: number | undefined;
  try {
    pathFd = openSync(dir.at(name), O_PATH | constants.O_NOFOLLOW | O_CLOEXEC);
    const st = fstatSync(pathFd);
    if (!st.isFile() || st.size > MAX_READ) return "";
    fd = openSync(
      `/proc/self/fd/${pathFd}`,
      constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | O_CLOEXEC,
    );
    const buf = Buffer.allocUnsafe(st.size + 1);
    let len = 0;
    for (;;) {
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
      if (len === buf.length) return ""; // grew since fstat: not one of our whole files
    }
    return buf.toString("utf8", 0, len);
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (pathFd !== undefined) closeSync(pathFd);
  }
}

/** Names of the entries of a held dir that are dirs right now (a later open re-checks). */
export function childDirs(dir: DirHandle): string[] {
  return readdirSync(`/proc/self/fd/${dir.fd}`, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

/** Empties a held dir: unlink each entry; a dir is opened (never followed), emptied the same
 * way and rmdir-ed by name inside its parent handle. Never leaves the handle's tree. */
export function emptyDir(dir: DirHandle, depth = 0): void {
  if (depth > MAX_DEPTH)
    throw new OciMetadataError("path-escape", `removing ${dir.path}: deeper than ${MAX_DEPTH} levels`);
  for (const name of readdirSync(`/proc/self/fd/${dir.fd}`)) {
    for (let attempt = 0; ; attempt++) {
      try {
        unlinkSync(dir.at(name)); // a symlink or file goes; a dir fails with EISDIR
        break;
      } catch (err) {
        if (errno(err) === "ENOENT") break;
        if (errno(err) !== "EISDIR" || attempt >= 3) throw named(err, dir);
      }
      let child: DirHandle;
      try {
        child = dir.child(name);
      } catch (err) {
        if (errno(err) === "ENOENT") break;
        if (attempt >= 3) throw err;
        continue; // swapped for a symlink or a file since we looked: look again
      }
      withDir(child, (c) => emptyDir(c, depth + 1));
      try {
        rmdirSync(dir.at(name));
        break;
      } catch (err) {
        if (errno(err) === "ENOENT") break;
        if (attempt >= 3 || !["ENOTEMPTY", "EEXIST", "ENOTDIR"].includes(errno(err) ?? "")) throw named(err, dir);
      }
    }
  }
}

/** rmdir `name` inside dir when it is an empty dir; false when it is not there or not empty. */
export function removeEmptyChild(dir: DirHandle, name: string): boolean {
  try {
    rmdirSync(dir.at(name));
    return true;
  } catch (err) {
    if (["ENOENT", "ENOTEMPTY", "EEXIST", "ENOTDIR"].includes(errno(err) ?? "")) return false;
    throw named(err, dir);
  }
}

/** The errno code of a Node error ("ENOENT"), if any. */
export function errno(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code.startsWith("E") ? code : undefined;
}

/** Says the dir's path instead of its magic link in a Node error's message. */
export function named(err: unknown, dir: DirHandle): unknown {
  if (err instanceof Error && errno(err))
    err.message = err.message.split(`/proc/self/fd/${dir.fd}/`).join(`${dir.path}/`);
  return err;
}

function openDirFd(target: string, path: string, flags = DIR_FLAGS): number {
  try {
    return openSync(target, flags);
  } catch (err) {
    // O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR (ELOOP without O_DIRECTORY); the
    // lstat only picks the message: both are refusals.
    const code = errno(err);
    if (code === "ELOOP" || (code === "ENOTDIR" && isSymlink(target))) {
      throw new OciMetadataError("symlink-refused", `using ${path}: is a symlink, refusing to follow it`);
    }
    if (code === "ENOTDIR") throw new OciMetadataError("path-escape", `using ${path}: is not a directory`);
    if (err instanceof Error && errno(err)) err.message = err.message.split(target).join(path);
    throw err;
  }
}

// Temp names are unique per process (pid + counter); O_EXCL settles any clash with a stale
// file or another pid namespace by trying the next name. (node:crypto would cost the hook
// ~4 ms of start-up in the Bun binary.)
let tempCounter = 0;
function createTemp(dir: DirHandle, file: string): { fd: number; name: string } {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | O_CLOEXEC;
  for (let attempt = 0; ; attempt++) {
    const name = `.tmp-${file}-${process.pid}-${Date.now().toString(36)}-${tempCounter++}`;
    try {
      return { fd: openSync(dir.at(name), flags, FILE_MODE), name };
    } catch (err) {
      if (errno(err) !== "EEXIST" || attempt >= 8) throw err;
    }
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function tryUnlink(dir: DirHandle, name: string): void {
  try {
    unlinkSync(dir.at(name));
  } catch {
    // the failure being reported matters more
  }
}
