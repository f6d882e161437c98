// Writes one line into the runtime's --log file in runc's own format, so containerd and
// dockerd show our message where they show runc's ("OCI runtime create failed: …").
import { appendFileSync } from "node:fs";

/** Appends `msg` at `level` to the runtime log; silently does nothing without a log file. */
export function runtimeLog(
  file: string | undefined,
  format: string | undefined,
  level: "error" | "warning",
  msg: string,
): void {
  if (!file) return;
  const time = new Date().toISOString();
  const line =
    format === "json"
      ? JSON.stringify({ level, msg, time })
      : `time="${time}" level=${level} msg=${JSON.stringify(msg)}`;
  try {
    appendFileSync(file, `${line}\n`);
  } catch {
    // The log is a courtesy; the error also went to our own log.
  }
}
