// One command run for a runtime or a person, once its arguments are parsed: the watchdog, the
// failure policy (steps/failure-policy.ts), the input a runtime hands over on stdin, where the
// log goes, and the context. Shared by the CLI (run.ts) and the runtime commands' fast entry
// (fast-entry.ts), which must behave exactly alike; it loads no argv parser and no help text.
// Errors follow failurePolicy once, here: a command that serves a person prints one human line
// and fails; one that serves a container start obeys the policy. A watchdog keeps a stuck hook
// or precreate from outliving the runtime's timeout, so `ignore` never blocks a container.
// Static imports: whatever a command runs, it needs these (one module graph, no await per part).
import { OciMetadataError } from "../core/errors.js";
import { bindLog, bindLogLazily, DEFAULT_LOG_FILE, useDefaultLogFile } from "../host/log.js";
import { readStdinBytes } from "../host/oci.js";
import { buildContext, type Context, contextFor } from "../steps/context.js";
import { fallbackPolicy, handleFailure } from "../steps/failure-policy.js";

/** What a command's run() gets. */
export interface CommandInput {
  ctx: Context;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  stdout: (s: string | Uint8Array) => void;
  /** precreate and hook: their input, as bytes (precreate's output must keep them). */
  stdin: Uint8Array;
}

/** How a command runs (the command table, commands.ts, adds how it is parsed and helped). */
export interface StepSpec {
  /** "required": a bad config fails the command; "defaults": embedded defaults (+ env) are
   * used with a warning when the config is bad; "none": no config at all. */
  config: "required" | "defaults" | "none";
  /** Serves a person, not a container start: errors always fail, as one human line. */
  interactive: boolean;
  run(input: CommandInput): Promise<number>;
}

/** A command's arguments once parsed (parse.ts, or the hook's fast parse). */
export interface StepArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** --config given among the command's own options. */
  configPath?: string;
}

/** Every command someone waits for gives up by itself: hooks and precreate well inside the
 * runtime's 10 s hook timeout, inject likewise (it does the same work), the operator commands
 * after a few seconds, gc after a minute (it may ask dockerd). The NRI daemon runs until
 * stopped and bounds each request itself; the runtime wrapper becomes runc. */
export const WATCHDOG_MS: Record<string, number> = {
  hook: 8_000,
  precreate: 8_000,
  inject: 8_000,
  "docker-enrich": 90_000,
  show: 10_000,
  "hooks-file": 10_000,
  schema: 10_000,
  gc: 60_000,
};

/** Runs command `name`; `parse` turns its argv into arguments (its usage errors and --help are
 * handled here, like any failure). Returns the exit code. */
export async function runStep(
  name: string,
  spec: StepSpec,
  parse: () => StepArgs & { help?: boolean },
  globalConfig: string | undefined,
  stdout: (s: string | Uint8Array) => void,
  help: () => string,
): Promise<number> {
  let policy = spec.interactive ? "fail" : fallbackPolicy();
  // precreate must print a config whatever happens: under ignore any failure (usage errors
  // included) prints its input back unchanged. Only --help reads no input.
  let stdin: Uint8Array = new Uint8Array();
  const fail = async (err: unknown) => {
    if (err instanceof OciMetadataError && err.code === "usage" && name !== "precreate") return usageError(err, name);
    const code = await handleFailure(err, policy === "fail" ? "fail" : "ignore", name, { human: spec.interactive });
    if (name === "precreate" && code === 0) stdout(stdin); // the config exactly as it came
    return code;
  };
  const watchdog = startWatchdog(name, async (err) => {
    await (await import("../steps/claims.js")).releasePendingClaim(); // the container gets no mount
    return fail(err);
  });
  try {
    let args: (StepArgs & { help?: boolean }) | undefined;
    try {
      args = parse();
    } finally {
      if (name === "precreate" && !args?.help) stdin = await readInput();
    }
    if (args.help) {
      stdout(help());
      return 0;
    }
    // A hook's state is read before the config too: a config error's line names the container.
    if (name === "hook") stdin = await readStdinBytes();
    await logLikeARuntimeStep(name, args.values, stdin);
    const ctx = await contextOf(spec, args.configPath ?? globalConfig);
    if (!spec.interactive) policy = ctx.config.failurePolicy;
    return await spec.run({ ctx, values: args.values, positionals: args.positionals, stdout, stdin });
  } catch (err) {
    return fail(err);
  } finally {
    clearTimeout(watchdog);
  }
}

