// `oci-metadata nri`: the NRI plugin daemon (containerd ≥ 1.7, CRI-O). One process per node,
// no process per container. Handlers are thin glue over the same plan/store/publish as every
// door (src/nri-stub is the transport; this file never sees a frame):
//  - CreateContainer: plan → adjustment (read-only mount + env var), and the complete file
//    written at once (network from the pod sandbox's netns, or NRI 0.8's pod IPs) → READY
//    before the container starts;
//  - PostStartContainer (only when `stages` includes poststart): Status running;
//  - StopContainer / RemoveContainer / RemovePodSandbox: cleanup.
//    These are notifications: they are answered at once (the runtime waits for the answer
//    on its start/stop path) and their work runs right after, one step at a time per
//    container, so a late rewrite never races the removal;
//  - Synchronize: answered at once; reconciliation (nri-reconcile.ts) runs after the reply.
// A dir is touched only when its file names the container at hand (a pod could mount another
// container's dir and set our env var). Under failurePolicy ignore an error or a slow step
// answers with no adjustment well inside the runtime's request timeout; work that finishes
// after that answer removes what it wrote (that container has no mount).
import type { Config } from "../../core/config.js";
import { OciMetadataError } from "../../core/errors.js";
import { containerIdIn } from "../../core/json.js";
import { ownMetadataDir } from "../../core/locate.js";
import { safeSegment } from "../../core/names.js";
import { taskAndName } from "../../core/plan.js";
import { log } from "../../host/log.js";
import type { MetadataStore, Slot } from "../../host/store.js";
import type { ContainerAdjustment, NriHandlers } from "../../nri-stub/index.js";
import type { Context } from "../../steps/context.js";
import { claimSlot, slotOf } from "../../steps/prepare.js";
import { writeMetadata } from "../../steps/write-metadata.js";
import { adjustmentFor, podNetwork } from "./adjust.js";
import { type CriContainer, type CriPod, viewFromCri } from "./pure/cri-view.js";
import { NriMetrics } from "./pure/metrics.js";
import { reconcile } from "./reconcile.js";

/** Time kept back from the runtime's deadline for encoding and sending the reply. */
const REPLY_MARGIN_MS = 400;

/** When a CreateContainer answer is due (ms since the epoch), and whether it was missed. */
interface Late {
  passed: boolean;
  at: number;
}

const tooLate = (doing: string) =>
  new OciMetadataError("internal", `${doing}: not done within the runtime's request timeout`);

/** What the plugin remembers between events (rebuilt by Synchronize after a restart). */
interface PluginState {
  ctx: Context;
  config: Config;
  store: MetadataStore;
  engine: string;
  /** Slots written per pod sandbox id, for RemovePodSandbox. */
  podSlots: Map<string, Map<string, Slot>>;
  /** Containers created since the last Synchronize began (reconciliation must spare them). */
  createdSinceSync: Set<string>;
  /** The tail of each container's queue of after-the-answer steps. */
  queues: Map<string, Promise<void>>;
  /** What /metrics reports. */
  metrics: NriMetrics;
}

/** The runtime's containers as the plugin sees them, for gc (ids undefined: not synced yet). */
export interface TrackedView {
  engine: string;
  ids?: Set<string>;
}

/** The handlers of the plugin, over one command context (config, store, log); `view` is kept
 * up to date: the containers of the last Synchronize, plus those created, minus those removed. */
export function nriHandlers(
  context: Context,
  view: TrackedView = { engine: "containerd" },
  metrics = new NriMetrics(),
): NriHandlers {
  const { config, store } = context;
  const s: PluginState = {
    ctx: context,
    config,
    store,
    engine: "containerd",
    podSlots: new Map(),
    createdSinceSync: new Set(),
    queues: new Map(),
    metrics,
  };
  return {
    configure(info) {
      s.engine = safeSegment(info.runtimeName || "containerd");
      view.engine = s.engine;
      void log("info", "configured by the runtime", {
        runtime: info.runtimeName,
        version: info.runtimeVersion,
        requestTimeoutMs: info.requestTimeoutMs,
      });
    },
    synchronize(pods, containers) {
      view.ids = new Set(containers.map((c) => c.id));
      // Reply first (one deadline covers every chunk); reconcile right after.
      s.createdSinceSync.clear();
      const ctx = { ...context, engine: s.engine, spare: s.createdSinceSync };
      metrics.state = "synchronized";
      const t0 = performance.now();
      const done = () => metrics.synchronize.observe((performance.now() - t0) / 1000);
      setImmediate(
        () =>
          void reconcile(pods, containers, ctx)
            .then(done)
            .catch((err) => {
              const e = OciMetadataError.from(err);
              metrics.error(e.code);
              return log("error", `reconciling after Synchronize failed: ${e.message}`);
            }),
      );
    },
    async createContainer(pod, ctr, ctx) {
      s.createdSinceSync.add(ctr.id);
      view.ids?.add(ctr.id);
      const late = { passed: false, at: ctx.deadline - REPLY_MARGIN_MS };
      const work = createOne(pod, ctr, s, late);
      return guarded(work, late, s, `CreateContainer ${ctr.id}`, ctr.id);
    },
    // Status running is opt-in, as on every engine (`stages` includes poststart): each event
    // we subscribe to is a round trip the runtime waits for on its start path.
    ...(config.stages.includes("poststart")
      ? {
          async postStartContainer(pod: CriPod, ctr: CriContainer) {
            later(s, ctr.id, `PostStartContainer ${ctr.id}`, () => rewrite(pod, ctr, s));
          },
        }
      : {}),
    async stopContainer(_pod, ctr) {
      later(s, ctr.id, `StopContainer ${ctr.id}`, () => removeOne(ctr, s));
    },
    async removeContainer(_pod, ctr) {
      view.ids?.delete(ctr.id);
      later(s, ctr.id, `RemoveContainer ${ctr.id}`, () => removeOne(ctr, s));
    },
    async removePodSandbox(pod) {
      // After every queued step of the pod's containers.
      const pending = [...(s.podSlots.get(pod.id)?.keys() ?? [])].map((id) => s.queues.get(id));
      later(s, `pod:${pod.id}`, `RemovePodSandbox ${pod.id}`, async () => {
        await Promise.all(pending);
        await removePod(pod, s);
      });
    },
  };
}

