// argv → one command; nothing else. The command table (commands.ts) says how each command is
// parsed and run; engines load lazily. Running it (watchdog, failure policy, input, log,
// context) is step.ts's, shared with the runtime commands' fast entry (fast-entry.ts).
import { COMMANDS } from "./commands.js";
import { commandHelp, mainHelp, versionText } from "./help.js";
import { parseCommandArgs, splitCommandLine } from "./parse.js";
import { runStep, usageError } from "./step.js";

/** Runs the command in argv; returns the exit code. */
export async function main(argv: readonly string[], stdout: (s: string | Uint8Array) => void): Promise<number> {
  // The runtime wrapper's argv belongs to runc: hand it over raw, before any parsing.
  if (argv[0] === "runtime") {
    if (argv.length === 2 && (argv[1] === "--help" || argv[1] === "-h")) return print(stdout, commandHelp("runtime")!);
    return (await import("../engines/docker/runtime.js")).runRuntime(argv.slice(1));
  }
  // Started by the runtime from its NRI plugin dir (e.g. as /opt/nri/plugins/50-oci-metadata):
  // no argv, only NRI_PLUGIN_SOCKET/_NAME/_IDX in the environment.
  if (argv.length === 0 && process.env.NRI_PLUGIN_SOCKET) argv = ["nri"];
  let line: ReturnType<typeof splitCommandLine>;
  try {
    line = splitCommandLine(argv);
  } catch (err) {
    return usageError(err);
  }
  const { command } = line;
  if (line.version) return print(stdout, versionText());
  if (command === undefined) return print(stdout, mainHelp());
  if (command === "help") return helpFor(line.rest[0], stdout);
  if (command === "version") return print(stdout, versionText());
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!spec) return usageError(`unknown command ${JSON.stringify(command)}`);
  if (line.help) return print(stdout, commandHelp(command)!);
  const rest = line.rest;
  const parse = () => parseCommandArgs(command, spec, rest);
  return runStep(command, spec, parse, line.configPath, stdout, () => commandHelp(command)!);
}

function helpFor(name: string | undefined, stdout: (s: string | Uint8Array) => void): number {
  if (name === undefined) return print(stdout, mainHelp());
  const text = commandHelp(name);
  return text ? print(stdout, text) : usageError(`help: unknown command ${JSON.stringify(name)}`);
}

function print(stdout: (s: string | Uint8Array) => void, text: string): number {
  stdout(text);
  return 0;
}
