// File primitives under the metadata root, each safe against what a root-owned tree may
// still contain by mistake or malice: symlinks are never followed, FIFOs never block a read,
// and a write is atomic for readers:
//   (1) temp file `.tmp-*` in the same dir (a prefix safe segments cannot start with),
//   (2) write, (3) fsync, (4) rename over the target, (5) fsync the dir;
//   a failed step removes the temp file it created (never someone else's).
import { constants } from "node:fs";
import { type FileHandle, lstat, open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { OciMetadataError, wrap } from "../core/errors.js";

export const DIR_MODE = 0o755;
export const FILE_MODE = 0o644;
/** Larger files under the root are not ours. */
const MAX_READ = 1 << 20;

/** Atomically replaces dir/file with data (steps above). */
export async function writeAtomic(dir: string, file: string, data: string): Promise<void> {
  let temp: string | undefined;
  try {
    const { handle, name } = await createTemp(dir, file); // (1)
    temp = name;
    try {
      await handle.writeFile(data); // (2)
      await handle.chmod(FILE_MODE);
      await handle.sync(); // (3)
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, file)); // (4)
    temp = undefined;
    await syncDir(dir); // (5)
  } catch (err) {
    if (temp) await unlink(temp).catch(() => undefined);
    throw wrap(`writing ${join(dir, file)}`, err);
  }
}

/** A small regular file's text; "" when it is missing, not a regular file, or too large. */
export async function readSmallFile(path: string): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile() || st.size > MAX_READ) return "";
    return await handle.readFile("utf8");
  } catch {
    return "";
  } finally {
    await handle?.close();
  }
}

/** Throws unless path is a real directory (not a symlink, not a file). */
export async function refuseSymlink(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) throw new OciMetadataError("symlink-refused", `using ${path}: is a symlink, refusing to follow it`);
  if (!st.isDirectory()) throw new OciMetadataError("path-escape", `using ${path}: is not a directory`);
}

// Temp names are unique per process (pid + counter); O_EXCL settles any clash with a stale
// file or another pid namespace by trying the next name. (node:crypto would cost the hook
// ~4 ms of start-up in the Bun binary.)
let tempCounter = 0;
async function createTemp(dir: string, file: string): Promise<{ handle: FileHandle; name: string }> {
  for (let attempt = 0; ; attempt++) {
    const name = join(dir, `.tmp-${file}-${process.pid}-${Date.now().toString(36)}-${tempCounter++}`);
    try {
      return { handle: await open(name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE), name };
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST" || attempt >= 8) throw err;
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
