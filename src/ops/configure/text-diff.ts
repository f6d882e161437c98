// A unified diff of two texts, for `configure --dry-run`: what would change, line by line.
// Pure. Line-level LCS (engine config files are small: a few hundred lines at most), hunks
// with 3 lines of context, the `--- a` / `+++ b` / `@@ -l,n +l,n @@` shape diff(1) prints.

const CONTEXT = 3;

type Op = { kind: " " | "-" | "+"; line: string; a: number; b: number };

/** `diff -u` of before → after (undefined = file absent); "" when they are equal. */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  const head = `--- ${before === undefined ? "/dev/null" : path}\n+++ ${after === undefined ? "/dev/null" : path}\n`;
  return head + hunks(ops).join("");
}

function splitLines(text: string | undefined): string[] {
  if (text === undefined || text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

// Longest common subsequence table, then a walk that emits keep/remove/add operations.
function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: " ", line: a[i]!, a: i++, b: j++ });
    else if (j < m && (i === n || lcs[i]![j + 1]! > lcs[i + 1]![j]!))
      ops.push({ kind: "+", line: b[j]!, a: i, b: j++ });
    else ops.push({ kind: "-", line: a[i]!, a: i++, b: j });
  }
  return ops;
}

// Groups changes less than 2*CONTEXT unchanged lines apart into one @@ hunk with CONTEXT around.
function hunks(ops: Op[]): string[] {
  const changed = ops.flatMap((o, i) => (o.kind === " " ? [] : [i]));
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * CONTEXT) last[1] = i;
    else groups.push([i, i]);
  }
  return groups.map(([first, lastChange]) => {
    const slice = ops.slice(Math.max(0, first - CONTEXT), Math.min(ops.length, lastChange + CONTEXT + 1));
    const aLen = slice.filter((o) => o.kind !== "+").length;
    const bLen = slice.filter((o) => o.kind !== "-").length;
    const aStart = aLen === 0 ? slice[0]!.a : slice[0]!.a + 1;
    const bStart = bLen === 0 ? slice[0]!.b : slice[0]!.b + 1;
    return `@@ -${aStart},${aLen} +${bStart},${bLen} @@\n${slice.map((o) => `${o.kind}${o.line}\n`).join("")}`;
  });
}
