// Structured JSON logs (pino) to stderr or a file, never stdout (stdout is a protocol for
// precreate and the runtime wrapper). pino is imported only when a line passes the level
// filter, so a quiet hook never pays its start-up cost; writes are synchronous, so nothing
// is lost when a hook exits right after logging.
import type { Logger } from "pino";

export type Level = "debug" | "info" | "warn" | "error";
export interface LogSettings {
  level: Level | "silent";
  file?: string;
}

const ORDER: Record<Level | "silent", number> = { debug: 20, info: 30, warn: 40, error: 50, silent: 100 };

let settings: LogSettings = { level: "info" };
let bindings: Record<string, unknown> = {};
let logger: Promise<Logger> | undefined;

/** Sets level and destination (before the first line is written). */
export function configureLog(next: LogSettings): void {
  settings = next;
  logger = undefined;
}

/** The log file lines go to, or undefined when they go to stderr. */
export function logFile(): string | undefined {
  return settings.file;
}

/** Adds fields (e.g. the container id) to every later line. */
export function bindLog(fields: Record<string, unknown>): void {
  bindings = { ...bindings, ...fields };
  logger = undefined;
}

/** Writes one JSON line if `level` passes the filter. */
export async function log(level: Level, msg: string, fields: Record<string, unknown> = {}): Promise<void> {
  if (ORDER[level] < ORDER[settings.level]) return;
  // One logger (one destination) even when the first lines are logged concurrently.
  const l = await (logger ??= createLogger());
  l[level](fields, msg);
}

async function createLogger(): Promise<Logger> {
  const { pino } = await import("pino");
  const dest = pino.destination({ dest: settings.file ?? 2, sync: true, mkdir: settings.file !== undefined });
  const formatters = { level: (label: string) => ({ level: label }) };
  return pino({ base: { pid: process.pid, ...bindings }, level: settings.level, formatters, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}
