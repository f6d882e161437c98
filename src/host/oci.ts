// Reads OCI inputs: the container state a runtime passes to hooks on stdin, and a bundle's
// config.json as a raw object (never a typed model: unknown fields must survive an edit).
// A config that is edited is read as a lossless document (core/json-lossless) and written back
// with every byte the edits did not touch (2^64-1 rlimits, key order, unknown fields); the
// hooks, which only read, use JSON.parse. All calls block: a hook or a before-create step does
// one thing at a time, and each fs/promises call is a thread-pool round trip (the first also
// starts the pool).
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRecord } from "../core/container.js";
import { describeValue, OciMetadataError, wrap } from "../core/errors.js";
import { type JsonDoc, parseJsonDoc, renderJsonDoc } from "../core/json-lossless/index.js";
import type { JsonObject } from "../core/spec.js";

export { type OciState, parseState } from "../core/oci-state.js";

/** Reads all of stdin as text. */
export async function readStdin(): Promise<string> {
  // A blocking read of fd 0: creating process.stdin's stream costs more than the whole read.
  return readFileSync(0, "utf8");
}

/** Reads all of stdin as bytes (precreate: its output must keep every byte, valid UTF-8 or not). */
export function readStdinBytes(): Uint8Array {
  return readFileSync(0);
}

/** A config.json to be edited: its plain value (`spec`, edited in place) over its source. */
export interface SpecDoc {
  spec: JsonObject;
  doc: JsonDoc;
}

/** Reads <bundle>/config.json for editing. */
export async function readSpecDoc(bundle: string): Promise<SpecDoc> {
  const path = join(bundle, "config.json");
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw wrap(`reading ${path}`, err);
  }
  return parseSpecDoc(bytes, path);
}

/** Parses config.json bytes for editing; they must hold a JSON object. */
export function parseSpecDoc(bytes: Uint8Array, source = "config.json"): SpecDoc {
  let doc: JsonDoc;
  try {
    doc = parseJsonDoc(bytes);
  } catch (err) {
    throw new OciMetadataError("spec-invalid", `reading ${source}: not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(doc.value)) throw new OciMetadataError("spec-invalid", `reading ${source}: expected a JSON object, got ${describeValue(doc.value)}`);
  return { spec: doc.value, doc };
}

/** Reads <bundle>/config.json as a raw JSON object. */
export async function readSpec(bundle: string): Promise<JsonObject> {
  const path = join(bundle, "config.json");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw wrap(`reading ${path}`, err);
  }
  return parseSpec(text, path);
}

/** Parses config.json text; it must be a JSON object. */
export function parseSpec(text: string, source = "config.json"): JsonObject {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new OciMetadataError("spec-invalid", `reading ${source}: not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(raw)) throw new OciMetadataError("spec-invalid", `reading ${source}: expected a JSON object, got ${describeValue(raw)}`);
  return raw;
}

/** The container's root filesystem on the host: config.json's root.path, made absolute against
 * the bundle (undefined when absent, or relative with no bundle to resolve it against). */
export function specRootfs(spec: JsonObject, bundle: string | undefined): string | undefined {
  const path = isRecord(spec.root) && typeof spec.root.path === "string" && spec.root.path !== "" ? spec.root.path : undefined;
  if (!path) return undefined;
  if (path.startsWith("/")) return path;
  return bundle ? join(bundle, path) : undefined;
}

/** Replaces <bundle>/config.json atomically, keeping its mode: the source with the edits made to `spec`. */
export async function writeSpec(bundle: string, edited: SpecDoc): Promise<void> {
  const path = join(bundle, "config.json");
  const candidate = join(bundle, `.config.json.oci-metadata-${process.pid}-${Date.now().toString(36)}`);
  let temp: string | undefined;
  try {
    const mode = statSync(path).mode & 0o7777;
    writeFileSync(candidate, renderJsonDoc(edited.doc), { mode, flag: "wx" });
    temp = candidate; // ours from here on (wx refuses someone else's file)
    renameSync(temp, path);
  } catch (err) {
    if (temp) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    }
    throw wrap(`writing ${path}`, err);
  }
}
