// The entry of the commands a runtime or engine runs at every container start and stop
// (main.ts sends `hook`, `inject` and `precreate` here): their lines are read by hand
// (fast-argv.ts) and run by the same step as every command (step.ts), without loading the
// command table, the help texts or node:util. A line of any other shape goes to the full CLI
// (run.ts), which parses, helps or refuses it as usual.
import { type FixedShape, parseFixedArgv } from "./fast-argv.js";
import { runStep, type StepSpec } from "./step.js";

interface FastCommand extends FixedShape {
  step(): Promise<StepSpec>;
}

// `config` is the global --config, allowed among a command's own options as in the full CLI.
const FAST: Record<string, FastCommand> = {
  hook: {
    options: ["engine", "config"],
    positionals: 1,
    step: async () => (await import("./hook-step.js")).HOOK_STEP,
  },
  inject: {
    options: ["bundle", "id", "config"],
    positionals: 0,
    step: async () => (await import("./runtime-steps.js")).INJECT_STEP,
  },
  precreate: {
    options: ["config"],
    positionals: 0,
    step: async () => (await import("./runtime-steps.js")).PRECREATE_STEP,
  },
};

/** The commands this entry serves (main.ts sends exactly these). */
export const FAST_COMMANDS: readonly string[] = Object.keys(FAST);

/** Runs argv (argv[0] one of the commands above); returns the exit code. */
export async function runFastCommand(
  argv: readonly string[],
  stdout: (s: string | Uint8Array) => void,
): Promise<number> {
  const name = argv[0]!;
  const command = Object.hasOwn(FAST, name) ? FAST[name] : undefined;
  const line = command && parseFixedArgv(argv.slice(1), command);
  if (!command || !line) return (await import("./run.js")).main(argv, stdout);
  const { config, ...values } = line.values;
  const args = { values, positionals: line.positionals, configPath: config };
  // `help` is unreachable: a line asking for help is not of a recognised shape.
  return runStep(
    name,
    await command.step(),
    () => args,
    undefined,
    stdout,
    () => "",
  );
}
