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
import { readRegularFile } from "./oci.js";

/** A config.json to be edited: its plain value (`spec`, edited in place) over its source. */
export interface SpecDoc {
  spec: JsonObject;
  doc: JsonDoc;
}

/** Reads <bundle>/config.json for editing. */
export async function readSpecDoc(bundle: string): Promise<SpecDoc> {
  const path = join(bundle, "config.json");
  return parseSpecDoc(readRegularFile(path), path);
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
