// Finds which metadata dir is a container's own, from its spec alone (no side database):
// our env var names the file in the container; the metadata mount at that file's directory
// names the host dir. Another container's metadata mount (--volumes-from) never matches,
// because the env var is per container.
import type { Config } from "./config.js";
import type { ContainerView } from "./container.js";
import { dirnamePosix, normalizePosix } from "./paths.js";
import { isMetadataMount, rootsFor } from "./plan.js";

/** The host dir of the container's own metadata mount, or undefined when it has none. */
export function ownMetadataDir(view: ContainerView, config: Config): string | undefined {
  const prefix = `${config.envName}=`;
  const entry = view.env.findLast((e) => e.startsWith(prefix));
  if (!entry || view.platform !== "linux") return undefined;
  const dir = dirnamePosix(entry.slice(prefix.length));
  const roots = rootsFor(view.platform, config);
  const mount = view.mounts.find(
    (m) => normalizePosix(m.destination) === dir && isMetadataMount(m, roots, view.platform),
  );
  return mount?.source;
}
