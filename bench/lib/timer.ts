// Times one child process: process.hrtime.bigint() taken just before spawn() and in the
// 'close' handler, so the number covers fork+exec, the run and the exit as a caller (an
// engine, runc) sees them. stdout is discarded (writing it would time our pipe, not the
// program); stderr is kept because a failing run must explain itself.
import { spawn } from "node:child_process";

export interface TimedRun {
  /** Wall-clock milliseconds from spawn to close. */
  ms: number;
  code: number | null;
  stderr: string;
}

export interface TimeOptions {
  /** Written to stdin, then stdin is closed (hooks read the OCI state this way). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs cmd once and measures it; never throws on a non-zero exit. */
export function timeRun(cmd: string, args: readonly string[], opts: TimeOptions = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ["pipe", "ignore", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      const end = process.hrtime.bigint();
      clearTimeout(timer);
      resolve({ ms: Number(end - start) / 1e6, code, stderr });
    });
    child.stdin.on("error", () => undefined); // /bin/true exits without reading stdin
    child.stdin.end(opts.input ?? "");
  });
}

/** Like timeRun, but throws (with stderr) unless the exit code is 0. */
export async function timeOk(cmd: string, args: readonly string[], opts: TimeOptions = {}): Promise<TimedRun> {
  const r = await timeRun(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
  return r;
}
