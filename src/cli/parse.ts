// argv → command name, global options and the command's own values, with node:util.parseArgs
// in strict mode: an unknown option or a missing value is a usage error (exit 2), never
// silently accepted. Global options may stand before the command or among its own options.
import { parseArgs } from "node:util";
import { OciMetadataError } from "../core/errors.js";
import type { CommandSpec } from "./commands.js";

/** The command line before the command's own options are known. */
export interface CommandLine {
  command?: string;
  help: boolean;
  version: boolean;
  configPath?: string;
  /** Everything after the command word. */
  rest: string[];
}

/** A command's parsed options and positionals (globals included). */
export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
  configPath?: string;
}

/** Takes the global options that stand before the command, and the command word. */
export function splitCommandLine(argv: readonly string[]): CommandLine {
  const out: CommandLine = { help: false, version: false, rest: [] };
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith("-"); i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") out.help = true;
    else if (arg === "-v" || arg === "--version") out.version = true;
    else if (arg === "--config") out.configPath = flagValue(arg, argv[++i]);
    else if (arg.startsWith("--config=")) out.configPath = flagValue("--config", arg.slice("--config=".length));
    else throw new OciMetadataError("usage", `unknown option ${JSON.stringify(arg)}`);
  }
  out.command = argv[i];
  out.rest = argv.slice(i + 1);
  return out;
}

/** Parses a command's own arguments strictly against its spec. */
export function parseCommandArgs(name: string, spec: CommandSpec, args: readonly string[]): CommandArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...spec.options, config: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new OciMetadataError("usage", `${name}: ${plainParseError(err)}`);
  }
  const { config, help, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals;
  const { min, max } = spec.positionals;
  if (help !== true && (positionals.length < min || positionals.length > max)) {
    const want =
      max === 0
        ? "no arguments"
        : min === max
          ? `${min} argument${min === 1 ? "" : "s"}`
          : `${min} to ${max} arguments`;
    throw new OciMetadataError(
      "usage",
      `${name} takes ${want}, got ${positionals.length}: usage: oci-metadata ${spec.usage}`,
    );
  }
  return { values, positionals, help: help === true, configPath: typeof config === "string" ? config : undefined };
}

function flagValue(flag: string, value: string | undefined): string {
  if (value === undefined || value === "") throw new OciMetadataError("usage", `${flag} needs a value`);
  return value;
}

// node's messages carry a hint about "--" that fits a script, not this CLI; keep the first sentence.
function plainParseError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const first = msg.split(/\. (?=[A-Z])/)[0]!.replace(/\.$/, "");
  return first.charAt(0).toLowerCase() + first.slice(1);
}
