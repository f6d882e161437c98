// The configuration on the hot path, without zod. Every hook, precreate and runtime call
// reads the config; building the zod/mini schema alone costs a hook ~3–4 ms of its ~10 ms.
// So this module holds what reading a config needs — the defaults, word lists and patterns
// (stated here once; the schema uses them), the file path, the OCI_METADATA_* overrides — and
// `fastConfig`, the schema's structure written out by hand. It
// only ever says yes: for anything it does not accept (every invalid config, and anything
// it is unsure about) it returns undefined and the caller asks the zod schema in config.ts,
// which gives the verdict and the error message. A property test holds the two to the same
// answer: whatever fastConfig accepts, the schema accepts with the same result.
import { SEGMENT_PATTERN } from "./names.js";
import { NRI_PLUGIN_IDX_PATTERN, NRI_PLUGIN_NAME_PATTERN } from "./nri-plugin-name.js";

/** Every OCI hook stage we can register, in the order a runtime runs them. */
export const STAGES = ["prestart", "createRuntime", "poststart", "poststop"] as const;

export type Stage = (typeof STAGES)[number];

/** A static identity string, or where to read it from at hook time. */
export type IdentitySource = string | { file: string } | { env: string };

/** The configuration, as the schema in config.ts yields it (that file checks, at compile time,
 * that its schema's output type is exactly this one). */
export interface Config {
  enabled: (typeof ENABLED_VALUES)[number];
  optInAnnotation: string;
  hostRoot: string;
  containerRoot: string;
  fileName: string;
  envName: string;
  stages: Stage[];
  failurePolicy: (typeof FAILURE_POLICIES)[number];
  identity: {
    cluster?: IdentitySource;
    containerInstance?: IdentitySource;
    availabilityZone?: IdentitySource;
    hostPrivateIPv4Address?: IdentitySource;
    hostPublicIPv4Address?: IdentitySource;
    hostIPv6Address?: IdentitySource;
  };
  annotationsToInclude: string[];
  windows: { hostRoot: string; containerRoot: string };
  log: { level: (typeof LOG_LEVELS)[number]; file?: string };
  dockerSocket: string;
  nri: { socket: string; pluginName: string; pluginIdx: string; httpAddress: string; lockFile?: string };
}

/** The words and patterns of the config's rules, stated once (the schema in config.ts uses them). */
export const ENABLED_VALUES = ["always", "opt-in", "never"] as const;
export const FAILURE_POLICIES = ["ignore", "fail"] as const;
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export const ABSOLUTE_POSIX = /^\/.*/;
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** nri.httpAddress: host:port (IPv6 in brackets), or "" for no listener. */
export const HTTP_ADDRESS = /^$|^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/;

/** The defaults, stated once (the schema in config.ts uses them too). */
export const DEFAULTS = {
  enabled: "opt-in",
  optInAnnotation: "oci-metadata.io/enabled",
  hostRoot: "/var/lib/ecs/data/metadata",
  containerRoot: "/ecs/metadata",
  fileName: "ecs-container-metadata.json",
  envName: "ECS_CONTAINER_METADATA_FILE",
  stages: ["createRuntime", "poststop"],
  failurePolicy: "ignore",
  windowsHostRoot: "%ProgramData%\\Amazon\\ECS\\data\\metadata",
  windowsContainerRoot: "C:\\Amazon\\ECS\\metadata",
  logLevel: "info",
  dockerSocket: "/var/run/docker.sock",
  nriSocket: "/var/run/nri/nri.sock",
  nriPluginName: "oci-metadata",
  nriPluginIdx: "50",
  nriHttpAddress: "127.0.0.1:9477",
} as const satisfies Record<string, string | readonly Stage[]>;

/** Default location of the config file. */
export const DEFAULT_CONFIG_PATH = "/etc/oci-metadata/config.json";

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
  OCI_METADATA_NRI_HTTP_ADDRESS: { path: ["nri", "httpAddress"], kind: "string" },
  OCI_METADATA_NRI_LOCK_FILE: { path: ["nri", "lockFile"], kind: "string" },
};

/** The env var names that override config keys. */
export const CONFIG_ENV_NAMES = Object.keys(ENV_KEYS);

