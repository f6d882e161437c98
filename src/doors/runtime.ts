// `oci-metadata runtime [--config F] [--runtime PATH] RUNC-ARGS…`: an OCI runtime in front of
// runc (Docker's daemon.json "runtimes", containerd's BinaryName). It decides from argv first:
//  - create: edit <bundle>/config.json (the same plan as every door), then hand over;
//  - start: under Docker, start the detached enricher (READY after start), then hand over;
//  - anything else (state, kill, delete, exec probes…): hand over at once — no config read,
//    no zod, no logger.
// The hand-over is execv: same pid, argv, stdio, fds, signals and exit status.
// Errors follow failurePolicy and also go to the runtime's --log file in runc's format.
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { PINNED } from "../core/container.js";
import { parseRuntimeArgv, type RuntimeCall } from "../core/runtime-args.js";
import { OciMetadataError } from "../core/errors.js";
import { execProgram } from "../host/exec.js";
import { runtimeLog } from "../host/runc-log.js";
import { which } from "../host/which.js";

/** Runs one runtime call; returns only when our own step failed under failurePolicy fail. */
export async function runRuntime(argv: readonly string[]): Promise<number> {
  const call = parseRuntimeArgv(argv);
  const ours = call.command === "create" || (call.command === "start" && preparedByUs(call));
  const wanted = ours ? await ourStep(call) : { ok: true, runtime: undefined };
  if (!wanted.ok) return 1;
  const runtime = resolveRuntime(call.ours.runtime ?? wanted.runtime ?? process.env.OCI_METADATA_RUNTIME ?? "runc");
  return execProgram(runtime, ["runc", ...call.runtimeArgv]);
}

// create/start: our part, under the failure policy. Returns the configured runtime.
async function ourStep(call: RuntimeCall): Promise<{ ok: boolean; runtime?: string }> {
  const { fallbackPolicy, handleFailure } = await import("./policy.js");
  let policy = fallbackPolicy();
  let runtime: string | undefined;
  try {
    const { loadContext } = await import("./context.js");
    const config = await loadContext(call.ours.config);
    policy = config.failurePolicy;
    runtime = config.runtime;
    if (!call.id) throw new OciMetadataError("usage", `runtime ${call.command}: no container id in the arguments`);
    const bundle = call.bundle ?? process.cwd(); // shims run the runtime in the bundle dir
    const { selfPath } = await import("../host/self.js");
    const configArg = call.ours.config;
    if (call.command === "create") {
      const { runtimeCreate } = await import("./runtime-create.js");
      await runtimeCreate(bundle, call.id, config, { path: selfPath(), extraArgs: configArg ? ["--config", configArg] : [], timeout: 10 });
    } else {
      const { startEnricher } = await import("./docker-enrich.js");
      await startEnricher(selfPath(), call.id, bundle, configArg, config);
    }
    return { ok: true, runtime };
  } catch (err) {
    const e = OciMetadataError.from(err);
    runtimeLog(call.log, call.logFormat, policy === "fail" ? "error" : "warning", `oci-metadata: ${e.message}`);
    const code = await handleFailure(err, policy, `runtime ${call.command}`);
    return { ok: code === 0, runtime };
  }
}

// `start` has work only for containers our create prepared (they carry our pinned annotation);
// a plain substring test keeps every other start free of config, zod and JSON parsing.
function preparedByUs(call: RuntimeCall): boolean {
  try {
    return readFileSync(join(call.bundle ?? process.cwd(), "config.json"), "utf8").includes(`"${PINNED.name}"`);
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
