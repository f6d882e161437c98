// Finds and reads the config file: --config, else $OCI_METADATA_CONFIG, else the default
// path, which may be absent (embedded defaults). An explicitly named file must exist.
import { readFile } from "node:fs/promises";
import { type Config, DEFAULT_CONFIG_PATH, loadConfig } from "../core/config.js";
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
    text = await readFile(path, "utf8");
  } catch (err) {
    if (named || (err as { code?: string }).code !== "ENOENT") throw wrap(`reading config ${path}`, err, "config-invalid");
  }
  return loadConfig(text, env, path);
}
