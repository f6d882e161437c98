// Help texts and the version, derived from the command table (commands.ts is the one source
// of usage lines and summaries).
import pkg from "../../package.json" with { type: "json" };
import { COMMANDS } from "./commands.js";

declare const __OCI_METADATA_COMMIT__: string | undefined;

/** The package version. */
export const VERSION: string = pkg.version;
/** The git commit the binary was built from (set by `npm run build`; "dev" from source). */
export const COMMIT: string = typeof __OCI_METADATA_COMMIT__ === "string" ? __OCI_METADATA_COMMIT__ : "dev";

const GLOBAL = `Global options (--config and --help also after the command):
  --config FILE   config file (default $OCI_METADATA_CONFIG, else /etc/oci-metadata/config.json)
  -h, --help      help;  -v, --version  print the version and commit
Every config key can be overridden by env (OCI_METADATA_ENABLED, OCI_METADATA_HOST_ROOT, ...).`;

/** `oci-metadata --version`. */
export function versionText(): string {
  return `oci-metadata ${VERSION} (commit ${COMMIT})\n`;
}

/** `oci-metadata --help`: every command with its usage and summary. */
export function mainHelp(): string {
  const rows = Object.entries(COMMANDS).map(([, c]) => `  ${c.usage}\n      ${c.summary}`);
  return `oci-metadata ${VERSION}: gives every container a metadata file about itself.

Usage: oci-metadata [--config FILE] COMMAND [ARGS]
       oci-metadata help COMMAND

Commands:
${rows.join("\n")}

${GLOBAL}
`;
}

/** `oci-metadata COMMAND --help`, or undefined for an unknown command. */
export function commandHelp(name: string): string | undefined {
  const c = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!c) return undefined;
  return `Usage: oci-metadata ${c.usage}\n\n${c.help}\n\n${GLOBAL}\n`;
}
