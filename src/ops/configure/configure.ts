// `oci-metadata configure`: registers oci-metadata with one engine (or takes it back), by
// editing the engine's own config with a real parser, idempotently, with a backup of every
// file we do not own; --dry-run prints the diffs instead. Each engine's step lives in its own
// file; this one holds the options, the dry-run/write I/O and the dispatch.
import { resolve } from "node:path";
import { OciMetadataError } from "../../core/errors.js";
import { selfPath } from "../../host/self.js";
import { configureContainerd } from "./containerd.js";
import { configureCrio } from "./crio.js";
import { configureDocker } from "./docker.js";
import { pathFlagsHelp, pathOptionSpecs, pathsFromFlags } from "./engine-paths.js";
import { applyChange, type FileChange } from "./file-change.js";
import { configurePodman } from "./podman.js";
import { unifiedDiff } from "./text-diff.js";
import { type ConfigureIo, type ConfigureRequest, type Engine, ENGINES } from "./types.js";

/** node:util.parseArgs options of `configure`. */
export const CONFIGURE_OPTIONS = {
  runtime: { type: "string" },
  "dry-run": { type: "boolean" },
  uninstall: { type: "boolean" },
  "set-as-default": { type: "boolean" },
  reload: { type: "boolean" },
  bin: { type: "string" },
  runc: { type: "string" },
  config: { type: "string" },
  ...pathOptionSpecs(),
} as const;

export const CONFIGURE_HELP = `Usage: oci-metadata configure --runtime docker|containerd|podman|crio [--dry-run] [--uninstall]
                              [--set-as-default] [--reload] [--bin PATH] [--config FILE] [PATH FLAGS]

Registers oci-metadata with one engine, or takes it back (--uninstall), editing the engine's own
config with a real parser (JSON, TOML), idempotently, keeping a backup (FILE.bak-oci-metadata-*)
of every file it changes that it does not own. It prints what the engine needs next (a reload or
a restart) and never restarts an engine itself.

  docker       the runtime "oci-metadata" in daemon.json (--set-as-default: also the default runtime).
               dockerd reloads runtimes on SIGHUP; --reload sends it and waits for dockerd's API to
               show the result. Uninstall never leaves dockerd a default runtime that is gone: when
               ours was the default, "default-runtime" becomes "runc" (a reload with the key removed
               keeps the old default in memory — Docker 28 — or crashes dockerd — 20.10).
  containerd   NRI switched on: containerd 1.7 has it off; a drop-in (--containerd-dropin-dir)
               imported by the main config sets disable = false. containerd 2.x has NRI on by default:
               nothing is written unless a file switches it off. Needs a restart of containerd.
  crio         NRI switched on by a drop-in in crio.conf.d; needs a restart of CRI-O.
  podman       the precreate hook in the hooks.d dir podman reads (no reload: read at each start).

The NRI engines (containerd, crio) then need the plugin running: systemctl enable --now oci-metadata-nri.

Options:
  --runtime ENGINE        docker | containerd | podman | crio (required)
  --dry-run               print the diff of every file that would change; change nothing
  --uninstall             take oci-metadata out of the engine's config
  --set-as-default        docker: make oci-metadata the default runtime
  --reload                docker: send dockerd SIGHUP and wait until its API shows the change
  --bin PATH              the binary the engine runs (default: this one)
  --runc PATH             docker: the runtime the wrapper hands over to (default: runc on PATH)
  --config FILE           oci-metadata config passed to the hook / runtime (default: none: theirs)
${pathFlagsHelp()}
`;

/** Builds the request from parseArgs values. */
export function configureRequest(values: Record<string, unknown>): ConfigureRequest {
  const engine = values.runtime;
  if (typeof engine !== "string") throw new OciMetadataError("usage", `configure needs --runtime ${ENGINES.join("|")}`);
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new OciMetadataError("usage", `configure: --runtime: expected one of ${ENGINES.join("|")}, got "${engine}"`);
  }
  if (values["set-as-default"] && engine !== "docker") throw new OciMetadataError("usage", "configure: --set-as-default applies to --runtime docker only");
  if (values["set-as-default"] && values.uninstall) throw new OciMetadataError("usage", "configure: --set-as-default and --uninstall exclude each other");
  return {
    engine: engine as Engine,
    uninstall: values.uninstall === true,
    dryRun: values["dry-run"] === true,
    setAsDefault: values["set-as-default"] === true,
    reload: values.reload === true,
    bin: typeof values.bin === "string" ? resolve(values.bin) : values.uninstall ? "oci-metadata" : selfPath(),
    runc: typeof values.runc === "string" ? values.runc : undefined,
    configArg: typeof values.config === "string" ? resolve(values.config) : undefined,
    paths: pathsFromFlags(values),
  };
}

/** Runs configure; returns the exit code. */
export async function runConfigure(req: ConfigureRequest, stdout: (s: string) => void): Promise<number> {
  const io: ConfigureIo = {
    dryRun: req.dryRun,
    async change(c: FileChange) {
      if (c.before === c.after) return false;
      if (req.dryRun) stdout(unifiedDiff(c.path, c.before, c.after));
      else stdout(`${await applyChange(c)}\n`);
      return true;
    },
    say: (line) => stdout(`${line}\n`),
  };
  if (req.dryRun) io.say("dry run: nothing is written");
  const step = { docker: configureDocker, containerd: configureContainerd, podman: configurePodman, crio: configureCrio }[req.engine];
  return step(req, io);
}
