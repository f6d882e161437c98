// One problem doctor found, with its fix in one line.

/** A problem and the one command (or step) that fixes it. */
export interface Finding {
  /** The engine or area: docker, podman, containerd, crio, config, hostRoot. */
  scope: string;
  problem: string;
  fix: string;
  /** Reported, but does not make the host "not wired" (exit code stays 0). */
  warnOnly?: boolean;
}
