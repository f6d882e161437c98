// What `hook STAGE` runs once its arguments are parsed. Its own module (not only an entry of
// the command table) so the fast entry (fast-entry.ts) reaches it without the table's
// help texts and the other commands' option specs. Its parts are imported statically: a hook
// loads them all anyway, and one module graph loads faster than a chain of import() calls.
import type { Stage } from "../core/config.js";
import { STAGES } from "../core/config-fast.js";
import { OciMetadataError } from "../core/errors.js";
import { runHook } from "../engines/runc/stage-hooks.js";
import { startGcIfDue } from "../steps/auto-gc.js";
import type { StepSpec } from "./step.js";

/** The hook command's step: a valid config required, failures follow the policy. */
export const HOOK_STEP: StepSpec = {
  config: "required",
  interactive: false,
  async run({ ctx, values, positionals, stdin }) {
    const stage = positionals[0] as Stage;
    if (!STAGES.includes(stage)) throw new OciMetadataError("usage", `hook needs a stage: ${STAGES.join("|")}`);
    const engine = typeof values.engine === "string" ? values.engine : "oci";
    await runHook(ctx, stage, Buffer.from(stdin).toString("utf8"), engine);
    if (stage === "poststop") await startGcIfDue(ctx);
    return 0;
  },
};
