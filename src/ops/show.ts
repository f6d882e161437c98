// `show ID|PATH [--json]`: what a container's metadata file says. PATH may be the file or its
// dir; an ID (or unique prefix, or dir name) is looked up by ContainerID among the files in
// the store. Safe on any tree: special files are never opened for a blocking read (FIFOs,
// devices), corrupt files elsewhere are skipped with a note naming them, and every string
// from a file is printed with its control characters escaped (core/escape.ts). Not found is
// exit 1 (`not-found`), not a usage error.
import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../core/config.js";
import { OciMetadataError } from "../core/errors.js";
import { escapeControl, escapeJsonText } from "../core/escape.js";
import { parseJsonObject } from "../core/json.js";
import type { Context } from "../steps/context.js";

/** Larger files are not ours. */
const MAX_FILE = 1 << 20;

/** What to print: the text (stdout) and notes about skipped files (stderr). */
export interface ShowResult {
  text: string;
  notes: string[];
}

/** Returns the text to print for one container. */
export async function runShow(ctx: Context, target: string, json: boolean): Promise<ShowResult> {
  const notes: string[] = [];
  const { file, doc } = target.includes("/") ? await fromPath(target, ctx.config) : await fromStore(target, ctx, notes);
  const text = json ? `${escapeJsonText(JSON.stringify(doc, null, 2))}\n` : formatHuman(file, doc);
  return { text, notes };
}

// A path the person named: the file, or its dir. Never blocks on a special file.
async function fromPath(target: string, config: Config): Promise<{ file: string; doc: Record<string, unknown> }> {
  for (const file of [target, join(target, config.fileName)]) {
    const read = await readRegular(file);
    if (read.kind === "dir") continue;
    if (read.kind === "missing") break;
    if (read.kind !== "file")
      throw new OciMetadataError("not-found", `show ${escapeControl(file)}: not a regular file`);
    const doc = parseJsonObject(read.text);
    if (!doc) throw new OciMetadataError("spec-invalid", `show ${escapeControl(file)}: not a JSON object`);
    return { file, doc };
  }
  throw new OciMetadataError("not-found", `show ${escapeControl(target)}: no such file or directory`);
}

// An id, id prefix or dir name, looked up in the store; corrupt files are noted and skipped.
async function fromStore(
  target: string,
  ctx: Context,
  notes: string[],
): Promise<{ file: string; doc: Record<string, unknown> }> {
  const { config, store } = ctx;
  const matches: { file: string; doc: Record<string, unknown> }[] = [];
  for (const { slot, text } of await store.readAll(config.fileName)) {
    const file = store.pathOf(slot, config.fileName);
    const doc = parseJsonObject(text);
    if (!doc) {
      notes.push(
        `skipped ${escapeControl(file)}: ${text === "" ? "missing or not a regular file" : "not a JSON object"}`,
      );
      continue;
    }
    const id = typeof doc.ContainerID === "string" ? doc.ContainerID : "";
    if (id === target) return { file, doc };
    if ((id !== "" && id.startsWith(target)) || slot.name === target) matches.push({ file, doc });
  }
  if (matches.length === 1) return matches[0]!;
  const why =
    matches.length === 0
      ? "no container with that id or name"
      : `${matches.length} containers match; give more of the id`;
  throw new OciMetadataError("not-found", `show ${escapeControl(target)}: ${why} under ${config.hostRoot}`);
}

type Read = { kind: "file"; text: string } | { kind: "dir" | "special" | "missing" };

// Opens without blocking (O_NONBLOCK: a FIFO opens at once) and reads only a regular file.
async function readRegular(path: string): Promise<Read> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (st.isDirectory()) return { kind: "dir" };
    if (!st.isFile() || st.size > MAX_FILE) return { kind: "special" };
    return { kind: "file", text: await handle.readFile("utf8") };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    throw err;
  } finally {
    await handle?.close();
  }
}

// Key: value lines; networks and ports one per line; every string escaped.
function formatHuman(file: string, doc: Record<string, unknown>): string {
  const lines = [`# ${escapeControl(file)}`];
  for (const [key, value] of Object.entries(doc)) {
    if (Array.isArray(value)) {
      lines.push(`${escapeControl(key)}:${value.length === 0 ? " (none)" : ""}`);
      for (const item of value) lines.push(`  - ${inline(item)}`);
    } else lines.push(`${escapeControl(key)}: ${inline(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

function inline(value: unknown): string {
  if (typeof value !== "object" || value === null) return escapeControl(String(value));
  return Object.entries(value)
    .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .map(escapeControl)
    .join(" ");
}
