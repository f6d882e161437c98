// The absolute path of this binary, for the hooks we register in specs.
import { basename } from "node:path";
import { OciMetadataError } from "../core/errors.js";

/** Our own executable; $OCI_METADATA_HOOK_PATH overrides (e.g. a path valid on the host). */
export function selfPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.OCI_METADATA_HOOK_PATH;
  if (override) return override;
  const exe = process.execPath;
  if (/^(node|bun|nodejs)$/.test(basename(exe))) {
    throw new OciMetadataError(
      "usage",
      "registering hooks needs the compiled oci-metadata binary (or set OCI_METADATA_HOOK_PATH)",
    );
  }
  return exe;
}
