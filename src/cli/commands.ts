// The command table: for each command its options (node:util.parseArgs, strict), its
// positionals, its help, whether it needs a valid config, and what it runs. It is the one
// source for argv parsing, `COMMAND --help`, `help COMMAND` and the main help's list.
// Each entry loads its engine lazily, so a hook never loads the NRI transport, protobuf code
// or the Docker client. (`runtime` is not parsed here: its argv belongs to runc.)
import type { ParseArgsConfig } from "node:util";
import { STAGES } from "../core/config-fast.js";
import { OciMetadataError } from "../core/errors.js";
import type { RuntimeView } from "../engines/nri/liveness.js";
import { CONFIGURE_HELP, CONFIGURE_OPTIONS, CONFIGURE_USAGE } from "../ops/configure/cli-spec.js";
import { DOCTOR_HELP, DOCTOR_OPTIONS, DOCTOR_USAGE } from "../ops/doctor/cli-spec.js";
import { INJECT_STEP, need, PRECREATE_STEP, str } from "./runtime-steps.js";
import type { StepSpec } from "./step.js";

export type { CommandInput } from "./step.js";

/** One command of the CLI: how it is parsed and helped, and (StepSpec) how it runs. */
export interface CommandSpec extends StepSpec {
  /** Usage line after `oci-metadata NAME`. */
  usage: string;
  /** One line for the main help. */
  summary: string;
  /** The rest of `NAME --help`. */
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** How many positionals it takes (max Infinity: any). */
  positionals: { min: number; max: number };
}

