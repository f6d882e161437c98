// What every engine's configure step gets: the request (flags) and the I/O it goes through,
// so that --dry-run prints diffs where a real run writes files.
import type { EnginePaths } from "./engine-paths.js";
import type { FileChange } from "./file-change.js";

export const ENGINES = ["docker", "containerd", "podman", "crio"] as const;
export type Engine = (typeof ENGINES)[number];

/** The parsed configure command line. */
export interface ConfigureRequest {
  engine: Engine;
  uninstall: boolean;
  dryRun: boolean;
  setAsDefault: boolean;
  /** Docker: send dockerd SIGHUP ourselves (and go through the safe state on uninstall). */
  reload: boolean;
  /** The binary the engine will run. */
  bin: string;
  /** The real runtime behind the Docker wrapper. */
  runc?: string;
  /** --config, passed on to what we register. */
  configArg?: string;
  paths: EnginePaths;
}

/** How a step changes files and reports. */
export interface ConfigureIo {
  dryRun: boolean;
  /** Writes (or, under --dry-run, prints the diff of) one change. */
  change(c: FileChange): Promise<boolean>;
  /** One line for the operator. */
  say(line: string): void;
}
