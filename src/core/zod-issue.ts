// zod/mini carries no locale, so its issue messages say only "Invalid input"; this turns an
// issue into the "key: expected …" wording every validation error of ours uses.
import type * as z from "zod/mini";

/** "expected …" text for one issue. */
export function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_value":
      return `expected one of ${issue.values.map(String).join("|")}`;
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "unrecognized_keys":
      return `unknown key(s) ${issue.keys.join(", ")}`;
    case "invalid_union":
      return 'expected a string, {"file": PATH} or {"env": NAME}';
    case "too_small":
      return `expected at least ${String(issue.minimum)}${issue.origin === "string" ? " character(s)" : ""}`;
    default:
      return issue.message === "Invalid input" ? `invalid (${issue.code})` : issue.message;
  }
}

/** "<key path>: expected …, got <value> (<type>)" for the first issue; an unknown key gets a
 * "did you mean" from the keys `schema` has at that place, when one is close. */
export function describeIssue(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  describe: (v: unknown) => string,
  schema?: unknown,
): string {
  const issue = issues[0]!;
  const key = issue.path.map(String).join(".") || "(root)";
  if (issue.code === "unrecognized_keys") {
    const known = keysAt(schema, issue.path);
    const each = issue.keys.map((k) => {
      const near = didYouMean(k, known);
      return `${JSON.stringify(k)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ""}`;
    });
    return `${key}: unknown key${each.length > 1 ? "s" : ""} ${each.join(", ")}${known.length ? `; known: ${known.join(", ")}` : ""}`;
  }
  const got = issue.path.reduce<unknown>(
    (v, k) => (typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    raw,
  );
  return `${key}: ${expectation(issue)}, got ${describe(got)}`;
}

type Def = { shape?: Record<string, unknown>; innerType?: unknown };

/** The keys of the object schema at `path` (through default/prefault/optional wrappers). */
export function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let node = unwrap(schema);
  for (const k of path) node = unwrap(node?.shape?.[String(k)]);
  return node?.shape ? Object.keys(node.shape) : [];
}

function unwrap(schema: unknown): Def | undefined {
  let def = (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
  for (let i = 0; i < 5 && def && !def.shape && def.innerType; i++)
    def = (def.innerType as { _zod?: { def?: Def } })._zod?.def;
  return def;
}

/** The candidate a typo most likely meant: same letters ignoring case, '-' and '_', or at most
 * two edits away (and fewer than half the word). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const same = candidates.find((c) => norm(c) === norm(word));
  if (same) return same;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(norm(word), norm(c));
    if (d <= 2 && d < word.length / 2 && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

// Levenshtein distance, one row at a time.
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