/** Commands a runtime runs: where they log without a log.file (host/log.ts), and whether
 * stderr is seen by anyone (runc shows a failing hook's stderr; detached steps have none). */
const RUNTIME_STEPS: Record<string, "also" | "never"> = { hook: "also", precreate: "also", "docker-enrich": "never" };

// Points the log of a runtime's step at the default file and names the container on every
// line, config errors included (the id is worked out only if a line is written).
async function logLikeARuntimeStep(name: string, values: Record<string, unknown>, stdin: Uint8Array): Promise<void> {
  const stderr = name === "gc" && values.auto === true ? "never" : RUNTIME_STEPS[name];
  if (stderr === undefined && name !== "inject") return;
  if (stderr) useDefaultLogFile(DEFAULT_LOG_FILE, stderr);
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  if (name === "inject") {
    const bundle = str(values.bundle)?.replace(/\/+$/, "");
    const id = str(values.id) ?? bundle?.slice(bundle.lastIndexOf("/") + 1);
    if (id) bindLog({ container: id });
  } else if (name === "docker-enrich" && str(values.id)) bindLog({ container: str(values.id) });
  else if (name === "hook" || name === "precreate")
    bindLogLazily(() => containerOf(name, Buffer.from(stdin).toString("utf8")));
}

// The container id in a hook's state (`id`) or in podman's proposed config (its cgroup path).
function containerOf(name: string, text: string): Record<string, unknown> {
  if (name === "precreate") {
    const id = /libpod(?:-payload)?[-:]([0-9a-f]{64})/.exec(text)?.[1];
    return id ? { container: id } : {};
  }
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === "string" ? { container: id } : {};
  } catch {
    return {};
  }
}

// The command's context: its config as the spec asks (required, defaults on error, or none).
async function contextOf(spec: StepSpec, configPath: string | undefined): Promise<Context> {
  if (spec.config === "required") return buildContext(configPath);
  const { defaultConfig } = await import("../core/config.js");
  if (spec.config === "none") return contextFor(defaultConfig(), configPath);
  try {
    return await buildContext(configPath);
  } catch (err) {
    process.stderr.write(
      `oci-metadata: warning: ${OciMetadataError.from(err).rawMessage}; using the embedded defaults\n`,
    );
    return contextFor(defaultConfig());
  }
}

// Past the deadline: apply the policy and exit, whatever the stuck step is waiting for.
function startWatchdog(command: string, fail: (err: unknown) => Promise<number>): NodeJS.Timeout | undefined {
  const ms = WATCHDOG_MS[command];
  if (ms === undefined) return undefined;
  const timer = setTimeout(() => {
    void fail(new OciMetadataError("internal", `${command}: gave up after ${ms} ms`)).then((code) =>
      process.exit(code),
    );
  }, ms);
  timer.unref();
  return timer;
}

async function readInput(): Promise<Uint8Array> {
  try {
    return await readStdinBytes();
  } catch {
    return new Uint8Array();
  }
}

/** Prints a usage error (one line and a hint) on stderr; returns exit code 2. */
export function usageError(err: unknown, command?: string): number {
  const msg = err instanceof OciMetadataError ? err.rawMessage : String(err);
  const hint = command ? `oci-metadata ${command} --help` : "oci-metadata --help";
  process.stderr.write(`oci-metadata: ${msg}\nTry '${hint}'.\n`);
  return 2;
}
