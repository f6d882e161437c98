// The metadata store: the only code that creates, writes and removes under hostRoot.
// Invariants:
//  - everything lives at <root>/<task>/<container>/<file>; task, container and file are
//    checked segments (names.ts pattern), so no path leaves the root;
//  - no symlink is followed below the root: every level is lstat-ed, files open O_NOFOLLOW;
//  - dirs are 0755, files 0644, whatever the umask;
//  - a write is atomic for readers: (1) temp file `.tmp-*` in the same dir (a reserved prefix
//    that safe segments cannot start with), (2) write, (3) fsync, (4) rename over the target,
//    (5) fsync the dir; a failed step removes its temp file;
//  - no locking: writers of one container are the hooks of that container, which the runtime
//    runs one after another; two writers racing each leave a whole file (last rename wins).
import { constants } from "node:fs";
import { type FileHandle, chmod, lstat, mkdir, open, readdir, readFile, realpath, rename, rm, rmdir, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { OciMetadataError, wrap } from "../core/errors.js";
import { isSafeSegment } from "../core/names.js";
import { relativeSegments } from "../core/paths.js";

/** A container's place in the store. */
export interface Slot {
  task: string;
  name: string;
}

const DIR_MODE = 0o755;
const FILE_MODE = 0o644;

/** Store rooted at an absolute host path. */
export class MetadataStore {
  constructor(readonly root: string) {}

  /** Finds the slot of a host dir; refuses anything that is not exactly <root>/<task>/<name>. */
  slotOf(hostDir: string): Slot {
    const segments = relativeSegments(this.root, hostDir);
    if (!segments || segments.length !== 2 || !segments.every(isSafeSegment)) {
      throw new OciMetadataError("path-escape", `locating ${JSON.stringify(hostDir)}: not a container dir under ${this.root}`);
    }
    return { task: segments[0]!, name: segments[1]! };
  }

  /** Creates <root>/<task>/<name> (and the root) with mode 0755; returns its path. */
  async ensureDir(slot: Slot): Promise<string> {
    checkSlot(slot);
    const root = await this.ensureRoot();
    for (let attempt = 0; ; attempt++) {
      try {
        await ensurePlainDir(join(root, slot.task));
        return await ensurePlainDir(join(root, slot.task, slot.name));
      } catch (err) {
        // A concurrent cleanup may remove an empty task dir between our two mkdirs.
        if ((err as { code?: string }).code === "ENOENT" && attempt < 2) continue;
        throw wrap(`creating the metadata dir for ${slot.task}/${slot.name} under ${this.root}`, err);
      }
    }
  }

  /** Creates the slot's dir and tells whether it is free for container `id`: false when its
   * file already names another container (two workloads chose the same task and name). */
  async claim(slot: Slot, file: string, id: string): Promise<boolean> {
    const dir = await this.ensureDir(slot);
    const text = await readFile(join(dir, file), "utf8").catch(() => "");
    const owner = containerIdOf(text);
    return typeof owner !== "string" || owner === "" || owner === id;
  }

  /** Atomically replaces <slot>/<file> with data (see the numbered steps in the header). */
  async write(slot: Slot, file: string, data: string): Promise<void> {
    if (!isSafeSegment(file)) throw new OciMetadataError("path-escape", `writing ${JSON.stringify(file)}: not a plain file name`);
    let temp: string | undefined;
    let dir = this.pathOf(slot);
    try {
      dir = await this.existingDir(slot);
      const { handle, name } = await createTemp(dir, file); // (1)
      temp = name; // from here on the temp file is ours to remove
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

  /** Removes <slot> with its files, then the task dir if that left it empty. */
  async remove(slot: Slot): Promise<void> {
    checkSlot(slot);
    const taskDir = join(this.root, slot.task);
    const dir = join(taskDir, slot.name);
    try {
      await refuseSymlink(taskDir);
      await refuseSymlink(dir);
      await rm(dir, { recursive: true, force: true }); // rm never follows symlinks inside
      await rmdir(taskDir).catch((err: { code?: string }) => {
        if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST" && err.code !== "ENOENT") throw err;
      });
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return;
      throw wrap(`removing ${dir}`, err);
    }
  }

  /** Every slot present in the store (for show and reconciliation). */
  async list(): Promise<Slot[]> {
    const out: Slot[] = [];
    for (const task of await plainDirs(this.root)) {
      for (const name of await plainDirs(join(this.root, task))) out.push({ task, name });
    }
    return out;
  }

  /** Slots whose file names this container id (poststop fallback when config.json is gone). */
  async findByContainerId(file: string, id: string): Promise<Slot[]> {
    return (await this.readAll(file)).filter((e) => e.text.includes(JSON.stringify(id)) && containerIdOf(e.text) === id).map((e) => e.slot);
  }

  /** Every slot with its file's text ("" when the file is missing or unreadable). */
  async readAll(file: string): Promise<{ slot: Slot; text: string }[]> {
    const out: { slot: Slot; text: string }[] = [];
    for (const slot of await this.list()) out.push({ slot, text: await readFile(this.pathOf(slot, file), "utf8").catch(() => "") });
    return out;
  }

  /** Path of a slot's dir (no I/O). */
  pathOf(slot: Slot, file?: string): string {
    checkSlot(slot);
    return file ? join(this.root, slot.task, slot.name, file) : join(this.root, slot.task, slot.name);
  }

  // The slot's dir must already exist as a real directory.
  private async existingDir(slot: Slot): Promise<string> {
    checkSlot(slot);
    const dir = join(this.root, slot.task, slot.name);
    await refuseSymlink(join(this.root, slot.task));
    await refuseSymlink(dir);
    return dir;
  }

  // The root may itself be reached through symlinks (an admin's choice); below it, none.
  private async ensureRoot(): Promise<string> {
    try {
      // chmod what mkdir created (the umask would narrow it), never a root the admin made.
      const first = await mkdir(this.root, { recursive: true, mode: DIR_MODE });
      if (first) for (let dir = this.root; dir.length >= first.length; dir = dirname(dir)) await chmod(dir, DIR_MODE);
      return await realpath(this.root);
    } catch (err) {
      throw wrap(`creating the metadata root ${this.root}`, err);
    }
  }
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

function checkSlot(slot: Slot): void {
  if (!isSafeSegment(slot.task) || !isSafeSegment(slot.name)) {
    throw new OciMetadataError("path-escape", `using slot ${JSON.stringify(slot)}: not safe path segments`);
  }
}

// mkdir that accepts an existing real dir and refuses a symlink or a file in its place.
async function ensurePlainDir(path: string): Promise<string> {
  try {
    await mkdir(path, { mode: DIR_MODE });
    await chmod(path, DIR_MODE);
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw err;
  }
  await refuseSymlink(path);
  return path;
}

async function refuseSymlink(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) throw new OciMetadataError("symlink-refused", `using ${path}: is a symlink, refusing to follow it`);
  if (!st.isDirectory()) throw new OciMetadataError("path-escape", `using ${path}: is not a directory`);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function containerIdOf(text: string): unknown {
  try {
    return (JSON.parse(text) as { ContainerID?: unknown }).ContainerID;
  } catch {
    return undefined;
  }
}

async function plainDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && isSafeSegment(e.name)).map((e) => e.name);
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return [];
    throw err;
  }
}