/** "$OCI_METADATA_X (environment)" when a set env var overrides the key at (or above) `path`:
 * a bad value from there is the env var's, not the config file's (which may not exist). */
export function envSourceOf(path: readonly PropertyKey[], env: Record<string, string | undefined>): string | undefined {
  const key = path.map(String).join(".");
  for (const [name, { path: p }] of Object.entries(ENV_KEYS)) {
    const k = p.join(".");
    if (env[name] !== undefined && (key === k || key.startsWith(`${k}.`))) return `$${name} (environment)`;
  }
  return undefined;
}

/** Returns a copy of raw with every set OCI_METADATA_* override applied (lists are comma-separated). */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: Record<string, string | undefined>,
): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(raw);
  for (const [name, { path, kind }] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined) continue;
    const parsed =
      kind === "list"
        ? value
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : value;
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

/** The config from file text (undefined: no file) and env, when it is valid and plain enough
 * to be checked by hand; undefined means "ask the schema" (loadConfig in config.ts). */
export function fastConfig(text: string | undefined, env: Record<string, string | undefined>): Config | undefined {
  let raw: unknown = {};
  if (text !== undefined && text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (!isPlainObject(raw)) return undefined;
  const overridden = CONFIG_ENV_NAMES.some((name) => env[name] !== undefined);
  return checkConfig(overridden ? applyEnvOverrides(raw, env) : raw);
}

// The schema, by hand. Each reader returns the value the schema would produce, or FAIL.
const FAIL = Symbol("fail");
type Read<T> = T | typeof FAIL;

const TOP_KEYS = new Set([
  "enabled",
  "optInAnnotation",
  "hostRoot",
  "containerRoot",
  "fileName",
  "envName",
  "stages",
  "failurePolicy",
  "identity",
  "annotationsToInclude",
  "windows",
  "log",
  "dockerSocket",
  "nri",
]);
/** The identity keys of the config (each a static string, a file or an env var). */
export const IDENTITY_KEYS = [
  "cluster",
  "containerInstance",
  "availabilityZone",
  "hostPrivateIPv4Address",
  "hostPublicIPv4Address",
  "hostIPv6Address",
] as const;

/** Validates a raw config object by hand; undefined when anything is off. */
export function checkConfig(raw: Record<string, unknown>): Config | undefined {
  if (!onlyKeys(raw, TOP_KEYS)) return undefined;
  const identity = group(raw.identity, IDENTITY_KEYS);
  const windows = group(raw.windows, ["hostRoot", "containerRoot"]);
  const log = group(raw.log, ["level", "file"]);
  const nri = group(raw.nri, ["socket", "pluginName", "pluginIdx", "httpAddress", "lockFile"]);
  if (identity === FAIL || windows === FAIL || log === FAIL || nri === FAIL) return undefined;
  const out = {
    enabled: oneOf(raw.enabled, ENABLED_VALUES, DEFAULTS.enabled),
    optInAnnotation: str(raw.optInAnnotation, DEFAULTS.optInAnnotation, (s) => s.length >= 1),
    hostRoot: str(raw.hostRoot, DEFAULTS.hostRoot, (s) => ABSOLUTE_POSIX.test(s)),
    containerRoot: str(raw.containerRoot, DEFAULTS.containerRoot, (s) => ABSOLUTE_POSIX.test(s)),
    fileName: str(raw.fileName, DEFAULTS.fileName, (s) => SEGMENT_PATTERN.test(s)),
    envName: str(raw.envName, DEFAULTS.envName, (s) => ENV_NAME_PATTERN.test(s)),
    stages: list(raw.stages, [...DEFAULTS.stages], (x) => oneOf(x, STAGES, FAIL)),
    failurePolicy: oneOf(raw.failurePolicy, FAILURE_POLICIES, DEFAULTS.failurePolicy),
    identity: identityOf(identity),
    annotationsToInclude: list(raw.annotationsToInclude, [], (x) => (typeof x === "string" ? x : FAIL)),
    windows: both({
      hostRoot: str(windows.hostRoot, DEFAULTS.windowsHostRoot, () => true),
      containerRoot: str(windows.containerRoot, DEFAULTS.windowsContainerRoot, () => true),
    }),
    log: logOf(log),
    dockerSocket: str(raw.dockerSocket, DEFAULTS.dockerSocket, (s) => ABSOLUTE_POSIX.test(s)),
    nri: nriOf(nri),
  };
  return Object.values(out).includes(FAIL) ? undefined : (out as Config);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}

function onlyKeys(obj: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  return Object.keys(obj).every((k) => allowed.has(k));
}

// A nested group: absent → {}; otherwise a plain object with only the given keys.
function group(x: unknown, keys: readonly string[]): Read<Record<string, unknown>> {
  if (x === undefined) return {};
  return isPlainObject(x) && onlyKeys(x, new Set(keys)) ? x : FAIL;
}

function oneOf<T extends string, D>(x: unknown, values: readonly T[], fallback: D): Read<T | D> {
  if (x === undefined) return fallback;
  return typeof x === "string" && (values as readonly string[]).includes(x) ? (x as T) : FAIL;
}

function str(x: unknown, fallback: string, ok: (s: string) => boolean): Read<string> {
  if (x === undefined) return fallback;
  return typeof x === "string" && ok(x) ? x : FAIL;
}

function list<T>(x: unknown, fallback: T[], item: (x: unknown) => Read<T>): Read<T[]> {
  if (x === undefined) return [...fallback];
  if (!Array.isArray(x)) return FAIL;
  const out = x.map(item);
  return out.includes(FAIL) ? FAIL : (out as T[]);
}

// A group whose members were each read: FAIL when one failed.
function both<T extends Record<string, unknown>>(members: T): Read<{ [K in keyof T]: Exclude<T[K], typeof FAIL> }> {
  return Object.values(members).includes(FAIL) ? FAIL : (members as { [K in keyof T]: Exclude<T[K], typeof FAIL> });
}

function identityOf(g: Record<string, unknown>): Read<Config["identity"]> {
  const out: Config["identity"] = {};
  for (const key of IDENTITY_KEYS) {
    if (g[key] === undefined) continue;
    const source = identitySource(g[key]);
    if (source === FAIL) return FAIL;
    out[key] = source;
  }
  return out;
}

// A string, {"file": non-empty} or {"env": non-empty}, nothing else.
function identitySource(x: unknown): Read<IdentitySource> {
  if (typeof x === "string") return x;
  if (!isPlainObject(x)) return FAIL;
  const keys = Object.keys(x);
  if (keys.length !== 1) return FAIL;
  const value = x[keys[0]!];
  if (typeof value !== "string" || value.length === 0) return FAIL;
  if (keys[0] === "file") return { file: value };
  if (keys[0] === "env") return { env: value };
  return FAIL;
}

function nriOf(g: Record<string, unknown>): Read<Config["nri"]> {
  const out = both({
    socket: str(g.socket, DEFAULTS.nriSocket, (s) => ABSOLUTE_POSIX.test(s)),
    pluginName: str(g.pluginName, DEFAULTS.nriPluginName, (s) => NRI_PLUGIN_NAME_PATTERN.test(s)),
    pluginIdx: str(g.pluginIdx, DEFAULTS.nriPluginIdx, (s) => NRI_PLUGIN_IDX_PATTERN.test(s)),
    httpAddress: str(g.httpAddress, DEFAULTS.nriHttpAddress, (s) => HTTP_ADDRESS.test(s)),
  });
  if (out === FAIL) return FAIL;
  const nri = out as Config["nri"];
  if (g.lockFile === undefined) return nri;
  return typeof g.lockFile === "string" && ABSOLUTE_POSIX.test(g.lockFile) ? { ...nri, lockFile: g.lockFile } : FAIL;
}

function logOf(g: Record<string, unknown>): Read<Config["log"]> {
  const level = oneOf(g.level, LOG_LEVELS, DEFAULTS.logLevel);
  if (level === FAIL) return FAIL;
  if (g.file === undefined) return { level };
  return typeof g.file === "string" && ABSOLUTE_POSIX.test(g.file) ? { level, file: g.file } : FAIL;
}
