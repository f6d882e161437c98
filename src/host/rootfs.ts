// Looks into a container's root filesystem (read only) for what would make the runtime fail
// our mount: a non-directory (file, fifo, socket, device, or a symlink to one) at the mount
// target or any of its parents. runc creates what is missing (MkdirAll inside the rootfs) but
// cannot mount a directory onto a file, and the container would not start.
// Symlinks are resolved the way runc resolves mount targets (SecureJoin): inside the rootfs,
// an absolute link starting again from the rootfs, `..` never above it; nothing is followed
// on the host. Only lstat and readlink are used (blocking: a few calls on the create path);
// nothing is created or changed.
import { lstatSync, readlinkSync, type Stats } from "node:fs";
import { join } from "node:path";

/** Links followed before giving up (as the kernel's MAXSYMLINKS). */
const MAX_LINKS = 40;

/** The first path (as the container sees it) along `target` that exists in `rootfs` as a
 * non-directory, with what it is; undefined when runc can mount at `target`. */
export async function nonDirectoryAlong(
  rootfs: string,
  target: string,
): Promise<{ path: string; kind: string } | undefined> {
  const done: string[] = []; // resolved components, all real dirs in the rootfs
  const todo = target.split("/").filter((c) => c !== "" && c !== ".");
  for (let links = 0; todo.length > 0; ) {
    const comp = todo.shift()!;
    if (comp === "..") {
      done.pop();
      continue;
    }
    const inside = `/${[...done, comp].join("/")}`;
    let st: Stats;
    try {
      st = lstatSync(join(rootfs, inside));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ENOENT") return undefined; // runc creates the rest
      if (code === "ENOTDIR") return { path: `/${done.join("/")}`, kind: "not a directory" };
      throw err;
    }
    if (st.isDirectory()) done.push(comp);
    else if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return { path: inside, kind: "a symlink loop" };
      const link = readlinkSync(join(rootfs, inside));
      if (link.startsWith("/")) done.length = 0;
      todo.unshift(...link.split("/").filter((c) => c !== "" && c !== "."));
    } else return { path: inside, kind: kindOf(st) };
  }
  return undefined;
}

function kindOf(st: { isFile(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isFile()) return "a file";
  if (st.isFIFO()) return "a fifo";
  if (st.isSocket()) return "a socket";
  return "a device";
}
