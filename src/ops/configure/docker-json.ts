// daemon.json edits, pure: register oci-metadata as a Docker runtime, optionally the default,
// and take it out again without leaving dockerd a config it cannot reload.
//
// What dockerd does on SIGHUP (reproduced on 20.10.24 and 28.5.2, test/e2e/configure):
//   - it reloads `runtimes` and `default-runtime` only when the key is PRESENT in the file;
//   - so removing "default-runtime": "oci-metadata" and reloading keeps oci-metadata as the
//     default in memory: on 28.5 every `docker run` then fails with rc 127 once the binary is
//     gone; on 20.10, when another runtime remains in `runtimes`, the reload panics (nil
//     pointer in Reload) and dockerd dies;
//   - "default-runtime": "runc" (dockerd's own default) together with the runtime removed is
//     reloaded cleanly by both, and "runtimes": {} also drops ours from memory.
// Hence uninstall leaves "default-runtime": "runc" when we were the default, and a reload
// done by configure itself goes through that state before removing the leftovers.
import { describeValue, OciMetadataError } from "../../core/errors.js";

export const RUNTIME_NAME = "oci-metadata";
/** dockerd's built-in default runtime. */
export const DOCKER_DEFAULT_RUNTIME = "runc";

type Json = Record<string, unknown>;

/** What the runtime entry runs. */
export interface DockerRuntimeOptions {
  bin: string;
  /** The real runtime the wrapper hands over to. */
  runc: string;
  /** --config passed to the wrapper. */
  config?: string;
  setAsDefault: boolean;
}

/** Parses daemon.json text (absent or empty = {}); refuses anything but a JSON object. */
export function parseDaemonJson(text: string | undefined, path: string): Json {
  if (text === undefined || text.trim() === "") return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new OciMetadataError(
      "config-invalid",
      `reading ${path}: not valid JSON (${(err as Error).message}); fix it first, configure does not rewrite a file it cannot read`,
    );
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new OciMetadataError("config-invalid", `reading ${path}: expected a JSON object, got ${describeValue(raw)}`);
  }
  if ("runtimes" in raw && !isObject((raw as Json).runtimes)) {
    throw new OciMetadataError(
      "config-invalid",
      `reading ${path}: runtimes: expected an object, got ${describeValue((raw as Json).runtimes)}`,
    );
  }
  return raw as Json;
}

/** The runtime entry we register. */
export function runtimeEntry(o: DockerRuntimeOptions): Json {
  return { path: o.bin, runtimeArgs: ["runtime", ...(o.config ? ["--config", o.config] : []), "--runtime", o.runc] };
}

/** daemon.json with our runtime (and default) in; every other key kept. */
export function withRuntime(d: Json, o: DockerRuntimeOptions): Json {
  const out: Json = {
    ...d,
    runtimes: { ...((d.runtimes as Json | undefined) ?? {}), [RUNTIME_NAME]: runtimeEntry(o) },
  };
  if (o.setAsDefault) out["default-runtime"] = RUNTIME_NAME;
  return out;
}

/** daemon.json without our runtime; "default-runtime" becomes runc when it was ours (see top). */
export function withoutRuntime(d: Json): Json {
  const out: Json = { ...d };
  const runtimes: Json = { ...((d.runtimes as Json | undefined) ?? {}) };
  delete runtimes[RUNTIME_NAME];
  if (Object.keys(runtimes).length > 0) out.runtimes = runtimes;
  else delete out.runtimes;
  if (out["default-runtime"] === RUNTIME_NAME) out["default-runtime"] = DOCKER_DEFAULT_RUNTIME;
  return out;
}

/** The state a reload goes through so that dockerd drops ours from memory: runtimes present. */
export function reloadBridge(d: Json): Json {
  return { ...d, runtimes: (d.runtimes as Json | undefined) ?? {} };
}

/** After a reload proved dockerd runs without ours: drop the keys the bridge left. */
export function withoutBridgeLeftovers(d: Json, hadDefault: boolean): Json {
  const out: Json = { ...d };
  if (isObject(out.runtimes) && Object.keys(out.runtimes).length === 0) delete out.runtimes;
  if (hadDefault && out["default-runtime"] === DOCKER_DEFAULT_RUNTIME) delete out["default-runtime"];
  return out;
}

/** Whether daemon.json registers us, and as the default. */
export function registration(d: Json): { registered: boolean; isDefault: boolean; entry?: Json } {
  const entry = isObject(d.runtimes) ? (d.runtimes[RUNTIME_NAME] as Json | undefined) : undefined;
  return {
    registered: isObject(entry),
    isDefault: d["default-runtime"] === RUNTIME_NAME,
    entry: isObject(entry) ? entry : undefined,
  };
}

/** daemon.json text as configure writes it: the old text when nothing changed semantically,
 * undefined (remove the file) when nothing is left — dockerd reads an absent file as {}. */
export function renderDaemonJson(before: string | undefined, old: Json, next: Json): string | undefined {
  if (JSON.stringify(sorted(old)) === JSON.stringify(sorted(next))) return before;
  if (Object.keys(next).length === 0) return undefined;
  return `${JSON.stringify(next, null, 2)}\n`;
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sorted(v[k])]),
  );
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
