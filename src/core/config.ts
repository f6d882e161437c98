// The configuration schema (zod/mini), its defaults and error messages that name the bad key.
// Pure: the caller reads the file and passes its text and the environment in. The hot path
// reads configs through config-fast.ts (the same rules by hand, no zod) and comes here only
// for a config that one does not accept: for the verdict and the message.
import * as z from "zod/mini";
import {
  ABSOLUTE_POSIX,
  applyEnvOverrides,
  type Config,
  DEFAULTS as D,
  ENABLED_VALUES,
  ENV_NAME_PATTERN,
  envSourceOf,
  FAILURE_POLICIES,
  HTTP_ADDRESS,
  LOG_LEVELS,
  STAGES,
} from "./config-fast.js";
import { describeValue, OciMetadataError } from "./errors.js";
import { SEGMENT_PATTERN } from "./names.js";
import { NRI_PLUGIN_IDX_PATTERN, NRI_PLUGIN_NAME_PATTERN } from "./nri-plugin-name.js";
import { describeIssue } from "./zod-issue.js";

const stage = z.enum(STAGES);

// A static identity string, or where to read it from at hook time.
const identitySource = z.union([
  z.string(),
  z.strictObject({ file: z.string().check(z.minLength(1)) }),
  z.strictObject({ env: z.string().check(z.minLength(1)) }),
]);

const absolutePosix = z.string().check(z.regex(ABSOLUTE_POSIX, "must be an absolute path"));

export const configSchema = z.strictObject({
  /** always: every container; opt-in: only with the annotation; never: off. */
  enabled: z._default(z.enum(ENABLED_VALUES), D.enabled),
  /** Annotation whose value ("true"/"false") opts a workload in or out. */
  optInAnnotation: z._default(z.string().check(z.minLength(1)), D.optInAnnotation),
  hostRoot: z._default(absolutePosix, D.hostRoot),
  containerRoot: z._default(absolutePosix, D.containerRoot),
  fileName: z._default(
    z.string().check(z.regex(SEGMENT_PATTERN, "must be a plain file name (not starting with a dot or a dash)")),
    D.fileName,
  ),
  envName: z._default(z.string().check(z.regex(ENV_NAME_PATTERN, "must be an env var name")), D.envName),
  /** Hook stages registered in the spec; createRuntime (or prestart) writes the file. */
  stages: z._default(z.array(stage), [...D.stages]),
  failurePolicy: z._default(z.enum(FAILURE_POLICIES), D.failurePolicy),
  identity: z.prefault(
    z.strictObject({
      cluster: z.optional(identitySource),
      containerInstance: z.optional(identitySource),
      availabilityZone: z.optional(identitySource),
      /** Override the host's addresses; by default they are read from its default-route interface. */
      hostPrivateIPv4Address: z.optional(identitySource),
      hostPublicIPv4Address: z.optional(identitySource),
      hostIPv6Address: z.optional(identitySource),
    }),
    {},
  ),
  /** Annotations (exact keys, or prefixes ending in `*`) copied into the file's `Annotations`. */
  annotationsToInclude: z._default(z.array(z.string()), []),
  /** Windows variants of the roots (used when the spec's platform is windows). */
  windows: z.prefault(
    z.strictObject({
      hostRoot: z._default(z.string(), D.windowsHostRoot),
      containerRoot: z._default(z.string(), D.windowsContainerRoot),
    }),
    {},
  ),
  log: z.prefault(
    z.strictObject({
      level: z._default(z.enum(LOG_LEVELS), D.logLevel),
      file: z.optional(absolutePosix),
    }),
    {},
  ),
  /** The Docker Engine API socket the runtime wrapper asks for Docker-level facts. */
  dockerSocket: z._default(absolutePosix, D.dockerSocket),
  /** The NRI plugin daemon (containerd ≥ 1.7, CRI-O). */
  nri: z.prefault(
    z.strictObject({
      socket: z._default(absolutePosix, D.nriSocket),
      pluginName: z._default(
        z.string().check(z.regex(NRI_PLUGIN_NAME_PATTERN, "must be a plain name")),
        D.nriPluginName,
      ),
      pluginIdx: z._default(
        z.string().check(z.regex(NRI_PLUGIN_IDX_PATTERN, "must be exactly two digits")),
        D.nriPluginIdx,
      ),
      /** host:port serving /healthz, /livez and /metrics; "" turns the listener off. */
      httpAddress: z._default(
        z.string().check(z.regex(HTTP_ADDRESS, "must be host:port (IPv6 in brackets) or empty")),
        D.nriHttpAddress,
      ),
      /** The one-instance-per-node lock; default <dir of socket>/oci-metadata.lock. */
      lockFile: z.optional(absolutePosix),
    }),
    {},
  ),
});

// The hand-written Config (config-fast.ts) and the schema's output must be the same type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaYieldsConfig: Same<z.infer<typeof configSchema>, Config> = true;
void schemaYieldsConfig;

export type { Config, IdentitySource, Stage } from "./config-fast.js";
export { applyEnvOverrides, CONFIG_ENV_NAMES, DEFAULT_CONFIG_PATH, envSourceOf, STAGES } from "./config-fast.js";

/** The defaults, as a Config. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** Parses config text (may be empty: defaults), applies env overrides, validates. */
export function loadConfig(
  text: string | undefined,
  env: Record<string, string | undefined>,
  source = "config",
): Config {
  let raw: unknown = {};
  if (text !== undefined && text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new OciMetadataError("config-invalid", `reading ${source}: not valid JSON: ${(err as Error).message}`);
    }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new OciMetadataError(
      "config-invalid",
      `reading ${source}: expected a JSON object, got ${describeValue(raw)}`,
    );
  }
  const merged = applyEnvOverrides(raw as Record<string, unknown>, env);
  // A bad value that came from the environment is reported as the env var's, not the file's
  // (which may not even exist).
  return validateConfig(merged, (path) => envSourceOf(path, env) ?? source);
}

/** Validates a raw object; the error names the first bad key, what was expected and what came,
 * and where that key came from (`source`, or per key path). */
export function validateConfig(
  raw: unknown,
  source: string | ((path: readonly PropertyKey[]) => string) = "config",
): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const where = typeof source === "string" ? source : source(result.error.issues[0]!.path);
  throw new OciMetadataError(
    "config-invalid",
    `reading ${where}: ${describeIssue(result.error.issues, raw, describeValue, configSchema)}`,
  );
}
