// Resolves the configured identity sources (cluster, container instance): a static string,
// the first line of a file, or an env var. An unreadable source is left out, not invented.
import { readFile } from "node:fs/promises";
import type { Config, IdentitySource } from "../core/config.js";

export interface Identity {
  cluster?: string;
  containerInstance?: string;
}

/** Reads every configured identity source. */
export async function resolveIdentity(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Identity> {
  const [cluster, containerInstance] = await Promise.all([
    resolveSource(config.identity.cluster, env),
    resolveSource(config.identity.containerInstance, env),
  ]);
  return { cluster, containerInstance };
}

async function resolveSource(source: IdentitySource | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (source === undefined) return undefined;
  if (typeof source === "string") return source || undefined;
  if ("env" in source) return env[source.env] || undefined;
  const text = await readFile(source.file, "utf8").catch(() => "");
  return text.split("\n")[0]?.trim() || undefined;
}
