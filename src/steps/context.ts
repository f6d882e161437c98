// What every command does first: read the config and point the logger at its destination.
import type { Config } from "../core/config.js";
import { readConfig } from "../host/config-file.js";
import { configureLog } from "../host/log.js";

/** Reads the config (file + env) and configures logging from it. */
export async function loadContext(configArg: string | undefined): Promise<Config> {
  const config = await readConfig(configArg);
  configureLog({ level: config.log.level, file: config.log.file });
  return config;
}
