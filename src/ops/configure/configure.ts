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
import { pathsFromFlags } from "./engine-paths.js";
import { applyChange, type FileChange } from "./file-change.js";
import { configurePodman } from "./podman.js";
import { unifiedDiff } from "./text-diff.js";
import { type ConfigureIo, type ConfigureRequest, ENGINES, type Engine } from "./types.js";

/** Builds the request from parseArgs values. */
export function configureRequest(values: Record<string, unknown>): ConfigureRequest {
  const engine = values.runtime;
  if (typeof engine !== "string") throw new OciMetadataError("usage", `configure needs --runtime ${ENGINES.join("|")}`);
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new OciMetadataError("usage", `configure: --runtime: expected one of ${ENGINES.join("|")}, got "${engine}"`);
  }
  if (values["set-as-default"] && engine !== "docker")
    throw new OciMetadataError("usage", "configure: --set-as-default applies to --runtime docker only");
  if (values["set-as-default"] && values.uninstall)
    throw new OciMetadataError("usage", "configure: --set-as-default and --uninstall exclude each other");
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
    say: (line) => stdout(`${req.dryRun ? "[dry run, nothing written] " : ""}${line}\n`),
  };
  const step = {
    docker: configureDocker,
    containerd: configureContainerd,
    podman: configurePodman,
    crio: configureCrio,
  }[req.engine];
  return step(req, io);
}
