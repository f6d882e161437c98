// The compiled binary under test, built by `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const BINARY = fileURLToPath(new URL("../../../dist/oci-metadata", import.meta.url));

/** Fails clearly when the binary has not been built. */
export function requireBinary(): string {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`npm run build\` first`);
  return BINARY;
}
