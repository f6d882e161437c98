// `show ID|PATH [--json]`: what a container's metadata file says. PATH may be the file or its
// dir; an ID (or unique prefix) is looked up by ContainerID among the files in the store.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../core/config.js";
import { OciMetadataError } from "../core/errors.js";
import type { Context } from "../steps/context.js";

/** Returns the text to print for one container. */
export async function runShow(ctx: Context, target: string, json: boolean): Promise<string> {
  const { config } = ctx;
  const file = await resolveFile(target, ctx);
  const text = await readFile(file, "utf8");
  const doc = JSON.parse(text) as Record<string, unknown>;
  return json ? `${JSON.stringify(doc, null, 2)}\n` : formatHuman(file, doc);
}

async function resolveFile(target: string, ctx: Context): Promise<string> {
  const { config, store } = ctx;
  if (target.includes("/")) {
    const st = await stat(target).catch(() => undefined);
    if (st?.isDirectory()) return join(target, config.fileName);
    if (st?.isFile()) return target;
    throw new OciMetadataError("usage", `show ${target}: no such file or directory`);
  }
  const matches: string[] = [];
  for (const slot of await store.list()) {
    const file = store.pathOf(slot, config.fileName);
    const id = await readFile(file, "utf8").then((t) => String((JSON.parse(t) as { ContainerID?: unknown }).ContainerID ?? ""), () => "");
    if (id === target) return file;
    if (id.startsWith(target) || slot.name === target) matches.push(file);
  }
  if (matches.length === 1) return matches[0]!;
  const why = matches.length === 0 ? "no container with that id or name" : `${matches.length} containers match; give more of the id`;
  throw new OciMetadataError("usage", `show ${target}: ${why} under ${config.hostRoot}`);
}

// Key: value lines; networks and ports one per line.
function formatHuman(file: string, doc: Record<string, unknown>): string {
  const lines = [`# ${file}`];
  for (const [key, value] of Object.entries(doc)) {
    if (Array.isArray(value)) {
      lines.push(`${key}:${value.length === 0 ? " (none)" : ""}`);
      for (const item of value) lines.push(`  - ${inline(item)}`);
    } else lines.push(`${key}: ${inline(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

function inline(value: unknown): string {
  if (typeof value !== "object" || value === null) return String(value);
  return Object.entries(value)
    .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
}
