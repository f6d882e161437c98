// A bundle's config.json edited without loss (inject, precreate, the wrapper's create): read as
// a lossless document (core/json-lossless) and written back with every byte the edits did not
// touch (2^64-1 rlimits, key order, unknown fields). Apart from oci.ts so the hooks, which only
// read, never load the lossless parser.
import { statSync } from "node:fs";
import { join } from "node:path";
import { isRecord } from "../core/container.js";
import { describeValue, OciMetadataError, wrap } from "../core/errors.js";
import { type JsonDoc, parseJsonDoc, renderJsonDoc } from "../core/json-lossless/index.js";
import type { JsonObject } from "../core/spec.js";
import { replaceFile } from "./files.js";
import { parseSpec, readRegularFile } from "./oci.js";

/** A config.json to be edited: its plain value (`spec`, edited in place) over its source. */
export interface SpecDoc {
  spec: JsonObject;
  doc: JsonDoc;
}

/** A config.json read once: its plain value (JSON.parse) to decide on, and its lossless
 * document made only when the container is to be edited (~1 ms of a 10 KB config that most
 * containers, not opted in, never need). */
export interface SpecSource {
  plain: JsonObject;
  edit(): SpecDoc;
}

/** Reads <bundle>/config.json to decide on, and to edit if need be. */
export function readSpecSource(bundle: string): SpecSource {
  const path = join(bundle, "config.json");
  return specSource(readRegularFile(path), path);
}

/** specSource over bytes already read (precreate's stdin). */
export function specSource(bytes: Uint8Array, source = "config.json"): SpecSource {
  const plain = parseSpec(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"), source);
  return { plain, edit: () => parseSpecDoc(bytes, source) };
}

/** Parses config.json bytes for editing; they must hold a JSON object. */
export function parseSpecDoc(bytes: Uint8Array, source = "config.json"): SpecDoc {
  let doc: JsonDoc;
  try {
    doc = parseJsonDoc(bytes);
  } catch (err) {
    throw new OciMetadataError("spec-invalid", `reading ${source}: not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(doc.value))
    throw new OciMetadataError(
      "spec-invalid",
      `reading ${source}: expected a JSON object, got ${describeValue(doc.value)}`,
    );
  return { spec: doc.value, doc };
}

/** Replaces <bundle>/config.json atomically, keeping its mode: the source with the edits made to `spec`. */
export async function writeSpec(bundle: string, edited: SpecDoc): Promise<void> {
  const path = join(bundle, "config.json");
  try {
    // The same atomic writer as the store (temp in the dir, rename over): an engine never
    // reads a half-written config.json.
    replaceFile(bundle, "config.json", renderJsonDoc(edited.doc), statSync(path).mode & 0o7777);
  } catch (err) {
    throw wrap(`writing ${path}`, err);
  }
}
