// Every engine file, dir, socket and binary that configure and doctor read or write, with the
// flag that points it elsewhere (private engines in tests, unusual installs). One table: the
// option specs and the help text are derived from it.

/** Where each engine keeps what we touch. */
export interface EnginePaths {
  dockerConfig: string;
  /** undefined: daemon.json "hosts" (first unix://), else /var/run/docker.sock. */
  dockerSocket?: string;
  /** undefined: daemon.json "pidfile", else /var/run/docker.pid. */
  dockerPidfile?: string;
  containerdConfig: string;
  containerdDropinDir: string;
  containerdBin?: string;
  crioConfig: string;
  crioDropinDir: string;
  /** undefined: containers.conf [engine] hooks_dir, else /usr/share/containers/oci/hooks.d. */
  hooksDir?: string;
  containersConf: string[];
  systemdDir: string;
}

type Key = keyof EnginePaths;

/** flag name → key, default shown in --help, one-line meaning. */
export const PATH_FLAGS: readonly { flag: string; key: Key; shown: string; help: string }[] = [
  { flag: "docker-config", key: "dockerConfig", shown: "/etc/docker/daemon.json", help: "Docker's daemon.json" },
  {
    flag: "docker-socket",
    key: "dockerSocket",
    shown: "daemon.json hosts, else /var/run/docker.sock",
    help: "dockerd's API socket",
  },
  {
    flag: "docker-pidfile",
    key: "dockerPidfile",
    shown: "daemon.json pidfile, else /var/run/docker.pid",
    help: "dockerd's pid file (--reload)",
  },
  {
    flag: "containerd-config",
    key: "containerdConfig",
    shown: "/etc/containerd/config.toml",
    help: "containerd's main config",
  },
  {
    flag: "containerd-dropin-dir",
    key: "containerdDropinDir",
    shown: "/etc/containerd/conf.d",
    help: "where our containerd drop-in goes (imported)",
  },
  {
    flag: "containerd-bin",
    key: "containerdBin",
    shown: "containerd on PATH",
    help: "the containerd binary (its version)",
  },
  { flag: "crio-config", key: "crioConfig", shown: "/etc/crio/crio.conf", help: "CRI-O's main config" },
  { flag: "crio-dropin-dir", key: "crioDropinDir", shown: "/etc/crio/crio.conf.d", help: "CRI-O's drop-in dir" },
  {
    flag: "hooks-dir",
    key: "hooksDir",
    shown: "containers.conf hooks_dir, else /usr/share/containers/oci/hooks.d",
    help: "podman's hooks.d",
  },
  {
    flag: "containers-conf",
    key: "containersConf",
    shown: "/etc/containers/containers.conf",
    help: "podman's containers.conf",
  },
  {
    flag: "systemd-dir",
    key: "systemdDir",
    shown: "/etc/systemd/system",
    help: "where the NRI plugin's unit is looked for",
  },
];

/** The defaults. */
export function defaultPaths(): EnginePaths {
  return {
    dockerConfig: "/etc/docker/daemon.json",
    containerdConfig: "/etc/containerd/config.toml",
    containerdDropinDir: "/etc/containerd/conf.d",
    crioConfig: "/etc/crio/crio.conf",
    crioDropinDir: "/etc/crio/crio.conf.d",
    containersConf: ["/etc/containers/containers.conf", "/usr/share/containers/containers.conf"],
    systemdDir: "/etc/systemd/system",
  };
}

/** node:util.parseArgs option specs for the path flags. */
export function pathOptionSpecs(): Record<string, { type: "string" }> {
  return Object.fromEntries(PATH_FLAGS.map((f) => [f.flag, { type: "string" as const }]));
}

/** Paths from parsed flag values (flags win over defaults). */
export function pathsFromFlags(values: Record<string, unknown>): EnginePaths {
  const paths = defaultPaths();
  for (const { flag, key } of PATH_FLAGS) {
    const v = values[flag];
    if (typeof v !== "string") continue;
    if (key === "containersConf") paths.containersConf = [v];
    else (paths as unknown as Record<string, string>)[key] = v;
  }
  return paths;
}

/** Help lines for the path flags. */
export function pathFlagsHelp(): string {
  return PATH_FLAGS.map((f) => `  --${`${f.flag} PATH`.padEnd(28)}${f.help} (default: ${f.shown})`).join("\n");
}
