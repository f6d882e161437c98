// Parses a runtime wrapper's argv: our own leading flags, then the OCI runtime's argv exactly
// as the engine gave it. Only what the wrapper needs is extracted; nothing is reordered.
// runc's grammar: `runc [global flags] COMMAND [command flags] [CONTAINER-ID]`. Value flags are
// known, so a bundle or root *named* "create" is never taken for the command.

/** What one runtime call asks for. */
export interface RuntimeCall {
  /** Our flags (before the runtime's): --config FILE, --runtime PATH. */
  ours: { config?: string; runtime?: string };
  /** Exactly what the real runtime gets. */
  runtimeArgv: string[];
  command?: string;
  id?: string;
  bundle?: string;
  root?: string;
  log?: string;
  logFormat?: string;
  pidFile?: string;
}

const OUR_VALUE_FLAGS = new Set(["--config", "--runtime"]);
const GLOBAL_VALUE_FLAGS = new Set(["--log", "--log-format", "--root", "--criu", "--rootless"]);
// Value flags of the commands a wrapper looks into (create/run/start/exec/delete…).
const COMMAND_VALUE_FLAGS = new Set([
  "--bundle",
  "-b",
  "--console-socket",
  "--pid-file",
  "--preserve-fds",
  "--process",
  "-p",
  "--cwd",
  "--env",
  "-e",
  "--user",
  "-u",
  "--additional-gids",
  "-g",
  "--process-label",
  "--apparmor",
  "--cap",
  "-c",
  "--pidfd-socket",
  "--cgroup",
]);

/** Splits our flags from the runtime's and reads the fields the wrapper uses. */
export function parseRuntimeArgv(argv: readonly string[]): RuntimeCall {
  const call: RuntimeCall = { ours: {}, runtimeArgv: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const [name, inline] = splitFlag(argv[i]!);
    if (!OUR_VALUE_FLAGS.has(name)) break;
    const value = inline ?? argv[++i];
    if (name === "--config") call.ours.config = value;
    else call.ours.runtime = value;
  }
  call.runtimeArgv = argv.slice(i);
  readRuntimeArgs(call, call.runtimeArgv);
  return call;
}

// Walks runc's argv: global flags, the command, its flags and the trailing container id.
function readRuntimeArgs(call: RuntimeCall, args: readonly string[]): void {
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = splitFlag(arg);
    const valued = call.command === undefined ? GLOBAL_VALUE_FLAGS.has(name) : COMMAND_VALUE_FLAGS.has(name);
    if (arg.startsWith("-") && arg !== "-") {
      if (!valued) continue;
      const value = inline ?? args[++i];
      if (name === "--root") call.root = value;
      else if (name === "--log") call.log = value;
      else if (name === "--log-format") call.logFormat = value;
      else if (name === "--bundle" || name === "-b") call.bundle = value;
      else if (name === "--pid-file") call.pidFile = value;
    } else if (call.command === undefined) call.command = arg;
    else positionals.push(arg);
  }
  call.id = positionals[0];
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return arg.startsWith("-") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}
