// The oci-hooks(5) 1.0.0 file that registers our precreate filter with podman's hooks.d.
// Podman refuses EVERY container when one file in its hooks dir is invalid, so this file is
// generated from a validated config only, and never depends on anything read at run time.
// Regexes are RE2 and unanchored in podman, hence ^…$ everywhere.
import type { Config } from "../../../core/config.js";
import { OciMetadataError } from "../../../core/errors.js";
import { OPT_IN_TRUE_WORDS, SEED_OPT_IN_KEY } from "../../../core/plan.js";

/** PATH for the hook: podman runs precreate with an empty environment. */
export const HOOK_PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Escapes a literal for an RE2 pattern. */
export function re2Literal(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/** The hooks.d JSON for a config: opt-in filters on the annotation, otherwise always.
 * The binary must be an absolute path: podman runs hooks from another directory and, for a
 * relative one, silently runs nothing. */
export function hooksDFile(config: Config, binary: string, configPath?: string): Record<string, unknown> {
  if (!binary.startsWith("/")) {
    throw new OciMetadataError(
      "usage",
      `hooks-file --bin: expected an absolute path (podman runs the hook from another directory), got ${JSON.stringify(binary)}`,
    );
  }
  const when =
    config.enabled === "opt-in"
      ? {
          annotations: {
            [`^(${re2Literal(config.optInAnnotation)}|${re2Literal(SEED_OPT_IN_KEY)})$`]: `^(?i)\\s*(${OPT_IN_TRUE_WORDS.join("|")})\\s*$`,
          },
        }
      : { always: true };
  return {
    version: "1.0.0",
    hook: {
      path: binary,
      args: ["oci-metadata", "precreate", ...(configPath ? ["--config", configPath] : [])],
      env: [HOOK_PATH_ENV],
      timeout: 10,
    },
    when,
    stages: ["precreate"],
  };
}
