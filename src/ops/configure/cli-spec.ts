// configure's options and help, apart from its code: the CLI's command table imports this
// small file on every start, and must not load the engine editors with it.
import { pathFlagsHelp, pathOptionSpecs } from "./engine-paths.js";

/** node:util.parseArgs options of `configure`. */
export const CONFIGURE_OPTIONS = {
  runtime: { type: "string" },
  "dry-run": { type: "boolean" },
  uninstall: { type: "boolean" },
  "set-as-default": { type: "boolean" },
  reload: { type: "boolean" },
  bin: { type: "string" },
  runc: { type: "string" },
  ...pathOptionSpecs(),
} as const;

/** Usage line after `oci-metadata `. */
export const CONFIGURE_USAGE =
  "configure --runtime docker|containerd|podman|crio [--dry-run] [--uninstall] [--set-as-default] [--reload] [--bin PATH] [PATH FLAGS]";

export const CONFIGURE_HELP = `Registers oci-metadata with one engine, or takes it back (--uninstall), editing the engine's own
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
  --config FILE           the oci-metadata config the hook / runtime will read (default: theirs)
Engine paths (flags win; shown: the default):
${pathFlagsHelp()}`;
