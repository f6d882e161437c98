// `inject --bundle DIR`: the before-create step for direct runc/crun use (fixtures, scripts).
// Plans the container, creates its host dir (runc mounts every source before any hook runs,
// so it must exist now), and edits config.json in place: mount, env var, stage hooks.
import { basename } from "node:path";
import { viewFromSpec } from "../../core/container.js";
import type { HookCommand } from "../../core/spec.js";
import { bindLog } from "../../host/log.js";
import { specRootfs } from "../../host/oci.js";
import { readSpecSource, writeSpec } from "../../host/oci-edit.js";
import { claimHandedOver, releasePendingClaim } from "../../steps/claims.js";
import type { Context } from "../../steps/context.js";
import { prepareContainer, skipEarly } from "../../steps/prepare.js";

export interface InjectArgs {
  bundle: string;
  id?: string;
}

/** Edits the bundle for one container; a skip leaves config.json untouched. */
export async function runInject(ctx: Context, args: InjectArgs, hook: HookCommand): Promise<void> {
  const source = readSpecSource(args.bundle);
  const id = args.id ?? basename(args.bundle);
  bindLog({ container: id });
  if (await skipEarly(viewFromSpec(source.plain, id, "runc"), ctx)) return;
  const edited = source.edit();
  const { spec } = edited;
  const plan = await prepareContainer(spec, viewFromSpec(spec, id, "runc"), ctx, hook, specRootfs(spec, args.bundle));
  if (plan.kind === "skip") return;
  await writeSpec(args.bundle, edited).catch(async (err: unknown) => {
    await releasePendingClaim();
    throw err;
  });
  claimHandedOver();
}
