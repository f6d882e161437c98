// The configuration schema (zod/mini: the hook path cannot afford full zod's start-up),
// its defaults, env overrides (`OCI_METADATA_*`) and error messages that name the bad key.
// Pure: the caller reads the file and passes its text and the environment in.
import * as z from "zod/mini";
import { describeValue, OciMetadataError } from "./errors.js";
import { SEGMENT_PATTERN } from "./names.js";
import { NRI_PLUGIN_IDX_PATTERN, NRI_PLUGIN_NAME_PATTERN } from "./nri-plugin-name.js";
import { describeIssue } from "./zod-issue.js";

/** Every OCI hook stage we can register, in the order a runtime runs them. */
export const STAGES = ["prestart", "createRuntime", "poststart", "poststop"] as const;
const stage = z.enum(STAGES);
export type Stage = z.infer<typeof stage>;

// A static identity string, or where to read it from at hook time.
const identitySource = z.union([
  z.string(),
  z.strictObject({ file: z.string().check(z.minLength(1)) }),
  z.strictObject({ env: z.string().check(z.minLength(1)) }),
]);
export type IdentitySource = z.infer<typeof identitySource>;

const absolutePosix = z.string().check(z.regex(/^\/.*/, "must be an absolute path"));

export const configSchema = z.strictObject({
  /** always: every container; opt-in: only with the annotation; never: off. */
  enabled: z._default(z.enum(["always", "opt-in", "never"]), "opt-in"),
  /** Annotation whose value ("true"/"false") opts a workload in or out. */
  optInAnnotation: z._default(z.string().check(z.minLength(1)), "oci-metadata.io/enabled"),
  hostRoot: z._default(absolutePosix, "/var/lib/ecs/data/metadata"),
  containerRoot: z._default(absolutePosix, "/ecs/metadata"),
  fileName: z._default(z.string().check(z.regex(SEGMENT_PATTERN, "must be a plain file name (not starting with a dot)")), "ecs-container-metadata.json"),
  envName: z._default(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an env var name")), "ECS_CONTAINER_METADATA_FILE"),
  /** Hook stages registered in the spec; createRuntime (or prestart) writes the file. */
  stages: z._default(z.array(stage), ["createRuntime", "poststop"]),
  failurePolicy: z._default(z.enum(["ignore", "fail"]), "ignore"),
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
      hostRoot: z._default(z.string(), "%ProgramData%\\Amazon\\ECS\\data\\metadata"),
      containerRoot: z._default(z.string(), "C:\\Amazon\\ECS\\metadata"),
    }),
    {},
  ),
  log: z.prefault(
    z.strictObject({
      level: z._default(z.enum(["debug", "info", "warn", "error", "silent"]), "info"),
      file: z.optional(absolutePosix),
    }),
    {},
  ),
  /** The Docker Engine API socket the runtime wrapper asks for Docker-level facts. */
  dockerSocket: z._default(absolutePosix, "/var/run/docker.sock"),
  /** The NRI plugin daemon (containerd ≥ 1.7, CRI-O). */
  nri: z.prefault(
    z.strictObject({
      socket: z._default(absolutePosix, "/var/run/nri/nri.sock"),
      pluginName: z._default(z.string().check(z.regex(NRI_PLUGIN_NAME_PATTERN, "must be a plain name")), "oci-metadata"),
      pluginIdx: z._default(z.string().check(z.regex(NRI_PLUGIN_IDX_PATTERN, "must be exactly two digits")), "50"),
    }),
    {},
  ),
});

export type Config = z.infer<typeof configSchema>;

/** Default location of the config file. */
export const DEFAULT_CONFIG_PATH = "/etc/oci-metadata/config.json";

/** The defaults, as a Config. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** Parses config text (may be empty: defaults), applies env overrides, validates. */
export function loadConfig(text: string | undefined, env: Record<string, string | undefined>, source = "config"): Config {
  let raw: unknown = {};
  if (text !== undefined && text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new OciMetadataError("config-invalid", `reading ${source}: not valid JSON: ${(err as Error).message}`);
    }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new OciMetadataError("config-invalid", `reading ${source}: expected a JSON object, got ${describeValue(raw)}`);
  }
  const merged = applyEnvOverrides(raw as Record<string, unknown>, env);
  return validateConfig(merged, source);
}

