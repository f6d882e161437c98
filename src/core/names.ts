// Untrusted names (annotations, container names, pod names) → safe single path segments.
// Invariants of `safeSegment(x)`:
//  - matches SEGMENT_PATTERN: 1..MAX_SEGMENT chars of [A-Za-z0-9._-], never "." or "..",
//    never starting with "." (so it cannot collide with the store's reserved `.tmp-` names);
//  - is x itself when x is already safe, so ordinary names stay readable;
//  - otherwise carries a stable hash of x, so two different hostile names never share a dir.

/** Longest segment we produce: well under NAME_MAX (255) on every filesystem we target. */
export const MAX_SEGMENT = 100;

/** What a produced (or accepted) segment looks like. */
export const SEGMENT_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/** Maps an untrusted name to a safe, stable, bounded path segment. */
export function safeSegment(name: string): string {
  if (isSafeSegment(name)) return name;
  const cleaned = name
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[.]+/, "_")
    .slice(0, MAX_SEGMENT - 9);
  return `${cleaned || "_"}-${fnv1a32(name)}`;
}

/** True when name may be used as a path segment as it is. */
export function isSafeSegment(name: string): boolean {
  return SEGMENT_PATTERN.test(name);
}

/** 32-bit FNV-1a over the UTF-16 code units, as 8 hex digits (pure, no crypto needed). */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
