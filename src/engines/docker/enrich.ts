// Docker-level facts after `start`, from a process fully detached from the runtime call:
// the runtime wrapper starts it on `start` and execs runc; it asks dockerd for inspect, which
// answers once dockerd has finished starting the container (and released its lock), then
// writes the file with name, image, real host ports and one entry per Docker network: READY.
// Docker ≥ 28 configures the network between create and start, so it is read here, too.
import { identityFromAnnotations, viewFromSpec } from "../../core/container.js";
import { dockerFactsFromInspect } from "./pure/docker-facts.js";
import { ownMetadataDir } from "../../core/locate.js";
import { taskAndName } from "../../core/plan.js";
import { spawnDetached } from "../../host/detach.js";
import { dockerGet } from "./docker-api.js";
import { dockerLayout } from "./docker-disk.js";
import { bindLog, log } from "../../host/log.js";
import { readSpec } from "../../host/oci.js";
import type { Context } from "../../steps/context.js";
import { writeMetadata } from "../../steps/write-metadata.js";

const INSPECT_TIMEOUT_MS = 60_000;

/** On `start`: for a Docker container with our mount, starts `oci-metadata docker-enrich`
 * fully detached (host/detach.ts). Other engines' files were made READY by createRuntime. */
export async function startEnricher(ctx: Context, self: string, id: string, bundle: string): Promise<void> {
  const view = viewFromSpec(await readSpec(bundle), id, "docker");
  if (!ownMetadataDir(view, ctx.config) || !dockerLayout(view.mounts)) return;
  const configArgs = ctx.configPath ? ["--config", ctx.configPath] : [];
  await spawnDetached(self, ["docker-enrich", "--id", id, "--bundle", bundle, ...configArgs]);
}

/** The detached part: inspect, then write the READY file. */
export async function runDockerEnrich(ctx: Context, id: string, bundle: string): Promise<void> {
  const { config, store } = ctx;
  bindLog({ container: id });
  const spec = await readSpec(bundle);
  const view = viewFromSpec(spec, id, "docker");
  const hostDir = ownMetadataDir(view, config);
  if (!hostDir) return;
  const facts = dockerFactsFromInspect(await dockerGet(config.dockerSocket, `/containers/${encodeURIComponent(id)}/json`, INSPECT_TIMEOUT_MS));
  // A short-lived container may be gone (and cleaned up) by the time dockerd answers.
  if (facts.running === false) return void (await log("debug", "container no longer running; nothing to write"));
  // Labels count as annotations, as at create (runtime-create.ts): the spec does not carry them.
  const annotations = { ...facts.labels, ...view.annotations };
  const named = identityFromAnnotations(annotations);
  await writeMetadata(ctx, {
    slot: store.slotOf(hostDir),
    view: {
      ...view,
      annotations,
      cluster: view.cluster ?? named.cluster,
      taskDefinitionFamily: view.taskDefinitionFamily ?? named.taskDefinitionFamily,
      taskDefinitionRevision: view.taskDefinitionRevision ?? named.taskDefinitionRevision,
      availabilityZone: view.availabilityZone ?? named.availabilityZone,
      dockerName: facts.dockerName,
      image: view.image ?? facts.image,
      imageId: view.imageId ?? facts.imageId,
      ports: facts.ports,
      networkMode: facts.networkMode,
    },
    ...taskAndName(view),
    status: "running",
    pid: facts.pid,
    engineNetworks: facts.networks,
  }).catch(async (err: unknown) => {
    if ((err as { cause?: { code?: string } }).cause?.code !== "ENOENT") throw err;
    await log("debug", "the container's dir is already gone (removed after it exited)");
  });
  await log("debug", "docker facts written", { ports: facts.ports?.length ?? 0, networks: facts.networks?.length ?? 0 });
}
