// Small process helpers for the e2e tests: run a command, collect stdout/stderr/exit code.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Send stdout+stderr to this file instead of pipes (for `runc create`, whose container
   * inherits runc's stdio and would hold our pipes open); the text comes back in stdout. */
  outputFile?: string;
}

/** Runs cmd with args; never throws on a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const fd = opts.outputFile ? openSync(opts.outputFile, "w") : undefined;
    const stdio = fd === undefined ? (["pipe", "pipe", "pipe"] as const) : (["ignore", fd, fd] as const);
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: [...stdio] });
    if (fd !== undefined) closeSync(fd);
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (opts.outputFile) stdout = readFileSync(opts.outputFile, "utf8");
      resolve({ code, stdout, stderr });
    });
    child.stdin?.on("error", () => undefined); // a child that exits early closes its stdin
    child.stdin?.end(opts.input ?? "");
  });
}

/** Runs and throws with the output when the exit code is not 0. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<Result> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()} ${r.stdout.trim()}`);
  return r;
}
