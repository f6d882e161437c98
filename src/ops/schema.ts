// The metadata document's JSON Schema, generated from the zod schema (one source of truth).
import * as z from "zod/mini";
import { documentSchema } from "../core/document-schema.js";

/** JSON Schema of the metadata file. */
export function documentJsonSchema(): Record<string, unknown> {
  return { title: "oci-metadata container metadata file", ...z.toJSONSchema(documentSchema) } as Record<
    string,
    unknown
  >;
}
