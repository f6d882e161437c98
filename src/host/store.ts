// The metadata store: the only code that creates, writes and removes under hostRoot.
// Invariants:
//  - everything lives at <root>/<task>/<container>/<file>; task, container and file are
//    checked segments (names.ts pattern), so no path leaves the root;
//  - no symlink is followed below the root: every level is lstat-ed, files open O_NOFOLLOW;
//  - dirs are 0755, files 0644, whatever the umask; writes are atomic (files.ts);
//  - a container dir is claimed by creating it (mkdir is atomic): two containers that chose
//    the same task and name never share it;
//  - no locking between writers of one container (hooks, the Docker enricher, NRI events):
//    each write leaves a whole file and the last rename wins; a write never re-creates a
//    removed dir, so cleanup wins over a late writer.
import { chmod, mkdir, readdir, realpath, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { OciMetadataError, wrap } from "../core/errors.js";
import { containerIdIn } from "../core/json.js";
import { isSafeSegment } from "../core/names.js";
import { relativeSegments } from "../core/paths.js";
import { DIR_MODE, readSmallFile, refuseSymlink, writeAtomic } from "./files.js";

/** A container's place in the store. */
export interface Slot {
  task: string;
  name: string;
}

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
    return (await this.makeDir(slot)).dir;
  }

  /** Claims the slot for container `id`: true when this call created its dir, or the dir's
   * file already names `id` (a repeated prepare); false when another container holds it. */
  async claim(slot: Slot, file: string, id: string): Promise<boolean> {
    const { dir, created } = await this.makeDir(slot);
    return created || containerIdIn(await readSmallFile(join(dir, file))) === id;
  }

  /** Atomically replaces <slot>/<file> with data; the slot's dir must exist. */
  async write(slot: Slot, file: string, data: string): Promise<void> {
    if (!isSafeSegment(file)) throw new OciMetadataError("path-escape", `writing ${JSON.stringify(file)}: not a plain file name`);
    const dir = this.pathOf(slot);
    try {
      await refuseSymlink(join(this.root, slot.task));
      await refuseSymlink(dir);
    } catch (err) {
      throw wrap(`writing ${join(dir, file)}`, err);
    }
    await writeAtomic(dir, file, data);
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

  /** Every slot with its file's text ("" when the file is missing or not a plain file). */
  async readAll(file: string): Promise<{ slot: Slot; text: string }[]> {
    const out: { slot: Slot; text: string }[] = [];
    for (const slot of await this.list()) out.push({ slot, text: await readSmallFile(this.pathOf(slot, file)) });
    return out;
  }

  /** True when the slot's dir exists (as a real dir). */
  async has(slot: Slot): Promise<boolean> {
    return refuseSymlink(this.pathOf(slot)).then(() => true, () => false);
  }

  /** The text of a slot's file ("" when missing). */
  async read(slot: Slot, file: string): Promise<string> {
    return readSmallFile(this.pathOf(slot, file));
  }

  /** Slots whose file names this container id (poststop fallback when config.json is gone). */
  async findByContainerId(file: string, id: string): Promise<Slot[]> {
    return (await this.readAll(file)).filter((e) => e.text.includes(JSON.stringify(id)) && containerIdIn(e.text) === id).map((e) => e.slot);
  }

  /** Path of a slot's dir (no I/O). */
  pathOf(slot: Slot, file?: string): string {
    checkSlot(slot);
    return file ? join(this.root, slot.task, slot.name, file) : join(this.root, slot.task, slot.name);
  }

  // mkdir root (-p), task and name dirs; `created` says whether the name dir is new.
  private async makeDir(slot: Slot): Promise<{ dir: string; created: boolean }> {
    checkSlot(slot);
    const root = await this.ensureRoot();
    for (let attempt = 0; ; attempt++) {
      try {
        await plainDir(join(root, slot.task));
        const dir = join(root, slot.task, slot.name);
        return { dir, created: await plainDir(dir) };
      } catch (err) {
        // A concurrent cleanup may remove an empty task dir between our two mkdirs.
        if ((err as { code?: string }).code === "ENOENT" && attempt < 2) continue;
        throw wrap(`creating the metadata dir for ${slot.task}/${slot.name} under ${this.root}`, err);
      }
    }
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

function checkSlot(slot: Slot): void {
  if (!isSafeSegment(slot.task) || !isSafeSegment(slot.name)) {
    throw new OciMetadataError("path-escape", `using slot ${JSON.stringify(slot)}: not safe path segments`);
  }
}

// mkdir that accepts an existing real dir and refuses a symlink or a file in its place;
// returns whether it created the dir.
async function plainDir(path: string): Promise<boolean> {
  let created = true;
  try {
    await mkdir(path, { mode: DIR_MODE });
    await chmod(path, DIR_MODE);
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw err;
    created = false;
  }
  await refuseSymlink(path);
  return created;
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
