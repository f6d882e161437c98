// The context of one command, built once and handed down: the config, where it came from,
// the store over its hostRoot and the logger pointed at its destination. Steps and engine
// entry points take it instead of building their own store or reading the config again.
// Building it does no I/O beyond reading the config (the store touches disk only when used).
import type { Config } from "../core/config.js";
import { readConfig } from "../host/config-file.js";
import { configureLog, type Level, log } from "../host/log.js";
import { MetadataStore } from "../host/store.js";

/** What every step of one command shares. */
export interface Context {
  readonly config: Config;
  /** The --config path the command was given; hooks we register are given it too. */
  readonly configPath?: string;
  /** The store under config.hostRoot. */
  readonly store: MetadataStore;
  /** The structured logger (pino, JSON lines; never stdout). */
  readonly log: (level: Level, msg: string, fields?: Record<string, unknown>) => Promise<void>;
}

/** Reads the config (file + env), points the logger at its destination, returns the context. */
export async function buildContext(configPath: string | undefined): Promise<Context> {
  const config = await readConfig(configPath);
  configureLog({ level: config.log.level, file: config.log.file });
  return contextFor(config, configPath);
}

/** A context over a config already in hand (tests, and commands that adjust the config). */
export function contextFor(config: Config, configPath?: string): Context {
  return { config, configPath, store: new MetadataStore(config.hostRoot), log };
}