// Plans the container, claims and writes its file, returns the adjustment (or none).
async function createOne(
  pod: CriPod,
  ctr: CriContainer,
  s: PluginState,
  late: Late,
): Promise<ContainerAdjustment | undefined> {
  const view = viewFromCri(pod, ctr, s.engine);
  const plan = await claimSlot(view, s.ctx);
  if (plan.kind === "skip") {
    s.metrics.skip(plan.code);
    return undefined;
  }
  const slot = slotOf(plan);
  const net = await podNetwork(pod, undefined);
  const t0 = performance.now();
  await writeMetadata(s.ctx, {
    slot,
    view,
    task: plan.task,
    name: plan.name,
    status: "created",
    pid: net.pid,
    engineNetworks: net.engineNetworks,
  });
  s.metrics.fileWrite.observe((performance.now() - t0) / 1000);
  // Past the deadline (checked here too: work whose I/O is all synchronous ends before any
  // timer fires) the runtime gets, or already got, "no adjustment": no mount, so no dir.
  if (late.passed || Date.now() >= late.at) {
    late.passed = true;
    await s.store.remove(slot);
    throw tooLate(`CreateContainer ${ctr.id}`);
  }
  const slots = s.podSlots.get(pod.id) ?? new Map<string, Slot>();
  s.podSlots.set(pod.id, slots.set(ctr.id, slot));
  s.metrics.injected++;
  return adjustmentFor(plan);
}

// The container's own slot, only when its file names this container.
async function ownedSlot(ctr: CriContainer, s: PluginState): Promise<Slot | undefined> {
  if (!ctr.env.some((e) => e.startsWith(`${s.config.envName}=`))) return undefined;
  const noPod: CriPod = { id: "", name: "", uid: "", namespace: "", labels: {}, annotations: {}, pid: 0 };
  const hostDir = ownMetadataDir(viewFromCri(noPod, ctr, s.engine), s.config);
  if (!hostDir) return undefined;
  const slot = s.store.slotOf(hostDir);
  return containerIdIn(await s.store.read(slot, s.config.fileName)) === ctr.id ? slot : undefined;
}

// Rewrites a running container's file (status, fresh network).
async function rewrite(pod: CriPod, ctr: CriContainer, s: PluginState): Promise<void> {
  const slot = await ownedSlot(ctr, s);
  if (!slot) return;
  const view = viewFromCri(pod, ctr, s.engine);
  const net = await podNetwork(pod, ctr.pid);
  await writeMetadata(s.ctx, {
    slot,
    view,
    ...taskAndName(view),
    status: "running",
    pid: net.pid,
    engineNetworks: net.engineNetworks,
    skipIfNoNetwork: true,
  });
}

async function removeOne(ctr: CriContainer, s: PluginState): Promise<void> {
  const slot = await ownedSlot(ctr, s);
  if (slot) await s.store.remove(slot);
  s.podSlots.get(ctr.podSandboxId)?.delete(ctr.id);
}

// The dirs this plugin wrote for the pod's containers and that still name them.
async function removePod(pod: CriPod, s: PluginState): Promise<void> {
  // One bad slot (an unsafe root, a racing writer) does not keep the others: each is tried,
  // the pod is forgotten, and what failed is logged (gc takes what is left).
  for (const [id, slot] of s.podSlots.get(pod.id) ?? []) {
    await s.store.removeIfNamed(slot, s.config.fileName, id).catch((err: unknown) => {
      const e = OciMetadataError.from(err);
      s.metrics.error(e.code);
      return log("warn", `RemovePodSandbox ${pod.id}: ${e.message}`, { container: id, code: e.code });
    });
  }
  s.podSlots.delete(pod.id);
}

// failurePolicy for CreateContainer: ignore answers "no adjustment" on error or near the deadline.
async function guarded<T>(
  work: Promise<T | undefined>,
  late: Late,
  s: PluginState,
  doing: string,
  container: string,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        late.passed = true;
        reject(tooLate(doing));
      },
      Math.max(0, late.at - Date.now()),
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    const e = OciMetadataError.from(err);
    s.metrics.error(e.code);
    await log("error", `${doing} failed: ${e.message}`, { container, code: e.code, policy: s.config.failurePolicy });
    if (s.config.failurePolicy === "fail") throw e;
    return undefined;
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // a late failure was already answered
  }
}

// Queues a step after the container's earlier ones; errors are logged, never answered.
function later(s: PluginState, key: string, doing: string, step: () => Promise<void>): void {
  const run = async () => {
    try {
      await step();
    } catch (err) {
      const e = OciMetadataError.from(err);
      s.metrics.error(e.code);
      const who = key.startsWith("pod:") ? { pod: key.slice(4) } : { container: key };
      await log("warn", `${doing}: ${e.message}`, { ...who, code: e.code });
    }
  };
  const tail = (s.queues.get(key) ?? Promise.resolve()).then(run);
  s.queues.set(key, tail);
  void tail.then(() => {
    if (s.queues.get(key) === tail) s.queues.delete(key);
  });
}
