// Writes a container's metadata file: network from its netns (by pid), identity from the
// view and config, then an atomic replace in the store. Shared by every engine that writes.
import type { ContainerView } from "../core/container.js";
import {
  buildDocument,
  type ContainerStatus,
  deriveNetworkMode,
  type NetworkEntry,
  sameContent,
  serializeDocument,
} from "../core/document.js";
import { isOciMetadataError } from "../core/errors.js";
import { type HostAddresses, hostAddresses } from "../core/host-network.js";
import type { NetworkFacts } from "../core/net-parse.js";
import { resolveIdentity } from "../host/identity.js";
import { log } from "../host/log.js";
import { readNetwork, readOwnNetwork, sharesHostNetns } from "../host/netns.js";
import type { Slot } from "../host/store.js";
import type { Context } from "./context.js";

/** What to write, and for which container. */
export interface WriteInput {
  slot: Slot;
  view: ContainerView;
  /** Task and container name as planned (the raw, unsanitised values). */
  task: string;
  name: string;
  status: ContainerStatus;
  /** Host pid of a process in the container's netns; undefined: network not known. */
  pid?: number;
  /** Absolute host path of the rootfs (MAC lookup through the container's own sysfs). */
  rootfs?: string;
  /** Networks as the engine reports them (Docker API); they make the file READY by themselves. */
  engineNetworks?: NetworkEntry[];
  /** A rewrite of a file that is already complete: when the network cannot be read (the
   * container is gone), skip the write rather than leave a file that is no longer READY. */
  skipIfNoNetwork?: boolean;
}

/** Builds and writes the file; READY only when the network could be read. */
export async function writeMetadata(ctx: Context, input: WriteInput): Promise<void> {
  const { config, store } = ctx;
  const { view } = input;
  const container = view.id; // on every line: the NRI daemon serves many containers at once
  const network = await networkOf(
    container,
    input.pid,
    input.rootfs,
    input.engineNetworks !== undefined || input.skipIfNoNetwork === true,
  );
  if (!network && !input.engineNetworks && input.skipIfNoNetwork) return;
  const shared = network && input.pid ? await sharesHostNetns(input.pid).catch(() => false) : false;
  const withMode: ContainerView = { ...view, networkMode: deriveNetworkMode(shared, network, view.networkMode) };
  const identity = await resolveIdentity(config);
  const doc = buildDocument({
    view: withMode,
    plan: { task: input.task, name: input.name },
    identity,
    // The host's addresses are network facts: they come with the container's network. The
    // identity-only write before create (inject, precreate, the wrapper's create) skips reading
    // and parsing the host's /proc/net (~1.5 ms of a ~15 ms process).
    host: network || input.engineNetworks ? await hostOf(identity, shared ? network : undefined) : undefined,
    network,
    engineNetworks: input.engineNetworks,
    status: input.status,
    annotationsToInclude: config.annotationsToInclude,
    now: new Date(),
  });
  const text = serializeDocument(doc);
  const file = store.pathOf(input.slot, config.fileName);
  // A rewrite that changes nothing but LastUpdatedAt is skipped: the rename is the change signal.
  if (!(await store.writeUnlessSame(input.slot, config.fileName, text, (old) => sameContent(old, text))))
    return void (await log("debug", "metadata unchanged; not rewritten", { container, file }));
  await log("debug", "metadata written", { container, file, ready: doc.MetadataFileStatus === "READY" });
}

// The host's default-route addresses, unless config names both; a container in the host
// netns has already had it read. Unreadable: the keys are left out.
async function hostOf(
  identity: { hostPrivateIPv4Address?: string; hostIPv6Address?: string },
  hostNet: NetworkFacts | undefined,
): Promise<HostAddresses | undefined> {
  if (identity.hostPrivateIPv4Address && identity.hostIPv6Address) return undefined;
  const net = hostNet ?? (await readOwnNetwork().catch(() => undefined));
  return net ? hostAddresses(net) : undefined;
}

// A missing netns is not fatal: the file is written without it (and without READY unless the
// engine named the networks, in which case nothing is lost and the note is only debug).
async function networkOf(
  container: string,
  pid: number | undefined,
  rootfs: string | undefined,
  engineKnows: boolean,
): Promise<NetworkFacts | undefined> {
  if (!pid) return undefined;
  try {
    return await readNetwork(pid, { rootfs });
  } catch (err) {
    if (!isOciMetadataError(err) || err.code !== "netns-missing") throw err;
    if (engineKnows)
      await log("debug", `netns not read, using the engine's networks: ${err.message}`, { container, code: err.code });
    else await log("warn", `network not read, file left without READY: ${err.message}`, { container, code: err.code });
    return undefined;
  }
}
