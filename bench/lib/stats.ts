// Order statistics for benchmark samples and a markdown table printer. Medians and
// quantiles, not means: process spawns have a long right tail (page cache, scheduler, a
// stray fsync), and one slow run must not move the headline number.

/** Linear-interpolation quantile (the "type 7" estimator of R and numpy), q in [0, 1]. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error("quantile: no samples");
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q} (${typeof q})`);
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The 50% quantile. */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Median and the p10–p90 spread, the numbers every table row shows. */
export interface Summary {
  n: number;
  median: number;
  p10: number;
  p90: number;
}

/** Summarises one variant's samples. */
export function summarize(samples: readonly number[]): Summary {
  return { n: samples.length, median: median(samples), p10: quantile(samples, 0.1), p90: quantile(samples, 0.9) };
}

/** Element-wise a[i] / b[i]: per-round ratios cancel drift that hits both runs of a round. */
export function pairwiseRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`pairwiseRatios: ${a.length} vs ${b.length} samples`);
  return a.map((x, i) => x / b[i]!);
}

/** Element-wise a[i] - b[i]. */
export function pairwiseDiffs(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`pairwiseDiffs: ${a.length} vs ${b.length} samples`);
  return a.map((x, i) => x - b[i]!);
}

/** Milliseconds with one decimal. */
export const ms = (x: number): string => x.toFixed(1);
/** A ratio such as 1.23×. */
export const times = (x: number): string => `${x.toFixed(2)}×`;

/** A GitHub markdown table; the first column (and any in `left`) left-aligned, the others right-aligned. */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  left: readonly number[] = [],
): string {
  const isLeft = (c: number) => c === 0 || left.includes(c);
  const widths = head.map((h, c) => Math.max(h.length, 3, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, c) => (isLeft(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, c) => (isLeft(c) ? ` ${"-".repeat(w)} ` : ` ${"-".repeat(w - 1)}: `)).join("|")}|`;
  return [line(head), rule, ...rows.map((r) => line(head.map((_, c) => r[c] ?? "")))].join("\n");
}
