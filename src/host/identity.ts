// Resolves the configured identity sources (cluster, container instance, zone, host
// addresses): a static string, the first line of a file, or an env var. An unreadable source
// is left out, not invented.
import { readFileSync } from "node:fs";
import type { Config, IdentitySource } from "../core/config.js";
import type { DocumentIdentity } from "../core/document.js";

export type Identity = DocumentIdentity;

const KEYS = ["cluster", "containerInstance", "availabilityZone", "hostPrivateIPv4Address", "hostPublicIPv4Address", "hostIPv6Address"] as const;

/** Reads every configured identity source. */
export async function resolveIdentity(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Identity> {
  const values = await Promise.all(KEYS.map((k) => resolveSource(config.identity[k], env)));
  return Object.fromEntries(KEYS.map((k, i) => [k, values[i]]).filter(([, v]) => v !== undefined));
}

async function resolveSource(source: IdentitySource | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if (typeof source === "string") return source || undefined;
  if ("env" in source) return env[source.env] || undefined;
  let text = "";
  try {
    text = readFileSync(source.file, "utf8"); // blocking: one small file, no thread-pool hop
  } catch {
    // unreadable: the key is left out
  }
  return text.split("\n")[0]?.trim() || undefined;
}
