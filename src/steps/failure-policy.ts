// The failure policy, applied once per command: `ignore` logs one JSON line and exits 0 so
// metadata trouble never blocks a container; `fail` also prints the message on stderr (which
// runc puts into its own error) and exits 1.
import { OciMetadataError } from "../core/errors.js";
import { log, logFile } from "../host/log.js";

export type FailurePolicy = "ignore" | "fail";

/** The policy to use when the config itself could not be read: the env override, else ignore. */
export function fallbackPolicy(env: NodeJS.ProcessEnv = process.env): FailurePolicy {
  return env.OCI_METADATA_FAILURE_POLICY === "fail" ? "fail" : "ignore";
}

/** How a failure is reported besides the log. */
export interface FailureOptions {
  /** false: never write to stderr (the runtime wrapper's stderr is the container's). */
  stderr?: boolean;
  /** An interactive command: the human line only, unless logs go to a file. */
  human?: boolean;
}

/** Logs the error and returns the exit code the policy asks for. */
export async function handleFailure(
  err: unknown,
  policy: FailurePolicy,
  doing: string,
  opts: FailureOptions = {},
): Promise<number> {
  const e = OciMetadataError.from(err);
  // A person at a terminal gets one human line; the JSON line goes only to a log file.
  if (!opts.human || logFile() !== undefined) {
    await log("error", `${doing} failed: ${e.message}`, { code: e.code, policy }).catch(() => undefined);
  }
  if (policy === "ignore") return 0;
  if (opts.stderr !== false) process.stderr.write(`oci-metadata: ${e.message}\n`);
  return 1;
}
