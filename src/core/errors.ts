// The one error type of oci-metadata. Every message is one line:
// `[code] doing what: detail`. Layers add their "doing what" with `wrap`.

const brand = Symbol.for("oci-metadata.error");

/** Closed set of failure kinds; doors map them to exit codes and log lines. */
export type ErrorCode =
  | "usage"
  | "not-found"
  | "config-invalid"
  | "state-invalid"
  | "spec-invalid"
  | "path-escape"
  | "symlink-refused"
  | "root-unsafe"
  | "netns-missing"
  | "mount-conflict"
  | "io"
  | "runtime"
  | "internal";

/** Error with a code from a closed union, a one-line message and the original cause. */
export class OciMetadataError extends Error {
  readonly code: ErrorCode;
  readonly rawMessage: string;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${oneLine(message)}`, options);
    this.name = "OciMetadataError";
    this.code = code;
    this.rawMessage = oneLine(message);
  }

  /** Normalises anything caught into an OciMetadataError (code `internal` or `io`). */
  static from(err: unknown, code: ErrorCode = "internal"): OciMetadataError {
    if (isOciMetadataError(err)) return err;
    if (err instanceof Error) {
      const errno = (err as { code?: unknown }).code;
      return new OciMetadataError(typeof errno === "string" ? "io" : code, err.message, { cause: err });
    }
    return new OciMetadataError(code, String(err), { cause: err });
  }
}

/** True for our errors, even across bundles/realms (checks the symbol brand). */
export function isOciMetadataError(err: unknown): err is OciMetadataError {
  return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[brand] === true;
}

/** Prefixes "doing what" to any error, keeping its code and cause. */
export function wrap(doing: string, err: unknown, code?: ErrorCode): OciMetadataError {
  const e = OciMetadataError.from(err, code);
  return new OciMetadataError(e.code, `${doing}: ${e.rawMessage}`, { cause: e.cause ?? err });
}

/** Collapses newlines and control characters so a message stays one log line. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

/** Describes a value for error messages: `"x" (string)`, `3 (number)`, trimmed. */
export function describeValue(value: unknown): string {
  const type = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return `${shown} (${type})`;
}
