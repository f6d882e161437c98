// Path arithmetic for both target platforms, without node:path (core does no I/O and must
// compute Windows paths on Linux). Segments joined here are already safe (names.ts).

export type Platform = "linux" | "windows";

/** Joins a root and safe segments with the platform's separator, without doubling it. */
export function joinPath(platform: Platform, root: string, ...segments: string[]): string {
  const sep = platform === "windows" ? "\\" : "/";
  const base = platform === "windows" ? root.replace(/\//g, "\\") : root;
  if (segments.length === 0) return base;
  const head = base.replace(/[\\/]+$/, "");
  return [head, ...segments].join(sep);
}

/** Normalises an absolute POSIX path: collapses `//`, resolves `.` and `..`, drops a trailing `/`. */
export function normalizePosix(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/** True when `inner` is `outer` or lies below it (both normalised absolute POSIX paths). */
export function isWithin(outer: string, inner: string): boolean {
  const o = normalizePosix(outer);
  const i = normalizePosix(inner);
  return o === "/" || i === o || i.startsWith(`${o}/`);
}

/** The segments of `inner` below `outer`, or undefined when it is not below it. */
export function relativeSegments(outer: string, inner: string): string[] | undefined {
  const o = normalizePosix(outer);
  const i = normalizePosix(inner);
  if (!isWithin(o, i)) return undefined;
  const rest = o === "/" ? i.slice(1) : i.slice(o.length + 1);
  return rest === "" ? [] : rest.split("/");
}

/** The directory part of an absolute POSIX path. */
export function dirnamePosix(path: string): string {
  const n = normalizePosix(path);
  const at = n.lastIndexOf("/");
  return at <= 0 ? "/" : n.slice(0, at);
}
