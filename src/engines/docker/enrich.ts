// Docker-level facts after `start`, from a process fully detached from the runtime call:
// the runtime wrapper starts it on `start` and execs runc; it asks dockerd for inspect, which
// answers once dockerd has finished starting the container (and released its lock), then
// writes the file with name, image, real host ports and one entry per Docker network: READY.
// Docker ≥ 28 configures the network between create and start, so it is read here, too.
import { viewFromSpec } from "../../core/container.js";
import { ownMetadataDir } from "../../core/locate.js";
import { taskAndName } from "../../core/plan.js";
import { spawnDetached } from "../../host/detach.js";
import { bindLog, log } from "../../host/log.js";
import { readSpec } from "../../host/oci.js";
import type { Context } from "../../steps/context.js";
import { dockerGet } from "./docker-api.js";
import { dockerLayout } from "./docker-disk.js";
import { dockerFactsFromInspect } from "./pure/docker-facts.js";
import { writeFromInspect } from "./write-from-inspect.js";

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
  const spec = await readSpec(bundle).catch(async (err: unknown) => {
    // `docker run --rm` of a short command: the container exited and its bundle is gone
    // before we ran. Nothing to describe; not an error.
    if ((err as { cause?: { code?: string } }).cause?.code !== "ENOENT") throw err;
    await log("debug", "the bundle is already gone (the container exited); nothing to write");
    return undefined;
  });
  if (!spec) return;
  const view = viewFromSpec(spec, id, "docker");
  const hostDir = ownMetadataDir(view, config);
  if (!hostDir) return;
  const facts = dockerFactsFromInspect(await inspectWithRetry(config.dockerSocket, id));
  // A short-lived container may be gone (and cleaned up) by the time dockerd answers.
  if (facts.running === false) return void (await log("debug", "container no longer running; nothing to write"));
  await writeFromInspect(ctx, { slot: store.slotOf(hostDir), base: view, ...taskAndName(view), facts });
  await log("debug", "docker facts written", {
    ports: facts.ports?.length ?? 0,
    networks: facts.networks?.length ?? 0,
  });
}

// dockerd may be unreachable for a moment (restarting, socket not there yet): retry a bounded
// number of times; beyond that, docker-watch's sweep on (re)connect writes the file.
const RETRY_DELAYS_MS = [200, 500, 1000, 2000, 4000, 8000];

async function inspectWithRetry(socket: string, id: string): Promise<unknown> {
  const path = `/containers/${encodeURIComponent(id)}/json`;
  for (const delay of RETRY_DELAYS_MS) {
    try {
      return await dockerGet(socket, path, INSPECT_TIMEOUT_MS);
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      await log("debug", `docker API unreachable, retrying in ${delay} ms`, { socket });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  return dockerGet(socket, path, INSPECT_TIMEOUT_MS);
}

function isUnreachable(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === "ENOENT" || code === "ECONNREFUSED" || code === "ECONNRESET";
}
