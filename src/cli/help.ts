// Help texts and the version, kept apart from the dispatcher so cli.ts stays about argv.
import pkg from "../../package.json" with { type: "json" };

export const VERSION: string = pkg.version;

const COMMON = `Global options:
  --config FILE   config file (default $OCI_METADATA_CONFIG, else /etc/oci-metadata/config.json)
  --help          this text;  --version  print the version
Every config key can be overridden by env (OCI_METADATA_ENABLED, OCI_METADATA_HOST_ROOT, ...).
`;

export const HELP = {
  main: `oci-metadata ${VERSION}: gives every container a metadata file about itself.

Usage: oci-metadata [--config FILE] COMMAND [ARGS]

Commands:
  inject --bundle DIR [--id ID]   edit a bundle's config.json for direct runc/crun use
  precreate                       hooks.d precreate filter (podman): config on stdin, edited config on stdout
  runtime [--config F] [--runtime PATH] RUNC-ARGS...
                                  OCI runtime wrapper in front of runc (Docker daemon.json "runtimes")
  nri [--socket PATH] [--name N] [--idx NN]
                                  NRI plugin daemon for containerd >= 1.7 and CRI-O
  hook STAGE                      OCI hook: prestart|createRuntime|poststart|poststop (state on stdin)
  show ID|PATH [--json]           print what a container's metadata file says
  hooks-file [--bin PATH]         print the podman hooks.d JSON for the current config
  schema                          print the JSON Schema of the metadata file

${COMMON}`,
  inject: `Usage: oci-metadata inject --bundle DIR [--id ID] [--config FILE]

Plans the container in DIR (opt-in annotation, mount conflicts), creates its host dir and edits
DIR/config.json in place: a read-only bind mount of the host dir, the env var that points at the
file, and the configured stage hooks. A skipped container's config.json is left untouched.
--id is the id you will give runc (default: the bundle dir's name).

${COMMON}`,
  hook: `Usage: oci-metadata hook STAGE [--engine NAME] [--config FILE]   (OCI state JSON on stdin)

  prestart, createRuntime   write the complete file (identity + network), READY
  poststart                 rewrite it with Status "running"
  poststop                  remove the container's dir (and its task dir once empty)

Errors follow failurePolicy: ignore (default) logs one JSON line and exits 0; fail exits 1.

${COMMON}`,
  runtime: `Usage: oci-metadata runtime [--config FILE] [--runtime PATH] RUNC-ARGS...

An OCI runtime in front of runc, for Docker ("runtimes" in daemon.json) and containerd without
NRI. On create it edits <bundle>/config.json like every other door (mount, env, poststop hook);
on start it starts a detached process that writes the Docker-level facts (name, image, real host
ports, networks) once dockerd has started the container, and marks the file READY. Every call,
create and start included, then becomes the real runtime by execv: same pid, arguments, stdio,
fds, signals and exit status. Other commands (state, kill, delete, exec) are handed over at once.
--runtime (else $OCI_METADATA_RUNTIME, else runc on PATH) names it; every call uses the same one.

${COMMON}`,
  nri: `Usage: oci-metadata nri [--socket PATH] [--name NAME] [--idx NN] [--config FILE]

The NRI plugin (containerd >= 1.7 with NRI enabled, CRI-O): one daemon per node, speaking ttrpc
over the NRI socket (default /var/run/nri/nri.sock). On CreateContainer it adds the read-only
mount and the env var to enabled containers and writes their complete file at once (READY before
the container starts); PostStartContainer marks it running; StopContainer, RemoveContainer and
RemovePodSandbox clean up; Synchronize reconciles. Reconnects with backoff when the runtime
restarts; SIGTERM stops it cleanly.

${COMMON}`,
  precreate: `Usage: oci-metadata precreate [--config FILE]   (OCI config JSON on stdin)

The oci-hooks(5) precreate stage (podman): reads the proposed config on stdin and prints the config
to use on stdout — with the read-only metadata mount, the env var and the stage hooks for enabled
containers, unchanged for all others. Under failurePolicy ignore any error prints the input
unchanged; stdout never carries anything but the config (logs go to stderr or log.file).

${COMMON}`,
  show: `Usage: oci-metadata show ID|PATH [--json]

ID is a container id (or unique prefix) or name found under hostRoot; PATH is a metadata file or
its directory. --json prints the document as JSON.

${COMMON}`,
  "hooks-file": `Usage: oci-metadata hooks-file [--bin PATH] [--always] [--config FILE]

Prints the oci-hooks(5) 1.0.0 JSON that registers the precreate hook with podman's hooks.d, for
the current config: with enabled: opt-in it matches only containers carrying the opt-in
annotation (anchored patterns), otherwise every container. --bin names the binary the hook runs
(default: this one); --always matches every container whatever the config (install.sh uses it
when the config does not validate); --config is passed on to the hook.

${COMMON}`,
  schema: `Usage: oci-metadata schema

Prints the JSON Schema (draft 2020-12) of the metadata file.

${COMMON}`,
};
