// Counts what one run of a command asks of the kernel, with `strace -f -c` (every thread):
// syscalls in all, threads started, files opened, fsyncs. strace slows a process down many
// times over, so these runs are never timed; they explain the timed ones.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { which } from "../../src/host/which.js";
import { run } from "../../test/e2e/lib/exec.js";

export interface SyscallCounts {
  total: number;
  threads: number;
  opens: number;
  fsyncs: number;
}

/** Whether strace is there (the counts are left out, saying so, when it is not). */
export const haveStrace = (): boolean => which("strace") !== undefined;

/** One strace'd run of cmd with input on stdin; throws unless it exits 0. */
export async function countSyscalls(
  workDir: string,
  cmd: string,
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<SyscallCounts> {
  const out = join(workDir, `strace-${process.pid}-${Date.now()}.txt`);
  try {
    const r = await run("strace", ["-f", "-c", "-o", out, cmd, ...args], { input, env });
    if (r.code !== 0) throw new Error(`strace ${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
    return parseStraceSummary(readFileSync(out, "utf8"));
  } finally {
    rmSync(out, { force: true });
  }
}

/** Reads `strace -c`'s table: "% time  seconds  usecs/call  calls  [errors]  syscall". */
export function parseStraceSummary(text: string): SyscallCounts {
  const calls = new Map<string, number>();
  for (const line of text.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || !/^[0-9.]+$/.test(cols[0]!)) continue;
    calls.set(cols[cols.length - 1]!, Number(cols[3]));
  }
  const n = (...names: string[]) => names.reduce((sum, name) => sum + (calls.get(name) ?? 0), 0);
  const total = calls.get("total");
  if (total === undefined) throw new Error(`strace -c wrote no total line:\n${text}`);
  return {
    total,
    threads: n("clone", "clone3"),
    opens: n("open", "openat", "openat2"),
    fsyncs: n("fsync", "fdatasync"),
  };
}
