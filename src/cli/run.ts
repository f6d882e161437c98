// argv → one command; nothing else. Commands live in commands.ts and load their doors lazily.
// Errors follow failurePolicy once, here (policy.ts); a watchdog keeps a stuck hook or
// precreate from outliving the runtime's timeout, so `ignore` never blocks a container.
import { OciMetadataError } from "../core/errors.js";
import { COMMANDS, INTERACTIVE, type Parsed, stringFlag } from "./commands.js";
import { fallbackPolicy, handleFailure } from "../steps/failure-policy.js";
import { HELP, VERSION } from "./help.js";

const VALUE_FLAGS = new Set(["--config", "--bundle", "--id", "--engine", "--bin", "--socket", "--name", "--idx"]);
/** Hooks are registered with a 10 s timeout; we give up on our own well before. */
const WATCHDOG_MS = 8_000;

/** Splits argv into command, positionals and flags (`--x v`, `--x=v`, `--bool`). */
export function parseArgs(argv: readonly string[]): Parsed {
  const out: Parsed = { positionals: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (eq !== -1) out.flags.set(name, arg.slice(eq + 1));
      else if (VALUE_FLAGS.has(name)) {
        const value = argv[++i];
        if (value === undefined) throw new OciMetadataError("usage", `${name} needs a value`);
        out.flags.set(name, value);
      } else out.flags.set(name, true);
    } else if (arg === "-h") out.flags.set("--help", true);
    else if (out.command === undefined) out.command = arg;
    else out.positionals.push(arg);
  }
  return out;
}

/** Runs the command in argv; returns the exit code. */
export async function main(argv: readonly string[], stdout: (s: string | Uint8Array) => void): Promise<number> {
  // The runtime wrapper's argv belongs to runc: hand it over raw, before any parsing.
  if (argv[0] === "runtime") return (await import("../engines/docker/runtime.js")).runRuntime(argv.slice(1));
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    return usageError(err);
  }
  const { command, flags } = parsed;
  if (flags.has("--version") || command === "version") return print(stdout, `oci-metadata ${VERSION}\n`);
  if (command === undefined || command === "help") return print(stdout, HELP.main);
  if (flags.has("--help")) return command in HELP ? print(stdout, HELP[command as keyof typeof HELP]) : usageError(`unknown command ${command}`);
  const run = COMMANDS[command];
  if (!run) return usageError(`unknown command ${command}`);
  // precreate must print a config whatever happens: its input is read first, and under
  // ignore any failure (usage errors included) prints it back unchanged.
  const stdin = command === "precreate" ? await readInput() : new Uint8Array();
  const policy = () => (INTERACTIVE.has(command) ? "fail" : currentPolicy);
  let currentPolicy = fallbackPolicy();
  const fail = async (err: unknown) => {
    if (err instanceof OciMetadataError && err.code === "usage" && command !== "precreate") return usageError(err);
    const code = await handleFailure(err, policy(), command);
    if (command === "precreate" && code === 0) stdout(stdin); // the config exactly as it came
    return code;
  };
  const watchdog = command === "hook" || command === "precreate" ? startWatchdog(fail) : undefined;
  try {
    const { loadContext } = await import("../steps/context.js");
    const configArg = stringFlag(flags, "--config");
    const config = await loadContext(configArg);
    currentPolicy = config.failurePolicy;
    return await run({ parsed, config, configArg, stdout, stdin });
  } catch (err) {
    return fail(err);
  } finally {
    clearTimeout(watchdog);
  }
}

// Past the deadline: apply the policy and exit, whatever the stuck step is waiting for.
function startWatchdog(fail: (err: unknown) => Promise<number>): NodeJS.Timeout {
  const timer = setTimeout(() => {
    void fail(new OciMetadataError("internal", `gave up after ${WATCHDOG_MS} ms`)).then((code) => process.exit(code));
  }, WATCHDOG_MS);
  timer.unref();
  return timer;
}

async function readInput(): Promise<Uint8Array> {
  try {
    return (await import("../host/oci.js")).readStdinBytes();
  } catch {
    return new Uint8Array();
  }
}

function print(stdout: (s: string | Uint8Array) => void, text: string): number {
  stdout(text);
  return 0;
}

function usageError(err: unknown): number {
  const msg = err instanceof OciMetadataError ? err.rawMessage : String(err);
  process.stderr.write(`oci-metadata: ${msg}\nTry 'oci-metadata --help'.\n`);
  return 2;
}
