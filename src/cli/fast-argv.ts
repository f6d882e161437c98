// The command lines runtimes and engines run, read by hand: `hook STAGE [--engine NAME]
// [--config FILE]` as steps/hook-command.ts registers it, `inject --bundle DIR [--id ID]
// [--config FILE]`, `precreate [--config FILE]`. Each option (all take a value) at most once,
// in `--opt value` or `--opt=value` form. Read by hand because node:util costs such a process
// ~0.5 ms to load (a tenth of its own work); anything else (help, an unknown or repeated
// option, a missing or empty value, `--`) is not recognised here and goes to the full parser,
// which accepts or refuses it as for every other command. Pure.

/** The shape of one command's line. */
export interface FixedShape {
  options: readonly string[];
  positionals: number;
}

/** A recognised line: option values by name, and the positionals. */
export interface FixedArgv {
  values: Record<string, string>;
  positionals: string[];
}

/** Parses the words after the command; undefined when they are not of the shape. */
export function parseFixedArgv(words: readonly string[], shape: FixedShape): FixedArgv | undefined {
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith("-")) {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const name = word.startsWith("--") ? word.slice(2, eq < 0 ? undefined : eq) : "";
    const value = eq < 0 ? words[++i] : word.slice(eq + 1);
    if (!shape.options.includes(name) || Object.hasOwn(values, name)) return undefined;
    if (value === undefined || value === "" || value.startsWith("-")) return undefined;
    values[name] = value;
  }
  return positionals.length === shape.positionals ? { values, positionals } : undefined;
}
