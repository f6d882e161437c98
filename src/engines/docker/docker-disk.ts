// What Docker has already written about a container when the runtime's `create` runs:
// <data-root>/containers/<id>/{config.v2.json,hostconfig.json}. The data root is found from
// the container's own mounts (/etc/hostname and friends come from that dir), so private
// roots work. Read at create only, where the API must not be asked (see docker-api.ts).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MountView } from "../../core/container.js";
import { parseJson } from "../../core/json.js";
import { type DockerFacts, dockerFactsFromInspect, volumesFromRef } from "./pure/docker-facts.js";

const CONTAINER_FILE = /^(.*)\/containers\/([0-9a-f]{64})\/(hostname|hosts|resolv\.conf)$/;

/** Docker's data root and container id, from the container's own mounts. */
export function dockerLayout(mounts: readonly MountView[]): { dataRoot: string; id: string } | undefined {
  for (const m of mounts) {
    const match = CONTAINER_FILE.exec(m.source ?? "");
    if (match && m.destination.startsWith("/etc/")) return { dataRoot: match[1]!, id: match[2]! };
  }
  return undefined;
}

/** Facts from config.v2.json + hostconfig.json; empty facts when they cannot be read. */
export async function readDockerDisk(dataRoot: string, id: string): Promise<DockerFacts> {
  const dir = join(dataRoot, "containers", id);
  const [config, host] = [readJson(join(dir, "config.v2.json")), readJson(join(dir, "hostconfig.json"))];
  return dockerFactsFromInspect(config, host);
}

/** Resolves `--volumes-from` references (names or id prefixes) to full container ids. */
export async function resolveContainerRefs(dataRoot: string, refs: readonly string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const ids = listOr(join(dataRoot, "containers")).filter((d) => /^[0-9a-f]{64}$/.test(d));
  const out: string[] = [];
  for (const ref of refs.map(volumesFromRef)) {
    const byId = ids.filter((id) => id.startsWith(ref));
    if (byId.length === 1) {
      out.push(byId[0]!);
      continue;
    }
    for (const id of ids) {
      const facts = dockerFactsFromInspect(readJson(join(dataRoot, "containers", id, "config.v2.json")));
      if (facts.dockerName === `/${ref}`) out.push(id);
    }
  }
  return out;
}

// Blocking reads (the wrapper's create does one thing at a time; no thread-pool round trip).
function readJson(path: string): unknown {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // unreadable: read as empty
  }
  return parseJson(text);
}

function listOr(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