/** The commands, in the order the main help lists them. */
export const COMMANDS: Record<string, CommandSpec> = {
  inject: {
    usage: "inject --bundle DIR [--id ID]",
    summary: "edit a bundle's config.json for direct runc/crun use",
    help: `Plans the container in DIR (opt-in annotation, mount conflicts), creates its host dir and edits
DIR/config.json in place: a read-only bind mount of the host dir, the env var that points at the
file, and the configured stage hooks. A skipped container's config.json is left untouched.
--id is the id you will give runc (default: the bundle dir's name).`,
    options: { bundle: { type: "string" }, id: { type: "string" } },
    positionals: { min: 0, max: 0 },
    ...INJECT_STEP,
  },
  precreate: {
    usage: "precreate   (OCI config JSON on stdin)",
    summary: "hooks.d precreate filter (podman): config on stdin, edited config on stdout",
    help: `The oci-hooks(5) precreate stage (podman): reads the proposed config on stdin and prints the config
to use on stdout — with the read-only metadata mount, the env var and the stage hooks for enabled
containers, unchanged for all others. Under failurePolicy ignore any error prints the input
unchanged; stdout never carries anything but the config (logs go to stderr or log.file).`,
    options: {},
    positionals: { min: 0, max: 0 },
    ...PRECREATE_STEP,
  },
  runtime: {
    usage: "runtime [--config FILE] [--runtime PATH] RUNC-ARGS...",
    summary: 'OCI runtime wrapper in front of runc (Docker daemon.json "runtimes")',
    help: `An OCI runtime in front of runc, for Docker ("runtimes" in daemon.json) and containerd without
NRI. On create it edits <bundle>/config.json like every other engine door (mount, env, poststop
hook); on start it starts a detached process that writes the Docker-level facts (name, image,
real host ports, networks) once dockerd has started the container, and marks the file READY.
Every call, create and start included, then becomes the real runtime by execv: same pid,
arguments, stdio, fds, signals and exit status. Other commands (state, kill, delete, exec) are
handed over at once. --runtime (else $OCI_METADATA_RUNTIME, else runc on PATH) names it.
Every argument but --config and --runtime belongs to runc: only \`runtime --help\` alone prints
this text (\`runtime --version\` is runc's).`,
    options: {},
    positionals: { min: 0, max: Number.POSITIVE_INFINITY },
    config: "none",
    interactive: false,
    async run() {
      throw new OciMetadataError("internal", "runtime is dispatched before parsing");
    },
  },
  nri: {
    usage: "nri [--socket PATH] [--name NAME] [--idx NN] [--gc-interval SECONDS]",
    summary: "NRI plugin daemon for containerd >= 1.7 and CRI-O",
    help: `The NRI plugin (containerd >= 1.7 with NRI enabled, CRI-O): one daemon per node, speaking ttrpc
over the NRI socket (default /var/run/nri/nri.sock). On CreateContainer it adds the read-only
mount and the env var to enabled containers and writes their complete file at once (READY before
the container starts); PostStartContainer marks it running; StopContainer, RemoveContainer and
RemovePodSandbox clean up; Synchronize reconciles. Reconnects within a second when the runtime
restarts; SIGTERM stops it cleanly. One instance per node: a second one waits on nri.lockFile.
/healthz, /livez and /metrics (Prometheus) on nri.httpAddress (default 127.0.0.1:9477). Started
by the runtime from its plugin dir (NRI_PLUGIN_SOCKET set, no arguments) it uses the runtime's
socket. --socket, --name and --idx override the config's nri section. Every --gc-interval
seconds (default 300; 0: never) it runs gc with the runtime's container list.`,
    options: {
      socket: { type: "string" },
      name: { type: "string" },
      idx: { type: "string" },
      "gc-interval": { type: "string" },
    },
    positionals: { min: 0, max: 0 },
    config: "required",
    interactive: false,
    async run({ ctx, values }) {
      const { runNriDaemon } = await import("../engines/nri/daemon.js");
      const gc = async (runtimeView: RuntimeView | undefined) => {
        const { runGc } = await import("../ops/gc.js");
        await runGc(ctx, { dryRun: false, now: new Date(), logRemovals: true, runtimeView });
      };
      const every = str(values["gc-interval"]) ?? "300";
      if (!/^\d{1,7}$/.test(every))
        throw new OciMetadataError("usage", `--gc-interval: expected whole seconds, got ${JSON.stringify(every)}`);
      const flags = {
        socket: str(values.socket),
        name: str(values.name),
        idx: str(values.idx),
        gcIntervalMs: Number(every) * 1000,
      };
      return runNriDaemon(ctx, flags, gc);
    },
  },
  hook: {
    usage: `hook STAGE [--engine NAME]   (OCI state JSON on stdin)`,
    summary: `OCI hook: ${STAGES.join("|")} (state on stdin)`,
    help: `  prestart, createRuntime   write the complete file (identity + network), READY
  poststart                 rewrite it with Status "running"
  poststop                  remove the container's dir (and its task dir once empty)

Errors follow failurePolicy: ignore (default) logs one JSON line and exits 0; fail exits 1.`,
    options: { engine: { type: "string" } },
    positionals: { min: 1, max: 1 },
    config: "required",
    interactive: false,
    // hook-step.ts loads the whole hook statically: only a hook may pay for it.
    run: async (input) => (await import("./hook-step.js")).HOOK_STEP.run(input),
  },
  "docker-enrich": {
    usage: "docker-enrich --id ID --bundle DIR",
    summary: "(internal) write Docker's facts after start; started by the runtime wrapper",
    help: `Started detached by the runtime wrapper on \`start\`: asks dockerd for the container's inspect
and writes the READY file with name, image, host ports and networks.`,
    options: { id: { type: "string" }, bundle: { type: "string" } },
    positionals: { min: 0, max: 0 },
    config: "required",
    interactive: false,
    async run({ ctx, values }) {
      const id = need(str(values.id), "docker-enrich needs --id ID");
      const bundle = need(str(values.bundle), "docker-enrich needs --bundle DIR");
      const { runDockerEnrich } = await import("../engines/docker/enrich.js");
      await runDockerEnrich(ctx, id, bundle);
      return 0;
    },
  },
  "docker-watch": {
    usage: "docker-watch [--socket PATH]",
    summary: "daemon: Docker containers' files follow network (dis)connects; unfinished ones are retried",
    help: `A small daemon beside dockerd (packaging/oci-metadata-docker-watch.service). It follows dockerd's
events over the Engine API socket (--socket, else config dockerSocket) and rewrites the file of
a container of ours from inspect when it joins or leaves a network or starts. On every
(re)connect (it reconnects by itself when dockerd restarts) it rewrites every Docker file of a
running container, so files left without READY (dockerd unreachable after start) are finished
and missed events caught up. Rewrites that change nothing are skipped. SIGTERM stops it.`,
    options: { socket: { type: "string" } },
    positionals: { min: 0, max: 0 },
    config: "required",
    interactive: false,
    async run({ ctx, values }) {
      const { runDockerWatch } = await import("../engines/docker/watch.js");
      return runDockerWatch(ctx, { socket: str(values.socket) });
    },
  },
  show: {
    usage: "show ID|PATH [--json]",
    summary: "print what a container's metadata file says",
    help: `ID is a container id (or unique prefix) or name found under hostRoot; PATH is a metadata file or
its directory. --json prints the document as JSON.`,
    options: { json: { type: "boolean" } },
    positionals: { min: 1, max: 1 },
    config: "defaults",
    interactive: true,
    async run({ ctx, values, positionals, stdout }) {
      const { runShow } = await import("../ops/show.js");
      const { text, notes } = await runShow(ctx, positionals[0]!, values.json === true);
      for (const note of notes) process.stderr.write(`oci-metadata: note: ${note}\n`);
      stdout(text);
      return 0;
    },
  },
  "hooks-file": {
    usage: "hooks-file [--bin PATH] [--always]",
    summary: "print the podman hooks.d JSON for the current config",
    help: `Prints the oci-hooks(5) 1.0.0 JSON that registers the precreate hook with podman's hooks.d, for
the current config: with enabled: opt-in it matches only containers carrying the opt-in
annotation (anchored patterns), otherwise every container. --bin names the binary the hook runs
(default: this one); --always matches every container whatever the config (install.sh uses it
when the config does not validate); --config is passed on to the hook.`,
    options: { bin: { type: "string" }, always: { type: "boolean" } },
    positionals: { min: 0, max: 0 },
    config: "required",
    interactive: true,
    async run({ ctx, values, stdout }) {
      const [{ hooksDFile }, { selfPath }, { resolve }] = await Promise.all([
        import("../engines/podman/pure/hooks-file.js"),
        import("../host/self.js"),
        import("node:path"),
      ]);
      const config = values.always === true ? { ...ctx.config, enabled: "always" as const } : ctx.config;
      const file = hooksDFile(
        config,
        str(values.bin) ?? selfPath(),
        ctx.configPath ? resolve(ctx.configPath) : undefined,
      );
      stdout(`${JSON.stringify(file, null, 2)}\n`);
      return 0;
    },
  },
  gc: {
    usage: "gc [--dry-run] [--verbose]",
    summary: "remove the dirs of containers that no longer exist",
    help: `Removes the container dirs under hostRoot whose container no longer exists (its poststop never
ran: runtime state lost, runc kill without delete, a reboot, a killed or failed inject or
precreate) and the temp files of killed writers, and prints what it removed. A dir is kept when
it changed in the last 10 minutes (a claim whose container is on its way), when a live container
mounts it, or when the engine that wrote it (the file's Engine key) says the container runs or
cannot be asked (those are printed too). --dry-run removes nothing and prints what it would
remove; --verbose prints every kept dir with its reason. The NRI daemon runs it every 5 minutes,
and the poststop hook starts it (detached, --auto: log only) at most once per 5 minutes.`,
    options: { "dry-run": { type: "boolean" }, verbose: { type: "boolean" }, auto: { type: "boolean" } },
    positionals: { min: 0, max: 0 },
    config: "required",
    interactive: true,
    async run({ ctx, values, stdout }) {
      const { runGc, formatReport } = await import("../ops/gc.js");
      const dryRun = values["dry-run"] === true;
      const auto = values.auto === true; // started by a hook: report in the log only
      const report = await runGc(ctx, { dryRun, now: new Date(), logRemovals: auto });
      if (!auto) stdout(formatReport(report, dryRun, values.verbose === true));
      return 0;
    },
  },
  schema: {
    usage: "schema",
    summary: "print the JSON Schema of the metadata file",
    help: "Prints the JSON Schema (draft 2020-12) of the metadata file.",
    options: {},
    positionals: { min: 0, max: 0 },
    config: "none",
    interactive: true,
    async run({ stdout }) {
      const { documentJsonSchema } = await import("../ops/schema.js");
      stdout(`${JSON.stringify(documentJsonSchema(), null, 2)}\n`);
      return 0;
    },
  },
  configure: {
    usage: CONFIGURE_USAGE,
    summary: "register oci-metadata with an engine (or take it back): its config edited, the reload it needs",
    help: CONFIGURE_HELP,
    options: CONFIGURE_OPTIONS,
    positionals: { min: 0, max: 0 },
    config: "none",
    interactive: true,
    async run({ ctx, values, stdout }) {
      const { configureRequest, runConfigure } = await import("../ops/configure/configure.js");
      return runConfigure(configureRequest({ ...values, config: ctx.configPath }), stdout);
    },
  },
  doctor: {
    usage: DOCTOR_USAGE,
    summary: "is this host wired right? every engine found, NRI, the plugin, hostRoot, logs (exit 1 if not)",
    help: DOCTOR_HELP,
    options: DOCTOR_OPTIONS,
    positionals: { min: 0, max: 0 },
    config: "none",
    interactive: true,
    async run({ ctx, values, stdout }) {
      const { runDoctor } = await import("../ops/doctor/doctor.js");
      return runDoctor({ ...values, config: ctx.configPath }, stdout);
    },
  },
};
