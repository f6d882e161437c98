// `oci-metadata nri`: the NRI plugin daemon (containerd ≥ 1.7, CRI-O). One process per node,
// no process per container. Handlers are thin glue over the same plan/store/publish as every
// door (src/nri is the transport; this file never sees a frame):
//  - CreateContainer: plan → adjustment (read-only mount + env var), and the complete file
//    written at once (network from the pod sandbox's netns, or NRI 0.8's pod IPs) → READY
//    before the container starts;
//  - PostStartContainer: Status running;
//  - StopContainer / RemoveContainer / RemovePodSandbox: cleanup;
//  - Synchronize: answered at once; reconciliation (write missing files, remove dirs of
//    containers that no longer exist — pods that vanished across a runtime restart send no
//    events) runs after the reply.
// Under failurePolicy ignore an error or a slow step answers with no adjustment well inside
// the runtime's request timeout: metadata never blocks a container.
import type { Config } from "../core/config.js";
import { type CriContainer, type CriPod, podTask, viewFromCri } from "../core/cri-view.js";
import { OciMetadataError } from "../core/errors.js";
import { ownMetadataDir } from "../core/locate.js";
import { type Inject, planContainer, taskAndName } from "../core/plan.js";
import type { ContainerAdjustment, NriHandlers } from "../nri/index.js";
import { log } from "../host/log.js";
import { MetadataStore } from "../host/store.js";
import { safeSegment } from "../core/names.js";
import { publish } from "./publish.js";
import { reconcile } from "./nri-reconcile.js";
import { adjustmentFor, podNetwork } from "./nri-adjust.js";

/** Time kept back from the runtime's deadline for encoding and sending the reply. */
const REPLY_MARGIN_MS = 400;

/** The handlers of the plugin, over one config and store. */
export function nriHandlers(config: Config): NriHandlers {
  const store = new MetadataStore(config.hostRoot);
  let engine = "containerd";
  return {
    configure(info) {
      engine = safeSegment(info.runtimeName || "containerd");
      void log("info", "configured by the runtime", { runtime: info.runtimeName, version: info.runtimeVersion, requestTimeoutMs: info.requestTimeoutMs });
    },
    synchronize(pods, containers) {
      // Reply first (one deadline covers every chunk); reconcile right after.
      setImmediate(() => void reconcile(pods, containers, { config, store, engine }).catch((err) => log("error", `reconciling after Synchronize failed: ${OciMetadataError.from(err).message}`)));
    },
    async createContainer(pod, ctr, ctx) {
      const work = createOne(pod, ctr, config, store, engine);
      return guarded(work, ctx.deadline - REPLY_MARGIN_MS, config, `CreateContainer ${ctr.id}`);
    },
    async postStartContainer(pod, ctr) {
      await quietly(`PostStartContainer ${ctr.id}`, () => rewrite(pod, ctr, config, store, engine, "running"));
    },
    async stopContainer(_pod, ctr) {
      await quietly(`StopContainer ${ctr.id}`, () => removeOne(ctr, config, store, engine));
    },
    async removeContainer(_pod, ctr) {
      await quietly(`RemoveContainer ${ctr.id}`, () => removeOne(ctr, config, store, engine));
    },
    async removePodSandbox(pod) {
      await quietly(`RemovePodSandbox ${pod.id}`, () => removePod(pod, store));
    },
  };
}

// Plans the container, claims and writes its file, returns the adjustment (or none).
async function createOne(pod: CriPod, ctr: CriContainer, config: Config, store: MetadataStore, engine: string): Promise<ContainerAdjustment | undefined> {
  const view = viewFromCri(pod, ctr, engine);
  let plan = planContainer(view, config);
  if (plan.kind === "skip") {
    await log(plan.code === "not-opted-in" || plan.code === "disabled" ? "debug" : "info", `skipped: ${plan.reason}`, { container: ctr.id, reason: plan.code });
    return undefined;
  }
  if (!(await store.claim(slotOf(plan), config.fileName, ctr.id))) {
    plan = planContainer(view, config, { nameTaken: true }) as Inject;
    await store.ensureDir(slotOf(plan));
  }
  const net = await podNetwork(pod);
  await publish({ config, store, slot: slotOf(plan), view, task: plan.task, name: plan.name, status: "created", pid: net.pid, engineNetworks: net.engineNetworks });
  return adjustmentFor(plan);
}

// Rewrites a container's file (status, fresh network) if it has our mount.
async function rewrite(pod: CriPod, ctr: CriContainer, config: Config, store: MetadataStore, engine: string, status: "created" | "running"): Promise<void> {
  const view = viewFromCri(pod, ctr, engine);
  const hostDir = ownMetadataDir(view, config);
  if (!hostDir) return;
  const net = await podNetwork(pod, ctr.pid);
  await publish({ config, store, slot: store.slotOf(hostDir), view, ...taskAndName(view), status, pid: net.pid, engineNetworks: net.engineNetworks });
}

async function removeOne(ctr: CriContainer, config: Config, store: MetadataStore, engine: string): Promise<void> {
  const noPod: CriPod = { id: "", name: "", uid: "", namespace: "", labels: {}, annotations: {}, pid: 0 };
  const hostDir = ownMetadataDir(viewFromCri(noPod, ctr, engine), config);
  const slots = hostDir ? [store.slotOf(hostDir)] : await store.findByContainerId(config.fileName, ctr.id);
  for (const slot of slots) await store.remove(slot);
}

// Every container dir of the pod's task; the task dir goes with the last one.
async function removePod(pod: CriPod, store: MetadataStore): Promise<void> {
  const task = safeSegment(pod.annotations["oci-metadata.io/task"] || podTask(pod));
  for (const slot of (await store.list()).filter((s) => s.task === task)) await store.remove(slot);
}

function slotOf(plan: Inject): { task: string; name: string } {
  return { task: plan.taskSegment, name: plan.nameSegment };
}

// failurePolicy for CreateContainer: ignore answers "no adjustment" on error or near the deadline.
async function guarded<T>(work: Promise<T | undefined>, deadline: number, config: Config, doing: string): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OciMetadataError("internal", `${doing}: not done within the runtime's request timeout`)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, late]);
  } catch (err) {
    const e = OciMetadataError.from(err);
    await log("error", `${doing} failed: ${e.message}`, { code: e.code, policy: config.failurePolicy });
    if (config.failurePolicy === "fail") throw e;
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

// Events after creation never block anything: log and answer OK.
async function quietly(doing: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    const e = OciMetadataError.from(err);
    await log("warn", `${doing}: ${e.message}`, { code: e.code });
  }
}
