// Untrusted names (annotations, container names, pod names) → safe single path segments.
// Invariants of `safeSegment(x)`:
//  - matches SEGMENT_PATTERN: 1..MAX_SEGMENT chars of [A-Za-z0-9._-], never "." or "..",
//    never starting with "." (so it cannot collide with the store's reserved `.tmp-` names);
//  - is x itself when x is already safe, so ordinary names stay readable;
//  - otherwise carries a stable 64-bit hash of x, so two different hostile names never share
//    a dir; a safe name that merely looks hashed (ends in -<16 hex>) is hashed too, so no
//    name can take the verbatim form of another name's hashed one.

/** Longest segment we produce: well under NAME_MAX (255) on every filesystem we target. */
export const MAX_SEGMENT = 100;

/** What a produced (or accepted) segment looks like. */
export const SEGMENT_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/** Maps an untrusted name to a safe, stable, bounded path segment. */
export function safeSegment(name: string): string {
  if (isSafeSegment(name) && !HASHED_FORM.test(name)) return name;
  const cleaned = name
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[.]+/, "_")
    .slice(0, MAX_SEGMENT - 17);
  return `${cleaned || "_"}-${hash64(name)}`;
}

const HASHED_FORM = /-[0-9a-f]{16}$/;

/** Two independent 32-bit FNV-1a hashes (different offset bases): 16 hex digits. */
export function hash64(text: string): string {
  return fnv1a32(text) + fnv1a32(text, 0x050c5d1f);
}

/** True when name may be used as a path segment as it is. */
export function isSafeSegment(name: string): boolean {
  return SEGMENT_PATTERN.test(name);
}

/** 32-bit FNV-1a over the UTF-16 code units, as 8 hex digits (pure, no crypto needed). */
export function fnv1a32(text: string, basis = 0x811c9dc5): string {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
