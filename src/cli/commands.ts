// The commands behind argv (cli.ts parses and dispatches; each entry loads its door lazily,
// so a hook never loads the NRI transport, protobuf code or the Docker client).
import { resolve } from "node:path";
import type { Config, Stage } from "../core/config.js";
import { OciMetadataError } from "../core/errors.js";

/** A parsed command line. */
export interface Parsed {
  command?: string;
  positionals: string[];
  flags: Map<string, string | true>;
}

/** What a command gets: parsed argv, the config, stdout, and (precreate) its stdin. */
export interface CommandContext {
  parsed: Parsed;
  config: Config;
  configArg?: string;
  stdout: (s: string | Uint8Array) => void;
  /** precreate's input, as bytes: its output must keep them. */
  stdin: Uint8Array;
}

/** Value of a --flag that takes one. */
export function stringFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === "string" ? v : undefined;
}

function need(value: string | undefined, message: string): string {
  if (!value) throw new OciMetadataError("usage", message);
  return value;
}

/** The commands that need a config; each returns its exit code. */
export const COMMANDS: Record<string, (c: CommandContext) => Promise<number>> = {
  async hook({ parsed, config }) {
    const { runHook, HOOK_STAGES } = await import("../engines/runc/stage-hooks.js");
    const stage = parsed.positionals[0] as Stage | undefined;
    if (!stage || !HOOK_STAGES.includes(stage)) throw new OciMetadataError("usage", `hook needs a stage: ${HOOK_STAGES.join("|")}`);
    await runHook(stage, undefined, config, stringFlag(parsed.flags, "--engine") ?? "oci");
    return 0;
  },
  async inject({ parsed, config, configArg }) {
    const bundle = need(stringFlag(parsed.flags, "--bundle"), "inject needs --bundle DIR");
    const [{ runInject }, { hookCommand }] = await Promise.all([import("../engines/runc/inject.js"), import("../steps/hook-command.js")]);
    await runInject({ bundle: resolve(bundle), id: stringFlag(parsed.flags, "--id") }, config, hookCommand(configArg, ["--engine", "runc"]));
    return 0;
  },
  async precreate({ config, configArg, stdin, stdout }) {
    const [{ runPrecreate }, { hookCommand }] = await Promise.all([import("../engines/podman/precreate.js"), import("../steps/hook-command.js")]);
    stdout(await runPrecreate(stdin, config, hookCommand(configArg, ["--engine", "podman"])));
    return 0;
  },
  async nri({ parsed, config }) {
    const { runNriDaemon } = await import("../engines/nri/daemon.js");
    const f = parsed.flags;
    return runNriDaemon(config, { socket: stringFlag(f, "--socket"), name: stringFlag(f, "--name"), idx: stringFlag(f, "--idx") });
  },
  async "docker-enrich"({ parsed, config }) {
    const id = need(stringFlag(parsed.flags, "--id"), "docker-enrich needs --id ID");
    const bundle = need(stringFlag(parsed.flags, "--bundle"), "docker-enrich needs --bundle DIR");
    const { runDockerEnrich } = await import("../engines/docker/enrich.js");
    await runDockerEnrich(id, bundle, config);
    return 0;
  },
  async show({ parsed, config, stdout }) {
    const target = need(parsed.positionals[0], "show needs a container id or a path");
    const { runShow } = await import("../ops/show.js");
    stdout(await runShow(target, parsed.flags.has("--json"), config));
    return 0;
  },
  async "hooks-file"({ parsed, config, configArg, stdout }) {
    const [{ hooksDFile }, { selfPath }] = await Promise.all([import("../engines/podman/pure/hooks-file.js"), import("../host/self.js")]);
    const effective: Config = parsed.flags.has("--always") ? { ...config, enabled: "always" } : config;
    const file = hooksDFile(effective, stringFlag(parsed.flags, "--bin") ?? selfPath(), configArg ? resolve(configArg) : undefined);
    stdout(`${JSON.stringify(file, null, 2)}\n`);
    return 0;
  },
  async schema({ stdout }) {
    const { documentJsonSchema } = await import("../ops/schema.js");
    stdout(`${JSON.stringify(documentJsonSchema(), null, 2)}\n`);
    return 0;
  },
};

/** Commands whose errors always fail (they serve a person, not a container start). */
export const INTERACTIVE = new Set(["show", "schema", "hooks-file"]);
