// Regenerates the checked-in generated files (CI fails when they are stale):
//  - schema/metadata.schema.json, from the zod schema of the document;
//  - hooks/50-oci-metadata.json, the podman hooks.d file for the default install.
import { mkdirSync, writeFileSync } from "node:fs";
import { defaultConfig } from "../src/core/config.js";
import { hooksDFile } from "../src/engines/podman/pure/hooks-file.js";
import { documentJsonSchema } from "../src/ops/schema.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
mkdirSync("schema", { recursive: true });
writeFileSync("schema/metadata.schema.json", json(documentJsonSchema()));
mkdirSync("hooks", { recursive: true });
writeFileSync("hooks/50-oci-metadata.json", json(hooksDFile(defaultConfig(), "/usr/local/bin/oci-metadata")));
