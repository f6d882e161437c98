// Finds and reads the config file: --config, else $OCI_METADATA_CONFIG, else the default
// path, which may be absent (embedded defaults). An explicitly named file must exist.
// A config the hand-written check accepts never loads zod; anything else goes to the schema,
// which decides and words the error. (A blocking read: a hook does one thing at a time.)
import { readFileSync } from "node:fs";
import type { Config } from "../core/config.js";
import { DEFAULT_CONFIG_PATH, fastConfig } from "../core/config-fast.js";
import { wrap } from "../core/errors.js";

/** Which config file applies, and whether it was named explicitly. */
export function configPath(explicit: string | undefined, env: NodeJS.ProcessEnv): { path: string; explicit: boolean } {
  const named = explicit ?? env.OCI_METADATA_CONFIG;
  return named ? { path: named, explicit: true } : { path: DEFAULT_CONFIG_PATH, explicit: false };
}

/** Reads and validates the config (file + env overrides). */
export async function readConfig(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const { path, explicit: named } = configPath(explicit, env);
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (named || (err as { code?: string }).code !== "ENOENT")
      throw wrap(`reading config ${path}`, err, "config-invalid");
  }
  return fastConfig(text, env) ?? (await import("../core/config.js")).loadConfig(text, env, path);
}
