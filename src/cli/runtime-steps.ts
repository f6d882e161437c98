// What the before-create steps a runtime or engine runs (`inject`, `precreate`) do once their
// arguments are parsed: shared by the command table (commands.ts) and the fast entry
// (fast-entry.ts). Engines load lazily, so the table stays light.
import { OciMetadataError } from "../core/errors.js";
import type { StepSpec } from "./step.js";

/** An option's value when it is a string. */
export const str = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);

/** `inject --bundle DIR [--id ID]`. */
export const INJECT_STEP: StepSpec = {
  config: "required",
  interactive: false,
  async run({ ctx, values }) {
    const bundle = need(str(values.bundle), "inject needs --bundle DIR");
    const [{ runInject }, { hookCommand }, { resolve, join }, { existsSync }] = await Promise.all([
      import("../engines/runc/inject.js"),
      import("../steps/hook-command.js"),
      import("node:path"),
      import("node:fs"),
    ]);
    // No bundle is a mistake in the command line, not a container failing to start: it fails
    // whatever failurePolicy says (exit 2), instead of a log line and exit 0.
    if (!existsSync(join(bundle, "config.json"))) {
      throw new OciMetadataError("usage", `inject: ${JSON.stringify(bundle)} is not a bundle (no config.json in it)`);
    }
    await runInject(
      ctx,
      { bundle: resolve(bundle), id: str(values.id) },
      hookCommand(ctx.configPath, ["--engine", "runc"]),
    );
    return 0;
  },
};

/** `precreate` (config on stdin, edited config on stdout). */
export const PRECREATE_STEP: StepSpec = {
  config: "required",
  interactive: false,
  async run({ ctx, stdin, stdout }) {
    const [{ runPrecreate }, { hookCommand }] = await Promise.all([
      import("../engines/podman/precreate.js"),
      import("../steps/hook-command.js"),
    ]);
    stdout(await runPrecreate(ctx, stdin, hookCommand(ctx.configPath, ["--engine", "podman"])));
    (await import("../steps/claims.js")).claimHandedOver();
    return 0;
  },
};

/** The value, or a usage error saying what is missing. */
export function need(value: string | undefined, message: string): string {
  if (!value) throw new OciMetadataError("usage", message);
  return value;
}
