// The metadata store: the only code that creates, writes and removes under hostRoot.
// Invariants:
//  - everything lives at <root>/<task>/<container>/<file>; task, container and file are
//    checked segments (names.ts pattern), so no name leaves its dir;
//  - every operation walks from a handle of the root, one segment at a time, and never follows
//    a symlink (files.ts): a dir renamed or swapped for a symlink while we work cannot send a
//    write, a chmod or a removal outside the root; the root itself is checked (store-root.ts);
//  - dirs are 0755, files 0644, whatever the umask (fchmod on the handle); writes are atomic
//    (files.ts) and not fsynced (SYNC_WRITES, docs/design.md);
//  - a container dir is claimed by creating it (mkdir is atomic): two containers that chose
//    the same task and name never share it;
//  - no locking between writers of one container (hooks, the Docker enricher, NRI events):
//    each write leaves a whole file and the last rename wins; a write never re-creates a
//    removed dir, so cleanup wins over a late writer.
// The methods are async for their callers; the calls inside are synchronous (each is a few
// microseconds on a local disk, and a sync call cannot be interleaved with a second
// operation of the same process half-way).
import { fstatSync, lstatSync, readdirSync, type Stats, unlinkSync } from "node:fs";
import { join } from "node:path";
import { OciMetadataError, wrap } from "../core/errors.js";
import { containerIdIn } from "../core/json.js";
import { isSafeSegment } from "../core/names.js";
import { relativeSegments } from "../core/paths.js";
import {
  childDirs,
  type DirHandle,
  emptyDir,
  errno,
  makeChild,
  readSmall,
  removeEmptyChild,
  withDir,
  writeAtomic,
} from "./files.js";
import { createRoot, openRoot } from "./store-root.js";

/** The prefix of the store's temp files (files.ts); no safe segment starts with ".". */
const TEMP_PREFIX = ".tmp-";

