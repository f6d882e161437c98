// `oci-metadata docker-watch`: a small daemon that keeps Docker containers' files true after
// start. It subscribes to dockerd's events and, for each container with a file of ours:
//  - network connect / disconnect → the file is rewritten from inspect (a second or less);
//  - start → the same (a restart, or an enricher that could not reach the API);
//  - on every (re)connect → a sweep: every Docker file of a running container is rewritten,
//    which retries files left without READY and catches events missed while dockerd was down.
// Invariants: it only rewrites files the store already has (it never creates a container's
// dir, and a removed dir stays removed); rewrites run one at a time; identical rewrites are
// skipped (steps/write-metadata.ts), so a sweep wakes no consumer needlessly. Without it,
// nothing else changes: the runtime wrapper and the enricher work as before.
import { type ContainerView, stringRecord } from "../../core/container.js";
import { nonEmpty, parseJsonObject } from "../../core/json.js";
import { log } from "../../host/log.js";
import type { MetadataStore, Slot } from "../../host/store.js";
import type { Context } from "../../steps/context.js";
import { dockerGet } from "./docker-api.js";
import { streamEvents } from "./event-stream.js";
import { EVENTS_QUERY, eventTarget } from "./pure/docker-events.js";
import { dockerFactsFromInspect } from "./pure/docker-facts.js";
import { writeFromInspect } from "./write-from-inspect.js";

const INSPECT_TIMEOUT_MS = 10_000;
const BACKOFF = { minMs: 250, maxMs: 5_000 };

/** Watches until SIGTERM/SIGINT; resolves with the exit code. */
export async function runDockerWatch(ctx: Context, opts: { socket?: string }): Promise<number> {
  const { config, store } = ctx;
  const socket = opts.socket ?? config.dockerSocket;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>) => {
    chain = chain.then(job).catch((err: unknown) => log("warn", `docker-watch: ${(err as Error).message}`));
  };
  const rewrite = (slot: Slot, text: string) => rewriteSlot(ctx, socket, slot, text);
  let delay = BACKOFF.minMs;
  let down = false;
  await log("info", "docker-watch starting", { socket });
  while (!stop.signal.aborted) {
    try {
      await streamEvents(
        socket,
        EVENTS_QUERY,
        {
          onOpen: () => {
            delay = BACKOFF.minMs;
            down = false;
            void log("info", "docker-watch connected; sweeping", { socket });
            enqueue(() => sweep(store, config.fileName, rewrite));
          },
          onEvent: (event) => {
            const target = eventTarget(event);
            if (!target) return;
            enqueue(async () => {
              await log("debug", `docker event ${target.why}`, { container: target.container });
              for (const slot of await store.findByContainerId(config.fileName, target.container))
                await rewrite(slot, await store.read(slot, config.fileName));
            });
          },
        },
        stop.signal,
      );
      if (!stop.signal.aborted) await log("warn", "dockerd ended the event stream; reconnecting", { socket });
    } catch (err) {
      // One line per outage, not one per attempt.
      if (!down)
        await log("warn", `docker-watch: dockerd unreachable, retrying: ${(err as Error).message}`, { socket });
      down = true;
    }
    await sleep(delay, stop.signal);
    delay = Math.min(delay * 2, BACKOFF.maxMs);
  }
  await chain;
  await log("info", "docker-watch stopped");
  return 0;
}

// Every Docker file in the store, one at a time.
async function sweep(
  store: MetadataStore,
  fileName: string,
  rewrite: (slot: Slot, text: string) => Promise<void>,
): Promise<void> {
  const entries = await store.readAll(fileName);
  let docker = 0;
  for (const { slot, text } of entries) {
    if (parseJsonObject(text)?.Engine !== "docker") continue;
    docker++;
    await rewrite(slot, text).catch((err: unknown) => log("warn", `docker-watch: ${(err as Error).message}`, { slot }));
  }
  await log("info", "docker-watch sweep done", { files: entries.length, docker });
}

// Rewrites one of our Docker files from inspect, if its container is running; the task and
// name stay what the file says (the plan chose them at create).
async function rewriteSlot(ctx: Context, socket: string, slot: Slot, text: string): Promise<void> {
  const doc = parseJsonObject(text);
  const id = nonEmpty(doc?.ContainerID);
  if (doc?.Engine !== "docker" || !id) return;
  const inspect = await dockerGet(socket, `/containers/${encodeURIComponent(id)}/json`, INSPECT_TIMEOUT_MS).catch(
    async (err: unknown) => {
      // A container removed while its dir stayed (gc's business) answers 404.
      await log("debug", `inspect failed: ${(err as Error).message}`, { container: id });
      return undefined;
    },
  );
  if (inspect === undefined) return;
  const facts = dockerFactsFromInspect(inspect);
  if (facts.running !== true) return;
  const base: ContainerView = {
    id,
    annotations: stringRecord(doc.Annotations),
    image: nonEmpty(doc.ImageName),
    mounts: [],
    env: [],
    platform: "linux",
    engine: "docker",
  };
  const task = nonEmpty(doc.TaskARN) ?? "default";
  const name = nonEmpty(doc.ContainerName) ?? id;
  await writeFromInspect(ctx, { slot, base, task, name, facts });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
