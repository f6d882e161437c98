// A minimal, deterministic ustar writer for the image builder: regular files, directories and
// symlinks, every entry owned by 0:0 with one fixed mtime, entries in the order given. No
// dependency on the host's tar (GNU tar adds PAX headers with atime/ctime unless told not to),
// so the same inputs always give the same bytes, hence the same digests.
//
// Invariants: names are relative POSIX paths without "..", at most 100 bytes, or split into
// prefix (≤ 155) + name (≤ 100) at a "/"; sizes fit the 11 octal digits of ustar (< 8 GiB).

const BLOCK = 512;

export type TarEntry =
  | { type: "file"; path: string; mode: number; data: Uint8Array }
  | { type: "dir"; path: string; mode: number }
  | { type: "symlink"; path: string; target: string };

/** A tar archive of `entries` (then two zero blocks), all with `mtime` (seconds since epoch). */
export function tar(entries: readonly TarEntry[], mtime: number): Buffer {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const size = e.type === "file" ? e.data.length : 0;
    parts.push(header(e, size, mtime));
    if (e.type === "file") {
      parts.push(e.data);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad > 0) parts.push(new Uint8Array(pad));
    }
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return Buffer.concat(parts);
}

// One 512-byte ustar header.
function header(e: TarEntry, size: number, mtime: number): Uint8Array {
  const h = Buffer.alloc(BLOCK);
  const path = e.type === "dir" && !e.path.endsWith("/") ? `${e.path}/` : e.path;
  const [prefix, name] = splitName(path);
  h.write(name, 0, 100, "utf8");
  octal(h, 100, 8, e.type === "symlink" ? 0o777 : e.mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h.write(e.type === "file" ? "0" : e.type === "dir" ? "5" : "2", 156, 1, "ascii");
  if (e.type === "symlink") {
    if (Buffer.byteLength(e.target) > 100) throw new Error(`tar: link target too long: ${e.target}`);
    h.write(e.target, 157, 100, "utf8");
  }
  h.write("ustar\u000000", 257, 8, "binary"); // magic "ustar\0" + version "00"
  h.write("root", 265, 32, "ascii"); // uname
  h.write("root", 297, 32, "ascii"); // gname
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, 8, "binary");
  return h;
}

// Splits a path into ustar's prefix and name fields.
function splitName(path: string): [string, string] {
  if (path.startsWith("/") || path.split("/").includes(".."))
    throw new Error(`tar: path must be relative without "..": ${path}`);
  if (Buffer.byteLength(path) <= 100) return ["", path];
  const cut = path.lastIndexOf("/", path.length - 2);
  const prefix = path.slice(0, cut);
  const name = path.slice(cut + 1);
  if (cut < 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(name) > 100)
    throw new Error(`tar: path too long: ${path}`);
  return [prefix, name];
}

// Writes `value` as zero-padded octal with a terminating NUL.
function octal(h: Buffer, at: number, width: number, value: number): void {
  const s = value.toString(8);
  if (s.length > width - 1) throw new Error(`tar: ${value} does not fit ${width - 1} octal digits`);
  h.write(`${s.padStart(width - 1, "0")}\u0000`, at, width, "ascii");
}