/** What gc needs to know about one slot (MetadataStore.survey). */
export interface SlotSurvey {
  text: string;
  /** the newest mtime of the dir and its file */
  changedMs: number;
  /** the file's own mtime (0 when there is none) */
  fileChangedMs: number;
  /** st_dev of the slot dir (to find its mounts in /proc/<pid>/mountinfo) */
  dev: number;
  temps: { name: string; changedMs: number }[];
}

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
    if (segments?.length !== 2 || !segments.every(isSafeSegment)) {
      throw new OciMetadataError(
        "path-escape",
        `locating ${JSON.stringify(hostDir)}: not a container dir under ${this.root}`,
      );
    }
    return { task: segments[0]!, name: segments[1]! };
  }

  /** Claims the slot for container `id`: true when this call created its dir, or the dir's
   * file already names `id` (a repeated prepare); false when another container holds it. */
  async claim(slot: Slot, file: string, id: string): Promise<boolean> {
    return this.makeDir(slot, (dir, created) => created || containerIdIn(readSmall(dir, file)) === id);
  }

  /** Atomically replaces <slot>/<file> with data; the slot's dir must exist. */
  async write(slot: Slot, file: string, data: string): Promise<void> {
    await this.writeUnlessSame(slot, file, data, () => false);
  }

  /** write(), unless the file there now is `same` as data (then false, nothing written): the
   * look and the write in one held dir, one walk from the root. */
  async writeUnlessSame(slot: Slot, file: string, data: string, same: (old: string) => boolean): Promise<boolean> {
    if (!isSafeSegment(file))
      throw new OciMetadataError("path-escape", `writing ${JSON.stringify(file)}: not a plain file name`);
    const path = this.pathOf(slot, file);
    let dir: DirHandle | undefined;
    try {
      dir = this.openSlot(slot);
    } catch (err) {
      throw wrap(`writing ${path}`, err);
    }
    if (!dir) throw new OciMetadataError("io", `writing ${path}: ENOENT: no metadata root ${this.root}`);
    return withDir(dir, (d) => {
      const old = readSmall(d, file);
      if (old !== "" && same(old)) return false;
      writeAtomic(d, file, data);
      return true;
    });
  }

  /** Removes <slot> with its files, then the task dir if that left it empty. */
  async remove(slot: Slot): Promise<void> {
    this.removeSlot(slot);
  }

  /** Removes <slot> as remove() does, but only while its file names container `id` (a new
   * container of the same name may hold the dir by the time a stopped one is deleted). A slot
   * that is missing, or not a plain dir (a symlink, a file), is left alone as a reader would
   * find nothing there. True when removed. */
  async removeIfNamed(slot: Slot, file: string, id: string): Promise<boolean> {
    return this.removeSlot(slot, (d) => isSafeSegment(file) && containerIdIn(readSmall(d, file)) === id);
  }

  // One walk from the root: the slot dir is emptied through the handle `ours` looked at, then
  // removed by name in its parent, then the task dir if that left it empty. Without `ours`
  // anything in the way is an error; with it, a slot it cannot confirm is left alone.
  private removeSlot(slot: Slot, ours?: (dir: DirHandle) => boolean): boolean {
    const path = this.pathOf(slot);
    try {
      const root = openRoot(this.root);
      if (!root) return false;
      return withDir(root, (r) => {
        const task = openIfThere(r, slot.task, ours !== undefined);
        if (!task) return false;
        const removed = withDir(task, (t) => {
          const dir = openIfThere(t, slot.name, ours !== undefined);
          if (!dir) return false;
          const confirmed = withDir(dir, (d) => {
            if (ours && !ours(d)) return false;
            emptyDir(d);
            return true;
          });
          if (!confirmed) return false;
          // A writer of this container may have slipped a temp file in since: empty it again.
          if (!removeEmptyChild(t, slot.name)) removeChildTree(t, slot.name);
          return true;
        });
        if (removed || !ours) removeEmptyChild(r, slot.task);
        return removed;
      });
    } catch (err) {
      throw wrap(`removing ${path}`, err);
    }
  }

  /** Every slot present in the store (for show and reconciliation). */
  async list(): Promise<Slot[]> {
    const out: Slot[] = [];
    this.eachSlot((slot) => void out.push(slot));
    return out;
  }

  /** Every slot with its file's text ("" when the file is missing or not a plain file). */
  async readAll(file: string): Promise<{ slot: Slot; text: string }[]> {
    const out: { slot: Slot; text: string }[] = [];
    this.eachSlot((slot, dir) => void out.push({ slot, text: readSmall(dir, file) }));
    return out;
  }

  /** True when the slot's dir exists (as a real dir). */
  async has(slot: Slot): Promise<boolean> {
    const dir = this.tryOpenSlot(slot);
    dir?.close();
    return dir !== undefined;
  }

  /** The text of a slot's file ("" when missing). */
  async read(slot: Slot, file: string): Promise<string> {
    const dir = this.tryOpenSlot(slot);
    return dir && isSafeSegment(file) ? withDir(dir, (d) => readSmall(d, file)) : "";
  }

  /** Slots whose file names this container id (poststop fallback when config.json is gone). */
  async findByContainerId(file: string, id: string): Promise<Slot[]> {
    return (await this.readAll(file))
      .filter((e) => e.text.includes(JSON.stringify(id)) && containerIdIn(e.text) === id)
      .map((e) => e.slot);
  }

  /** gc's view of a slot (gc addition): its file's text, when the dir or file last changed
   * (mtime: a container cannot touch it, its mount is read-only), the dir's device, and its
   * `.tmp-` files; undefined when the slot is not there. */
  async survey(slot: Slot, file: string): Promise<SlotSurvey | undefined> {
    const dir = this.tryOpenSlot(slot);
    if (!dir) return undefined;
    return withDir(dir, (d) => {
      const st = fstatSync(d.fd);
      const fileStat = isSafeSegment(file) ? lstatIfThere(d, file) : undefined;
      const temps: SlotSurvey["temps"] = [];
      for (const name of readdirSync(d.at(""))) {
        if (!name.startsWith(TEMP_PREFIX)) continue;
        const t = lstatIfThere(d, name);
        if (t?.isFile()) temps.push({ name, changedMs: t.mtimeMs });
      }
      const fileChangedMs = fileStat?.mtimeMs ?? 0;
      return {
        text: readSmall(d, file),
        changedMs: Math.max(st.mtimeMs, fileChangedMs),
        fileChangedMs,
        dev: st.dev,
        temps,
      };
    });
  }

  /** Removes one `.tmp-` file of a slot, inside the held dir (a killed writer's leftover; gc
   * addition); gone already is fine. */
  async removeTemp(slot: Slot, name: string): Promise<void> {
    if (!name.startsWith(TEMP_PREFIX) || name.includes("/")) {
      throw new OciMetadataError("path-escape", `removing ${JSON.stringify(name)}: not a temp file name`);
    }
    const dir = this.tryOpenSlot(slot);
    if (!dir) return;
    withDir(dir, (d) => {
      try {
        if (lstatIfThere(d, name)?.isFile()) unlinkSync(d.at(name));
      } catch (err) {
        if (errno(err) !== "ENOENT") throw wrap(`removing ${d.pathOf(name)}`, err);
      }
    });
  }

  /** True (and the stamp `<root>/<name>` renewed) when the stamp is missing or older than
   * intervalMs: lets callers run something at most once per interval (gc addition). False
   * when there is no root (nothing to do) or the name is taken by anything but a file. */
  async stampDue(name: string, intervalMs: number, now: Date): Promise<boolean> {
    if (!name.startsWith(".") || name.startsWith(TEMP_PREFIX) || name.includes("/")) {
      throw new OciMetadataError("path-escape", `stamping ${JSON.stringify(name)}: not a stamp name`);
    }
    const root = openRoot(this.root);
    if (!root) return false;
    return withDir(root, (r) => {
      const st = lstatIfThere(r, name);
      if (st && (!st.isFile() || now.getTime() - st.mtimeMs < intervalMs)) return false;
      writeAtomic(r, name, `${now.toISOString()}\n`);
      return true;
    });
  }

  /** Path of a slot's dir (no I/O). */
  pathOf(slot: Slot, file?: string): string {
    checkSlot(slot);
    return file ? join(this.root, slot.task, slot.name, file) : join(this.root, slot.task, slot.name);
  }

  // mkdir the root, task and name dirs, each inside the one above; fn gets the name dir's handle
  // and whether this call created it.
  private makeDir<T>(slot: Slot, fn: (dir: DirHandle, created: boolean) => T): T {
    checkSlot(slot);
    for (let attempt = 0; ; attempt++) {
      try {
        return withDir(createRoot(this.root), (root) => {
          const task = makeChild(root, slot.task).handle;
          return withDir(task, (t) => {
            const { handle, created } = makeChild(t, slot.name);
            return withDir(handle, (dir) => fn(dir, created));
          });
        });
      } catch (err) {
        // A concurrent cleanup may remove an empty task dir between our two mkdirs.
        if (errno(err) === "ENOENT" && attempt < 2) continue;
        throw wrap(`creating the metadata dir for ${slot.task}/${slot.name} under ${this.root}`, err);
      }
    }
  }

  // The slot's dir handle: root → task → name, each opened inside the one before; undefined
  // when the root does not exist.
  private openSlot(slot: Slot): DirHandle | undefined {
    checkSlot(slot);
    const root = openRoot(this.root);
    return root && withDir(root, (r) => withDir(r.child(slot.task), (t) => t.child(slot.name)));
  }

  // openSlot for readers: undefined when anything is missing or refused; only an unsafe slot
  // or root is worth an error.
  private tryOpenSlot(slot: Slot): DirHandle | undefined {
    checkSlot(slot);
    try {
      return this.openSlot(slot);
    } catch (err) {
      if (err instanceof OciMetadataError && err.code === "root-unsafe") throw err;
      return undefined;
    }
  }

  // Calls fn for each <task>/<name> dir with safe names, with the name dir's handle.
  private eachSlot(fn: (slot: Slot, dir: DirHandle) => void): void {
    const root = openRoot(this.root);
    if (!root) return;
    withDir(root, (r) => {
      for (const task of childDirs(r).filter(isSafeSegment)) {
        const t = openIfThere(r, task, true);
        if (!t) continue;
        withDir(t, () => {
          for (const name of childDirs(t).filter(isSafeSegment)) {
            const dir = openIfThere(t, name, true);
            if (dir) withDir(dir, (d) => fn({ task, name }, d));
          }
        });
      }
    });
  }
}

