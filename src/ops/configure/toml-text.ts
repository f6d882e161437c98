// Small edits to an engine's main TOML file that keep its comments and layout: a line is
// inserted or removed as text, and the result is then parsed (smol-toml) and compared with
// the intended value. When the text edit does not give exactly that value, the file is
// re-serialised from the parsed value instead (comments are lost then; the caller says so).
// Pure.
import { parse, stringify, type TomlTable } from "smol-toml";
import { OciMetadataError } from "../../core/errors.js";

/** Parses TOML, naming the file in the error. */
export function parseTomlFile(text: string | undefined, path: string): TomlTable {
  if (text === undefined || text.trim() === "") return {};
  try {
    return parse(text);
  } catch (err) {
    const first = (err as Error).message.split("\n")[0];
    throw new OciMetadataError(
      "config-invalid",
      `reading ${path}: not valid TOML: ${first}; fix it first, configure does not rewrite a file it cannot read`,
    );
  }
}

/** Same TOML value (key order ignored). */
export function sameToml(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The text for `want`: a text edit when it parses to want, else a full re-serialisation. */
export function textFor(want: TomlTable, edited: string | undefined): { text: string; rewritten: boolean } {
  if (edited !== undefined) {
    try {
      if (sameToml(parse(edited), want)) return { text: edited, rewritten: false };
    } catch {
      // fall through to the serialiser
    }
  }
  return { text: `${stringify(want)}\n`, rewritten: true };
}

/** Inserts a top-level `key = value` line: after a top-level `version = N`, else first. */
export function insertTopLevel(text: string, line: string): string {
  const lines = text.split("\n");
  const firstTable = lines.findIndex((l) => /^\s*\[/.test(l));
  const limit = firstTable === -1 ? lines.length : firstTable;
  const version = lines.slice(0, limit).findIndex((l) => /^\s*version\s*=/.test(l));
  lines.splice(version === -1 ? 0 : version + 1, 0, line);
  return lines.join("\n");
}

/** Adds `entry` last in a top-level `imports = [...]` array (one line or several). */
export function appendToImports(text: string, entry: string): string {
  return text.replace(
    /^(\s*imports\s*=\s*\[)([^\]]*?)(,?\s*)(\])/m,
    (_m, open: string, items: string, _sep: string, close: string) =>
      items.trim() === ""
        ? `${open}${JSON.stringify(entry)}${close}`
        : `${open}${items}, ${JSON.stringify(entry)}${close}`,
  );
}

/** Removes `entry` from a top-level imports array (the whole line when it was the only one). */
export function removeFromImports(text: string, entry: string): string {
  const quoted = escapeRe(JSON.stringify(entry));
  const only = new RegExp(`^[ \\t]*imports[ \\t]*=[ \\t]*\\[\\s*${quoted}\\s*,?\\s*\\][ \\t]*\\n?`, "m");
  if (only.test(text)) return text.replace(only, "");
  return text.replace(new RegExp(`${quoted}\\s*,\\s*|,\\s*${quoted}`), "");
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v !== "object" || v === null) return v;
  if (typeof (v as { toISOString?: unknown }).toISOString === "function") return String(v);
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
  );
}
