// Regenerates schema/metadata.schema.json from the zod schema (CI fails when it is stale).
import { mkdirSync, writeFileSync } from "node:fs";
import { documentJsonSchema } from "../src/doors/schema.js";

mkdirSync("schema", { recursive: true });
writeFileSync("schema/metadata.schema.json", `${JSON.stringify(documentJsonSchema(), null, 2)}\n`);
