// The runtime wrapper's `create`: the bundle's config.json gets the same plan as every other
// door. Under Docker (found by its container dir among the mounts) the OCI config carries no
// name, image or labels, so they are read from the container's config.v2.json (written before
// create); labels count as annotations (Docker 20.10 has no --annotation), so
// `--label oci-metadata.io/enabled=true` opts in. Docker copies only its own mounts for
// --volumes-from, so the metadata dirs of those containers are added here; READY comes from
// the enricher after `start`. Under any other engine (containerd without NRI: CRI annotations
// name the pod and container) the createRuntime hook writes READY as with runc.
import { join } from "node:path";
import { type ContainerView, identityFromAnnotations, viewFromSpec } from "../../core/container.js";
import { LINUX_MOUNT_OPTIONS, type MetadataMount, rootsFor } from "../../core/plan.js";
import { addBindMount, applyEdits, type HookCommand, type JsonObject } from "../../core/spec.js";
import { specRootfs } from "../../host/oci.js";
import { readSpecSource, writeSpec } from "../../host/oci-edit.js";
import type { Context } from "../../steps/context.js";
import { prepareContainer, releaseSlot, skipEarly } from "../../steps/prepare.js";
import { dockerLayout, readDockerDisk, resolveContainerRefs } from "./docker-disk.js";

/** Edits <bundle>/config.json for one container. */
export async function runtimeCreate(ctx: Context, bundle: string, id: string, hook: HookCommand): Promise<void> {
  const { config } = ctx;
  const source = readSpecSource(bundle);
  const view = await wrappedView(source.plain, id);
  const siblings = config.enabled === "never" ? [] : await siblingMounts(view, ctx);
  // Nothing to add and not ours to prepare: config.json is left as it is, never parsed losslessly.
  if (siblings.length === 0 && (await skipEarly(view, ctx))) return;
  const edited = source.edit();
  const { spec } = edited;
  applyEdits(spec, siblings.map(addBindMount));
  // Under Docker the file becomes READY from the API after start (docker-enrich), not at createRuntime.
  const stages =
    view.engine === "docker" ? config.stages.filter((s) => s === "poststop" || s === "poststart") : config.stages;
  const withHook = { ...hook, extraArgs: ["--engine", view.engine, ...(hook.extraArgs ?? [])] };
  const ctxStages = { ...ctx, config: { ...config, stages } };
  const plan = await prepareContainer(
    spec,
    { ...view, mounts: [...view.mounts, ...siblings] },
    ctxStages,
    withHook,
    specRootfs(spec, bundle),
  );
  if (plan.kind === "skip" && siblings.length === 0) return;
  await writeSpec(bundle, edited).catch(async (err: unknown) => {
    await releaseSlot(plan, ctx);
    throw err;
  });
}

// The OCI view, plus what config.v2.json/hostconfig.json say under Docker.
async function wrappedView(
  spec: JsonObject,
  id: string,
): Promise<ContainerView & { volumesFrom: string[]; dataRoot?: string }> {
  const base = viewFromSpec(spec, id, "oci");
  const layout = dockerLayout(base.mounts);
  if (!layout) return { ...base, volumesFrom: [] };
  const disk = await readDockerDisk(layout.dataRoot, layout.id);
  const annotations = { ...disk.labels, ...base.annotations };
  const named = identityFromAnnotations(annotations);
  return {
    ...base,
    ...named,
    engine: "docker",
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
async function siblingMounts(
  view: { volumesFrom: string[]; dataRoot?: string; platform: "linux" | "windows" },
  ctx: Context,
): Promise<MetadataMount[]> {
  if (!view.dataRoot || view.volumesFrom.length === 0 || view.platform !== "linux") return [];
  const { config, store } = ctx;
  const roots = rootsFor(view.platform, config);
  const mounts: MetadataMount[] = [];
  for (const other of await resolveContainerRefs(view.dataRoot, view.volumesFrom)) {
    for (const slot of await store.findByContainerId(config.fileName, other)) {
      mounts.push({
        destination: join(roots.container, slot.name),
        source: store.pathOf(slot),
        type: "bind",
        options: [...LINUX_MOUNT_OPTIONS],
      });
    }
  }
  return mounts;
}
