// Writes a Docker container's READY file from its inspect: the enricher after start and
// docker-watch after a network change or a missed start both end here, so the two can never
// disagree on a key. Labels count as annotations (Docker 20.10 has no --annotation), as at
// create (runtime-create.ts); the OCI spec does not carry them (issue 10, finding 2).
import { type ContainerView, identityFromAnnotations } from "../../core/container.js";
import { log } from "../../host/log.js";
import type { Slot } from "../../host/store.js";
import type { Context } from "../../steps/context.js";
import { writeMetadata } from "../../steps/write-metadata.js";
import type { DockerFacts } from "./pure/docker-facts.js";

export interface InspectWrite {
  slot: Slot;
  /** What is known without dockerd: the spec's view (enricher) or the file's (docker-watch). */
  base: ContainerView;
  task: string;
  name: string;
  facts: DockerFacts;
}

/** Rewrites the file as READY; a dir removed meanwhile (the container exited) is not an error. */
export async function writeFromInspect(ctx: Context, { slot, base, task, name, facts }: InspectWrite): Promise<void> {
  const annotations = { ...facts.labels, ...base.annotations };
  const named = identityFromAnnotations(annotations);
  const view: ContainerView = {
    ...base,
    annotations,
    cluster: base.cluster ?? named.cluster,
    taskDefinitionFamily: base.taskDefinitionFamily ?? named.taskDefinitionFamily,
    taskDefinitionRevision: base.taskDefinitionRevision ?? named.taskDefinitionRevision,
    availabilityZone: base.availabilityZone ?? named.availabilityZone,
    dockerName: facts.dockerName,
    image: base.image ?? named.image ?? facts.image,
    imageId: base.imageId ?? facts.imageId,
    ports: facts.ports,
    networkMode: facts.networkMode,
  };
  await writeMetadata(ctx, {
    slot,
    view,
    task,
    name,
    status: "running",
    pid: facts.pid,
    engineNetworks: facts.networks,
  }).catch(async (err: unknown) => {
    if ((err as { cause?: { code?: string } }).cause?.code !== "ENOENT") throw err;
    await log("debug", "the container's dir is already gone (removed after it exited)");
  });
}
