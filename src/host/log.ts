// Structured JSON logs (pino) to stderr or a file, never stdout (stdout is a protocol for
// precreate and the runtime wrapper). pino is imported only when a line passes the level
// filter, so a quiet hook never pays its start-up cost; writes are synchronous, so nothing
// is lost when a hook exits right after logging.
// Where lines go when the config names no `log.file`: commands a runtime runs (hooks,
// precreate, the wrapper, the detached steps) have a default file (DEFAULT_LOG_FILE): runc
// discards a hook's stderr when it exits 0, so under `ignore` stderr alone loses every error.
// Hooks and precreate write to stderr too (runc shows it when a hook fails). A default file
// that cannot be opened (read-only /var/log, not root) falls back to stderr.
import type { Logger } from "pino";

export type Level = "debug" | "info" | "warn" | "error";
export interface LogSettings {
  level: Level | "silent";
  file?: string;
}

/** Where commands run by a runtime log when the config names no file. */
export const DEFAULT_LOG_FILE = "/var/log/oci-metadata/oci-metadata.log";

const ORDER: Record<Level | "silent", number> = { debug: 20, info: 30, warn: 40, error: 50, silent: 100 };

let settings: LogSettings = { level: "info" };
let fallback: { file: string; stderr: "also" | "never" } | undefined;
let bindings: Record<string, unknown> = {};
let lazy: (() => Record<string, unknown>) | undefined;
let logger: Promise<Logger> | undefined;

/** Sets level and destination (before the first line is written); without a file, the
 * default file (useDefaultLogFile) if one was chosen, else stderr. */
export function configureLog(next: LogSettings): void {
  settings = next;
  logger = undefined;
}

/** Makes `file` the destination whenever the config names none (commands a runtime runs).
 * stderr "also": lines go to stderr as well (and only there when the file cannot be opened);
 * "never": stderr is not ours (the runtime wrapper's is the container's): nothing goes there. */
export function useDefaultLogFile(file: string, stderr: "also" | "never"): void {
  fallback = { file, stderr };
  logger = undefined;
}

/** The log file lines go to, or undefined when they go to stderr only. */
export function logFile(): string | undefined {
  return settings.file ?? fallback?.file;
}

/** Adds fields (e.g. the container id) to every later line. */
export function bindLog(fields: Record<string, unknown>): void {
  bindings = { ...bindings, ...fields };
  logger = undefined;
}

/** Fields computed only if a line is ever written (e.g. a container id parsed from input that
 * the quiet path never needs to parse); explicit bindLog fields win. */
export function bindLogLazily(fields: () => Record<string, unknown>): void {
  lazy = fields;
  logger = undefined;
}

/** Writes one JSON line if `level` passes the filter. */
export async function log(level: Level, msg: string, fields: Record<string, unknown> = {}): Promise<void> {
  if (ORDER[level] < ORDER[settings.level]) return;
  // One logger (one destination) even when the first lines are logged concurrently.
  const l = await (logger ??= createLogger());
  // A field the logger already carries (the bound container id) is not written twice.
  const own = Object.entries(fields).filter(([k, v]) => bindings[k] !== v);
  l[level](own.length === Object.keys(fields).length ? fields : Object.fromEntries(own), msg);
}

async function createLogger(): Promise<Logger> {
  const { pino } = await import("pino");
  const formatters = { level: (label: string) => ({ level: label }) };
  const base = { pid: process.pid, ...safely(lazy), ...bindings };
  const options = { base, level: settings.level, formatters, timestamp: pino.stdTimeFunctions.isoTime };
  if (settings.file) return pino(options, pino.destination({ dest: settings.file, sync: true, mkdir: true }));
  const file = fallback && openDefault(pino, fallback.file);
  if (!file && fallback?.stderr === "never") return pino({ ...options, level: "silent" });
  if (!file) return pino(options, pino.destination({ dest: 2, sync: true }));
  if (fallback?.stderr !== "also") return pino(options, file);
  const stderr = pino.destination({ dest: 2, sync: true });
  return pino(
    options,
    pino.multistream([
      { stream: file, level: "debug" },
      { stream: stderr, level: "debug" },
    ]),
  );
}

type Pino = typeof import("pino").pino;

// The default file (0640: lines name containers and paths), or undefined when it cannot be
// opened here.
function openDefault(pino: Pino, file: string): ReturnType<Pino["destination"]> | undefined {
  try {
    return pino.destination({ dest: file, sync: true, mkdir: true, mode: 0o640 });
  } catch {
    return undefined;
  }
}

function safely(fields: (() => Record<string, unknown>) | undefined): Record<string, unknown> {
  try {
    return fields?.() ?? {};
  } catch {
    return {};
  }
}
