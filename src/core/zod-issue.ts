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
      return "expected a string, {\"file\": PATH} or {\"env\": NAME}";
    case "too_small":
      return `expected at least ${String(issue.minimum)}${issue.origin === "string" ? " character(s)" : ""}`;
    default:
      return issue.message === "Invalid input" ? `invalid (${issue.code})` : issue.message;
  }
}

/** "<key path>: expected …, got <value> (<type>)" for the first issue. */
export function describeIssue(issues: readonly z.core.$ZodIssue[], raw: unknown, describe: (v: unknown) => string): string {
  const issue = issues[0]!;
  const key = issue.path.map(String).join(".") || "(root)";
  const got = issue.path.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined), raw);
  return `${key}: ${expectation(issue)}, got ${describe(got)}`;
}
