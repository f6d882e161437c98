// `precreate`: the hooks.d door for podman. Podman pipes the whole proposed OCI config through
// the hook (oci-hooks(5) precreate stage) and uses what it prints. We add the read-only mount,
// the env var and our stage hooks — only for enabled containers — and pin the facts podman
// keeps outside the config (name, image, ports) as annotations for those hooks.
// The caller prints the input unchanged when this throws under failurePolicy ignore.
import { type ContainerView, isRecord, viewFromSpec } from "../../core/container.js";
import { OciMetadataError } from "../../core/errors.js";
import { renderJsonDoc } from "../../core/json-lossless/index.js";
import { enablement } from "../../core/plan.js";
import type { HookCommand, JsonObject } from "../../core/spec.js";
import { bindLog } from "../../host/log.js";
import { specRootfs } from "../../host/oci.js";
import { specSource } from "../../host/oci-edit.js";
import type { Context } from "../../steps/context.js";
import { prepareContainer } from "../../steps/prepare.js";
import { podmanLayout, readCniFacts, readLibpodDbFacts, readStorageFacts } from "./podman-storage.js";

/** Returns the config podman should use: the input bytes, with our edits where enabled. */
export async function runPrecreate(ctx: Context, input: Uint8Array, hook: HookCommand): Promise<Uint8Array> {
  const source = specSource(input, "the precreate config on stdin");
  // Not enabled: decided from annotations and config alone, before any I/O or lossless parse.
  if (enablement(viewFromSpec(source.plain, "", "podman"), ctx.config)) return input;
  const edited = source.edit();
  const { spec } = edited;
  const view = await podmanView(spec);
  bindLog({ container: view.id });
  // podman has mounted the image at root.path before precreate runs.
  const plan = await prepareContainer(spec, view, ctx, hook, specRootfs(spec, undefined));
  return plan.kind === "skip" ? input : renderJsonDoc(edited.doc);
}

// The view from the config plus what containers/storage and the CNI cache add.
async function podmanView(spec: JsonObject): Promise<ContainerView> {
  const cgroupsPath =
    isRecord(spec.linux) && typeof spec.linux.cgroupsPath === "string" ? spec.linux.cgroupsPath : undefined;
  const probe = viewFromSpec(spec, "", "podman");
  const layout = podmanLayout(probe.mounts, cgroupsPath);
  if (!layout.id)
    throw new OciMetadataError(
      "spec-invalid",
      "reading the precreate config: no podman container id in its mounts or cgroupsPath",
    );
  const view = { ...probe, id: layout.id };
  const stored = await readStorageFacts(layout.roots, layout.id);
  // In a pod the network namespace (and its ports) belongs to the infra container, whose
  // userdata provides /etc/hosts (taken from the mounts: an annotation could name any container).
  const owner = layout.hostsOwner ?? layout.id;
  const cni = await readCniFacts(owner);
  // netavark (no CNI cache): the libpod database has the ports and the networks' names.
  const db = cni ? undefined : readLibpodDbFacts(layout.roots, owner);
  const infra = owner !== layout.id ? await readStorageFacts(layout.roots, owner) : undefined;
  const podId = infra ? (infra.name?.replace(/-infra$/, "") ?? owner.slice(0, 12)) : undefined;
  return {
    ...view,
    name: view.name ?? stored.name,
    image: view.image ?? stored.image,
    imageId: view.imageId ?? stored.imageId,
    task: view.task ?? (podId ? `pod/${podId}` : undefined),
    ports: view.ports ?? nonEmptyList(cni?.ports ?? db?.ports),
    networkNames: view.networkNames ?? (cni ? cni.names : db?.names),
    // Podman's rootful CNI and netavark networks are bridge networks.
    networkMode: view.networkMode ?? (cni ? "bridge" : bridgeOrUndefined(db?.mode)),
  };
}

function nonEmptyList<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

// netavark: the config's mode when it is a bridge; host and none are derived from the netns.
function bridgeOrUndefined(mode: string | undefined): string | undefined {
  return mode === "bridge" ? "bridge" : undefined;
}
