// Resolves the configured identity sources (cluster, container instance, zone, host
// addresses): a static string, the first line of a file, or an env var. An unreadable source
// is left out, not invented.
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import type { Config, IdentitySource } from "../core/config.js";
import { IDENTITY_KEYS } from "../core/config-fast.js";
import type { DocumentIdentity } from "../core/document.js";

export type Identity = DocumentIdentity;

/** Reads every configured identity source. */
export async function resolveIdentity(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Identity> {
  const values = await Promise.all(IDENTITY_KEYS.map((k) => resolveSource(config.identity[k], env)));
  return Object.fromEntries(IDENTITY_KEYS.map((k, i) => [k, values[i]]).filter(([, v]) => v !== undefined));
}

async function resolveSource(source: IdentitySource | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if (typeof source === "string") return source || undefined;
  if ("env" in source) return env[source.env] || undefined;
  return firstLine(source.file);
}

// A small regular file's first line. Blocking reads (one small file, no thread-pool hop), but
// the open never blocks and only a regular file is read: a FIFO would hold the step past every
// watchdog (a timer cannot fire while a read blocks). Anything else: the key is left out.
function firstLine(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 1 << 16) return undefined;
    return readFileSync(fd, "utf8").split("\n")[0]?.trim() || undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
