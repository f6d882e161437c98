// `oci-metadata runtime [--config F] [--runtime PATH] RUNC-ARGS…`: an OCI runtime in front of
// runc (Docker's daemon.json "runtimes", containerd's BinaryName). It decides from argv first:
//  - create: edit <bundle>/config.json (the same plan as every door), then hand over;
//  - start: for a Docker container we prepared, start the detached enricher (READY after
//    start), then hand over;
//  - anything else (state, kill, delete, exec probes…): hand over at once — no config read,
//    no zod, no logger.
// The hand-over is execv: same pid, argv, stdio, fds, signals and exit status.
// Errors follow failurePolicy and also go to the runtime's --log file in runc's format.
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { PINNED } from "../../core/container.js";
import { OciMetadataError } from "../../core/errors.js";
import { execProgram } from "../../host/exec.js";
import { which } from "../../host/which.js";
import { parseRuntimeArgv, type RuntimeCall } from "./pure/runtime-args.js";
import { runtimeLog } from "./runc-log.js";

/** Runs one runtime call; returns only when our own step failed under failurePolicy fail,
 * or the real runtime could not be executed. */
export async function runRuntime(argv: readonly string[]): Promise<number> {
  const call = parseRuntimeArgv(argv);
  const ours = call.command === "create" || (call.command === "start" && dockerPreparedByUs(call));
  if (ours && !(await ourStep(call))) return 1;
  // Flag or env only: a config key would be read on create/start but not on the other calls.
  const name = call.ours.runtime ?? process.env.OCI_METADATA_RUNTIME ?? "runc";
  try {
    return await execProgram(resolveRuntime(name), ["runc", ...call.runtimeArgv]);
  } catch (err) {
    runtimeLog(call.log, call.logFormat, "error", `oci-metadata: ${OciMetadataError.from(err).message}`);
    return 1;
  }
}

// create/start: our part, under the failure policy. Our stdio belongs to the container (the
// shim hands it to the runtime), so nothing is written there: logs go to log.file, and
// errors also to runc's --log file, where the engine looks for the runtime's errors.
async function ourStep(call: RuntimeCall): Promise<boolean> {
  const { fallbackPolicy, handleFailure } = await import("../../steps/failure-policy.js");
  const { bindLog, DEFAULT_LOG_FILE, useDefaultLogFile } = await import("../../host/log.js");
  let policy = fallbackPolicy();
  // Before the config: its errors, too, reach a file (never stderr, it is the container's).
  useDefaultLogFile(DEFAULT_LOG_FILE, "never");
  bindLog({ container: call.id });
  try {
    const { buildContext } = await import("../../steps/context.js");
    const ctx = await buildContext(call.ours.config);
    const { config } = ctx;
    policy = config.failurePolicy;
    if (!call.id) throw new OciMetadataError("usage", `runtime ${call.command}: no container id in the arguments`);
    const bundle = call.bundle ?? process.cwd(); // shims run the runtime in the bundle dir
    const { hookCommand } = await import("../../steps/hook-command.js");
    if (call.command === "create") {
      const { runtimeCreate } = await import("./runtime-create.js");
      await runtimeCreate(ctx, bundle, call.id, hookCommand(ctx.configPath, []));
    } else {
      const { startEnricher } = await import("./enrich.js");
      await startEnricher(ctx, hookCommand(ctx.configPath, []).path, call.id, bundle);
    }
    return true;
  } catch (err) {
    const e = OciMetadataError.from(err);
    runtimeLog(call.log, call.logFormat, policy === "fail" ? "error" : "warning", `oci-metadata: ${e.message}`);
    return (await handleFailure(err, policy, `runtime ${call.command}`, { stderr: false })) === 0;
  }
}

// `start` has work only for Docker containers our create prepared (our pinned annotation and
// Docker's container dir among the mounts); a substring test keeps every other start free of
// config, zod and JSON parsing.
function dockerPreparedByUs(call: RuntimeCall): boolean {
  try {
    const text = readFileSync(join(call.bundle ?? process.cwd(), "config.json"), "utf8");
    return text.includes(`"${PINNED.name}"`) && /\/containers\/[0-9a-f]{64}\/hostname"/.test(text);
  } catch {
    return false;
  }
}

function resolveRuntime(name: string): string {
  if (isAbsolute(name)) return name;
  const found = which(name);
  if (!found) throw new OciMetadataError("runtime", `finding the OCI runtime ${name}: not on PATH`);
  return found;
}
