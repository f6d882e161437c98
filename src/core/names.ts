// Untrusted names (annotations, container names, pod names) → safe single path segments.
// Invariants of `safeSegment(x)`:
//  - matches SEGMENT_PATTERN: 1..MAX_SEGMENT chars of [A-Za-z0-9._-], never "." or "..",
//    never starting with "." (so it cannot collide with the store's reserved `.tmp-` names)
//    nor with "-" (a segment is a path in shells and argv: `rm -rf $dir`);
//  - is x itself when x is already safe, so ordinary names stay readable;
//  - otherwise carries a 128-bit SHA-256 prefix of x's UTF-16 code units (lossless, lone
//    surrogates included), so two different hostile names never share a dir — finding a
//    collision costs ~2^64 hashes; a safe name that merely looks hashed (ends in -<16 or 32
//    hex>) is hashed too, so no name can take the verbatim form of another name's hashed one.
import { sha256Hex } from "./sha256.js";

/** Longest segment we produce: well under NAME_MAX (255) on every filesystem we target. */
export const MAX_SEGMENT = 100;

/** What a produced (or accepted) segment looks like. */
export const SEGMENT_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** Maps an untrusted name to a safe, stable, bounded path segment. */
export function safeSegment(name: string): string {
  if (isSafeSegment(name) && !HASHED_FORM.test(name)) return name;
  const cleaned = name
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[.-]+/, "_")
    .slice(0, MAX_SEGMENT - NAME_HASH_HEX - 1);
  return `${cleaned || "_"}-${nameHash(name)}`;
}

/** Hex digits of a name hash (128 bits). */
export const NAME_HASH_HEX = 32;
// Ours, and the 64-bit form of earlier builds.
const HASHED_FORM = /-(?:[0-9a-f]{16}|[0-9a-f]{32})$/;

/** The first 128 bits of SHA-256 over the name's UTF-16 code units (little-endian), as hex. */
export function nameHash(text: string): string {
  const units = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    units[2 * i] = c & 0xff;
    units[2 * i + 1] = c >>> 8;
  }
  return sha256Hex(units).slice(0, NAME_HASH_HEX);
}

/** True when name may be used as a path segment as it is. */
export function isSafeSegment(name: string): boolean {
  return SEGMENT_PATTERN.test(name);
}
