// argv → one command; nothing else. Doors are imported lazily so each command loads only
// what it uses (the hook path never loads the NRI transport or protobuf code).
import { resolve } from "node:path";
import type { Stage } from "./core/config.js";
import { OciMetadataError } from "./core/errors.js";
import { fallbackPolicy, handleFailure } from "./doors/policy.js";
import { HELP, VERSION } from "./help.js";

interface Parsed {
  command?: string;
  positionals: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(["--config", "--bundle", "--id", "--engine", "--bin", "--socket", "--name", "--idx"]);

/** Splits argv into command, positionals and flags (`--x v`, `--x=v`, `--bool`). */
export function parseArgs(argv: readonly string[]): Parsed {
  const out: Parsed = { positionals: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (eq !== -1) out.flags.set(name, arg.slice(eq + 1));
      else if (VALUE_FLAGS.has(name)) {
        const value = argv[++i];
        if (value === undefined) throw new OciMetadataError("usage", `${name} needs a value`);
        out.flags.set(name, value);
      } else out.flags.set(name, true);
    } else if (arg === "-h") out.flags.set("--help", true);
    else if (out.command === undefined) out.command = arg;
    else out.positionals.push(arg);
  }
  return out;
}

/** Runs the command in argv; returns the exit code. */
export async function main(argv: readonly string[], stdout: (s: string) => void): Promise<number> {
  // The runtime wrapper's argv belongs to runc: hand it over raw, before any parsing.
  if (argv[0] === "runtime") return (await import("./doors/runtime.js")).runRuntime(argv.slice(1));
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    return usageError(err);
  }
  const { command, flags } = parsed;
  if (flags.has("--version") || command === "version") return print(stdout, `oci-metadata ${VERSION}\n`);
  if (command === undefined || command === "help") return print(stdout, HELP.main);
  if (flags.has("--help")) return command in HELP ? print(stdout, HELP[command as keyof typeof HELP]) : usageError(`unknown command ${command}`);
  const configArg = stringFlag(flags, "--config");
  let policy = fallbackPolicy();
  // precreate must print a config whatever happens: read its input before anything can fail.
  const stdin = command === "precreate" ? await (await import("./host/oci.js")).readStdin() : "";
  try {
    const { loadContext } = await import("./doors/context.js");
    const config = await loadContext(configArg);
    policy = config.failurePolicy;
    switch (command) {
      case "hook":
        return await hook(parsed, config);
      case "inject":
        return await inject(parsed, config, configArg);
      case "precreate":
        return await precreate(stdin, stdout, config, configArg);
      case "nri": {
        const { runNriDaemon } = await import("./doors/nri-daemon.js");
        return await runNriDaemon(config, { socket: stringFlag(flags, "--socket"), name: stringFlag(flags, "--name"), idx: stringFlag(flags, "--idx") });
      }
      case "docker-enrich": {
        const id = stringFlag(flags, "--id");
        const bundle = stringFlag(flags, "--bundle");
        if (!id || !bundle) return usageError("docker-enrich needs --id ID and --bundle DIR");
        const { runDockerEnrich } = await import("./doors/docker-enrich.js");
        await runDockerEnrich(id, bundle, config);
        return 0;
      }
      case "show": {
        const target = parsed.positionals[0];
        if (!target) return usageError("show needs a container id or a path");
        const { runShow } = await import("./doors/show.js");
        return print(stdout, await runShow(target, flags.has("--json"), config));
      }
      case "hooks-file": {
        const { hooksDFile } = await import("./core/hooks-file.js");
        const { selfPath } = await import("./host/self.js");
        const bin = stringFlag(flags, "--bin") ?? selfPath();
        const file = hooksDFile(flags.has("--always") ? { ...config, enabled: "always" } : config, bin, configArg ? resolve(configArg) : undefined);
        return print(stdout, `${JSON.stringify(file, null, 2)}\n`);
      }
      case "schema": {
        const { documentJsonSchema } = await import("./doors/schema.js");
        return print(stdout, `${JSON.stringify(documentJsonSchema(), null, 2)}\n`);
      }
      default:
        return usageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof OciMetadataError && err.code === "usage") return usageError(err);
    const code = await handleFailure(err, command === "show" || command === "schema" || command === "hooks-file" ? "fail" : policy, command ?? "oci-metadata");
    if (command === "precreate" && code === 0) stdout(stdin); // ignore: the config exactly as it came
    return code;
  }
}

async function precreate(input: string, stdout: (s: string) => void, config: import("./core/config.js").Config, configArg: string | undefined): Promise<number> {
  const { runPrecreate } = await import("./doors/precreate.js");
  const { selfPath } = await import("./host/self.js");
  const extraArgs = ["--engine", "podman", ...(configArg ? ["--config", resolve(configArg)] : [])];
  return print(stdout, await runPrecreate(input, config, { path: selfPath(), extraArgs, timeout: 10 }));
}


async function hook(parsed: Parsed, config: import("./core/config.js").Config): Promise<number> {
  const { runHook, HOOK_STAGES } = await import("./doors/hooks.js");
  const stage = parsed.positionals[0] as Stage | undefined;
  if (!stage || !HOOK_STAGES.includes(stage)) return usageError(`hook needs a stage: ${HOOK_STAGES.join("|")}`);
  await runHook(stage, undefined, config, stringFlag(parsed.flags, "--engine") ?? "oci");
  return 0;
}

async function inject(parsed: Parsed, config: import("./core/config.js").Config, configArg: string | undefined): Promise<number> {
  const bundle = stringFlag(parsed.flags, "--bundle");
  if (!bundle) return usageError("inject needs --bundle DIR");
  const { runInject } = await import("./doors/inject.js");
  const { selfPath } = await import("./host/self.js");
  const extraArgs = ["--engine", "runc", ...(configArg ? ["--config", resolve(configArg)] : [])];
  await runInject({ bundle: resolve(bundle), id: stringFlag(parsed.flags, "--id") }, config, { path: selfPath(), extraArgs, timeout: 10 });
  return 0;
}

function stringFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === "string" ? v : undefined;
}

function print(stdout: (s: string) => void, text: string): number {
  stdout(text);
  return 0;
}

function usageError(err: unknown): number {
  const msg = err instanceof OciMetadataError ? err.rawMessage : String(err);
  process.stderr.write(`oci-metadata: ${msg}\nTry 'oci-metadata --help'.\n`);
  return 2;
}

