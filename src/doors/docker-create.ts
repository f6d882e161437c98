// The runtime wrapper's `create` for Docker: the bundle's config.json gets the same plan as
// every other door. Docker's OCI config carries no name, image or labels, so they are read
// from the container's config.v2.json (written before create); labels count as annotations
// (Docker 20.10 has no --annotation), so `--label oci-metadata.io/enabled=true` opts in.
// Docker copies only its own mounts for --volumes-from, so the metadata dirs of those
// containers are added here. READY comes later, from the enricher after `start`.
import { join } from "node:path";
import type { Config } from "../core/config.js";
import { identityFromAnnotations, viewFromSpec, type ContainerView } from "../core/container.js";
import { LINUX_MOUNT_OPTIONS, type MetadataMount, rootsFor } from "../core/plan.js";
import { addBindMount, applyEdits, type HookCommand, type JsonObject } from "../core/spec.js";
import { dockerLayout, readDockerDisk, resolveContainerRefs } from "../host/docker-disk.js";
import { readSpec, writeSpec } from "../host/oci.js";
import { MetadataStore } from "../host/store.js";
import { prepareContainer } from "./prepare.js";

/** Edits <bundle>/config.json for one Docker container. */
export async function dockerCreate(bundle: string, id: string, config: Config, hook: HookCommand): Promise<void> {
  const spec = await readSpec(bundle);
  const view = await dockerView(spec, id);
  const siblings = config.enabled === "never" ? [] : await siblingMounts(view, config);
  applyEdits(spec, siblings.map(addBindMount));
  // The file becomes READY from the Docker API after start (docker-enrich), not at createRuntime.
  const stages = config.stages.filter((s) => s === "poststop" || s === "poststart");
  const plan = await prepareContainer(spec, { ...view, mounts: [...view.mounts, ...siblings] }, { ...config, stages }, hook);
  if (plan.kind === "inject" || siblings.length > 0) await writeSpec(bundle, spec);
}

// The OCI view plus what config.v2.json/hostconfig.json say.
async function dockerView(spec: JsonObject, id: string): Promise<ContainerView & { volumesFrom: string[]; dataRoot?: string }> {
  const base = viewFromSpec(spec, id, "docker");
  const layout = dockerLayout(base.mounts);
  if (!layout) return { ...base, volumesFrom: [] };
  const disk = await readDockerDisk(layout.dataRoot, layout.id);
  const annotations = { ...disk.labels, ...base.annotations };
  const named = identityFromAnnotations(annotations);
  return {
    ...base,
    ...named,
    annotations,
    name: named.name ?? disk.dockerName?.replace(/^\//, ""),
    dockerName: named.dockerName ?? disk.dockerName,
    image: named.image ?? disk.image,
    imageId: named.imageId ?? disk.imageId,
    volumesFrom: disk.volumesFrom,
    dataRoot: layout.dataRoot,
  };
}

// For each --volumes-from container that has a metadata dir: its mount, where it sees it.
async function siblingMounts(view: { volumesFrom: string[]; dataRoot?: string; platform: "linux" | "windows" }, config: Config): Promise<MetadataMount[]> {
  if (!view.dataRoot || view.volumesFrom.length === 0 || view.platform !== "linux") return [];
  const store = new MetadataStore(config.hostRoot);
  const roots = rootsFor(view.platform, config);
  const mounts: MetadataMount[] = [];
  for (const other of await resolveContainerRefs(view.dataRoot, view.volumesFrom)) {
    for (const slot of await store.findByContainerId(config.fileName, other)) {
      mounts.push({ destination: join(roots.container, slot.name), source: store.pathOf(slot), type: "bind", options: [...LINUX_MOUNT_OPTIONS] });
    }
  }
  return mounts;
}
