// The container state a runtime hands every hook on stdin (runtime-spec `state`), checked by
// hand: it is five fields, and a schema library costs a hook more start-up than its whole
// check. Errors read like every validation error of ours: "<key>: expected …, got <value>".
import { isRecord, stringRecord } from "./container.js";
import { describeValue, OciMetadataError } from "./errors.js";

/** The container state as hooks receive it. */
export interface OciState {
  id: string;
  status?: string;
  /** Absent (runc poststop) or 0 (crun) when there is no process. */
  pid?: number;
  bundle: string;
  annotations: Record<string, string>;
}

const DOING = "reading the OCI state on stdin";

/** Parses and validates state JSON text; `bundlePath` is the pre-1.0 name some runtimes send. */
export function parseState(text: string): OciState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new OciMetadataError("state-invalid", `${DOING}: not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(raw)) throw invalid("(root)", "expected object", raw);
  for (const key of ["ociVersion", "id", "status"] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== "string") throw invalid(key, "expected string", raw[key]);
    if (key === "id" && typeof raw.id !== "string") throw invalid("id", "expected string", raw.id);
  }
  const id = raw.id as string;
  if (id.length === 0) throw invalid("id", "expected at least 1 character(s)", id);
  const pid = raw.pid;
  if (pid !== undefined) {
    if (typeof pid !== "number" || !Number.isFinite(pid)) throw invalid("pid", "expected number", pid);
    if (!Number.isSafeInteger(pid)) throw invalid("pid", "expected int", pid);
    if (pid < 0) throw invalid("pid", "expected at least 0", pid);
  }
  for (const key of ["bundle", "bundlePath"] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== "string") throw invalid(key, "expected string", raw[key]);
  }
  if (raw.annotations !== undefined && !isRecord(raw.annotations))
    throw invalid("annotations", "expected record", raw.annotations);
  const bundle = (raw.bundle ?? raw.bundlePath) as string | undefined;
  if (!bundle?.startsWith("/")) throw invalid("bundle", "expected an absolute path", bundle);
  const status = raw.status as string | undefined;
  return {
    id,
    status,
    pid: (pid as number | undefined) || undefined,
    bundle,
    annotations: stringRecord(raw.annotations),
  };
}

function invalid(key: string, expected: string, got: unknown): OciMetadataError {
  return new OciMetadataError("state-invalid", `${DOING}: ${key}: ${expected}, got ${describeValue(got)}`);
}