/** Validates a raw object; the error names the first bad key, what was expected and what came. */
export function validateConfig(raw: unknown, source = "config"): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new OciMetadataError("config-invalid", `reading ${source}: ${describeIssue(result.error.issues, raw, describeValue)}`);
}

// OCI_METADATA_<KEY> for top-level keys, OCI_METADATA_<GROUP>_<KEY> for nested ones.
const ENV_KEYS: Record<string, { path: string[]; kind: "string" | "list" }> = {
  OCI_METADATA_ENABLED: { path: ["enabled"], kind: "string" },
  OCI_METADATA_OPT_IN_ANNOTATION: { path: ["optInAnnotation"], kind: "string" },
  OCI_METADATA_HOST_ROOT: { path: ["hostRoot"], kind: "string" },
  OCI_METADATA_CONTAINER_ROOT: { path: ["containerRoot"], kind: "string" },
  OCI_METADATA_FILE_NAME: { path: ["fileName"], kind: "string" },
  OCI_METADATA_ENV_NAME: { path: ["envName"], kind: "string" },
  OCI_METADATA_STAGES: { path: ["stages"], kind: "list" },
  OCI_METADATA_FAILURE_POLICY: { path: ["failurePolicy"], kind: "string" },
  OCI_METADATA_IDENTITY_CLUSTER: { path: ["identity", "cluster"], kind: "string" },
  OCI_METADATA_IDENTITY_CONTAINER_INSTANCE: { path: ["identity", "containerInstance"], kind: "string" },
  OCI_METADATA_IDENTITY_AVAILABILITY_ZONE: { path: ["identity", "availabilityZone"], kind: "string" },
  OCI_METADATA_IDENTITY_HOST_PRIVATE_IPV4_ADDRESS: { path: ["identity", "hostPrivateIPv4Address"], kind: "string" },
  OCI_METADATA_IDENTITY_HOST_PUBLIC_IPV4_ADDRESS: { path: ["identity", "hostPublicIPv4Address"], kind: "string" },
  OCI_METADATA_IDENTITY_HOST_IPV6_ADDRESS: { path: ["identity", "hostIPv6Address"], kind: "string" },
  OCI_METADATA_ANNOTATIONS_TO_INCLUDE: { path: ["annotationsToInclude"], kind: "list" },
  OCI_METADATA_WINDOWS_HOST_ROOT: { path: ["windows", "hostRoot"], kind: "string" },
  OCI_METADATA_WINDOWS_CONTAINER_ROOT: { path: ["windows", "containerRoot"], kind: "string" },
  OCI_METADATA_LOG_LEVEL: { path: ["log", "level"], kind: "string" },
  OCI_METADATA_LOG_FILE: { path: ["log", "file"], kind: "string" },
  OCI_METADATA_DOCKER_SOCKET: { path: ["dockerSocket"], kind: "string" },
  OCI_METADATA_NRI_SOCKET: { path: ["nri", "socket"], kind: "string" },
  OCI_METADATA_NRI_PLUGIN_NAME: { path: ["nri", "pluginName"], kind: "string" },
  OCI_METADATA_NRI_PLUGIN_IDX: { path: ["nri", "pluginIdx"], kind: "string" },
};

/** Returns a copy of raw with every set OCI_METADATA_* override applied (lists are comma-separated). */
export function applyEnvOverrides(raw: Record<string, unknown>, env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(raw);
  for (const [name, { path, kind }] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined) continue;
    const parsed = kind === "list" ? value.split(",").map((s) => s.trim()).filter(Boolean) : value;
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      node[key] = typeof next === "object" && next !== null && !Array.isArray(next) ? { ...next } : {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = parsed;
  }
  return out;
}
