// The hook's command line as oci-metadata itself registers it (steps/hook-command.ts):
// `hook STAGE [--engine NAME] [--config FILE]`, each option at most once, in `--opt value` or
// `--opt=value` form. Read by hand because node:util costs a hook ~0.5 ms to load (a tenth of
// its own work); anything else (help, an unknown or repeated option, a missing value, `--`)
// is not recognised here and goes to the full parser, which accepts or refuses it as for
// every other command. Pure.

/** A recognised hook command line. */
export interface HookArgv {
  stage: string;
  engine?: string;
  config?: string;
}

const OPTIONS = new Set(["engine", "config"]);

/** Parses the words after `hook`; undefined when they are not of the registered shape. */
export function parseHookArgv(words: readonly string[]): HookArgv | undefined {
  const values = new Map<string, string>();
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
    if (!OPTIONS.has(name) || values.has(name) || value === undefined || value === "" || value.startsWith("-"))
      return undefined;
    values.set(name, value);
  }
  if (positionals.length !== 1) return undefined;
  return { stage: positionals[0]!, engine: values.get("engine"), config: values.get("config") };
}
