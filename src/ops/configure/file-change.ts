// Applying configure's edits to engine config files: a backup of a file we do not own, an
// atomic replace (temp file in the same dir, fsync, rename) that keeps the file's mode, and
// removal of files we own. Temp names end in `.tmp`, which no engine's glob picks up
// (hooks.d reads *.json, containerd imports *.toml, CRI-O reads *.conf).
import { constants } from "node:fs";
import { copyFile, mkdir, open, readFile, rename, rmdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { wrap } from "../../core/errors.js";

/** One file's change: after undefined = remove it. */
export interface FileChange {
  path: string;
  before: string | undefined;
  after: string | undefined;
  /** Back the old content up first (files the engine or the admin own). */
  backup: boolean;
  /** Remove the parent dir too when it is empty afterwards (a drop-in dir we created). */
  removeEmptyDir?: boolean;
}

/** A file's text, or undefined when it does not exist. */
export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw wrap(`reading ${path}`, err, "io");
  }
}

/** Applies one change; returns what was done, one line. */
export async function applyChange(c: FileChange, now: Date = new Date()): Promise<string> {
  if (c.before === c.after) return `unchanged ${c.path}`;
  let saved = "";
  if (c.backup && c.before !== undefined) {
    const backup = `${c.path}.bak-oci-metadata-${stamp(now)}-${process.pid}`;
    await copyFile(c.path, backup, constants.COPYFILE_EXCL).catch((err) => {
      throw wrap(`backing up ${c.path}`, err, "io");
    });
    saved = ` (backup: ${backup})`;
  }
  if (c.after === undefined) {
    await unlink(c.path).catch((err) => {
      if ((err as { code?: string }).code !== "ENOENT") throw wrap(`removing ${c.path}`, err, "io");
    });
    if (c.removeEmptyDir) await rmdir(dirname(c.path)).catch(() => undefined);
    return `removed ${c.path}${saved}`;
  }
  await writeAtomic(c.path, c.after);
  return `${c.before === undefined ? "created" : "updated"} ${c.path}${saved}`;
}

// (1) parent dir, (2) temp file with the old mode, (3) write + fsync, (4) rename, (5) fsync dir.
async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 }); // (1)
    const mode = await stat(path).then(
      (s) => s.mode & 0o7777,
      () => 0o644,
    );
    const handle = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      mode,
    ); // (2)
    try {
      await handle.writeFile(text); // (3)
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path); // (4)
    const d = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY); // (5)
    await d.sync().finally(() => d.close());
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw wrap(`writing ${path}`, err, "io");
  }
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}