function checkSlot(slot: Slot): void {
  if (!isSafeSegment(slot.task) || !isSafeSegment(slot.name)) {
    throw new OciMetadataError("path-escape", `using slot ${JSON.stringify(slot)}: not safe path segments`);
  }
}

// The child dir, or undefined when it is not there (or, with `skipRefused`, not a plain dir).
function openIfThere(dir: DirHandle, name: string, skipRefused = false): DirHandle | undefined {
  try {
    return dir.child(name);
  } catch (err) {
    if (errno(err) === "ENOENT" || (skipRefused && err instanceof OciMetadataError)) return undefined;
    throw err;
  }
}

// Empties the held child dir `name` and rmdirs it by name inside its parent's handle; a writer
// that slipped a temp file in between gets two more tries.
function removeChildTree(parent: DirHandle, name: string): void {
  for (let attempt = 1; ; attempt++) {
    const dir = openIfThere(parent, name);
    if (!dir) return;
    withDir(dir, (d) => emptyDir(d));
    if (removeEmptyChild(parent, name)) return;
    if (attempt >= 3)
      throw new OciMetadataError("io", `removing ${parent.pathOf(name)}: still not empty after ${attempt} tries`);
  }
}

// lstat of `name` inside a held dir (never follows it); undefined when it is not there.
function lstatIfThere(dir: DirHandle, name: string): Stats | undefined {
  try {
    return lstatSync(dir.at(name));
  } catch (err) {
    if (errno(err) === "ENOENT") return undefined;
    throw err;
  }
}
