// The hook's entry (main.ts sends `hook …` here): the command line oci-metadata registers is
// read by hand (hook-argv.ts) and run by the same step as every command (step.ts), without
// loading the command table, the help texts or node:util. A runtime starts a hook at every
// container start and stop; anything else on the line goes to the full CLI (run.ts).
import { parseHookArgv } from "./hook-argv.js";
import { HOOK_STEP } from "./hook-step.js";
import { runStep } from "./step.js";

/** Runs `hook …` (argv[0] is "hook"); returns the exit code. */
export async function runHookCommand(
  argv: readonly string[],
  stdout: (s: string | Uint8Array) => void,
): Promise<number> {
  const line = parseHookArgv(argv.slice(1));
  if (!line) return (await import("./run.js")).main(argv, stdout);
  const args = {
    values: line.engine === undefined ? {} : { engine: line.engine },
    positionals: [line.stage],
    configPath: line.config,
  };
  // `help` is unreachable: a line asking for help is not of the registered shape.
  return runStep(
    "hook",
    HOOK_STEP,
    () => args,
    undefined,
    stdout,
    () => "",
  );
}
