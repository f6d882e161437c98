// A private dockerd for tests — Docker 20.10 (Debian bookworm's docker.io, installed) or
// 28.5 (Debian sid's docker.io, unpacked by scripts/engines/debian-suite.sh, not installed):
// its own data-root, exec-root, socket and bridge (ocimd-dk<n>, 10.91.<n>.1/24) under a temp
// dir, iptables off (published ports go through docker-proxy), oci-metadata registered as the
// runtime "oci-metadata". destroy() removes containers, stops dockerd and its containerd by
// pid, deletes the bridge and every file.

import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRootfs } from "./bundle.js";
import { type Result, run, runOk } from "./exec.js";

export type DockerVersion = "20.10" | "28.5";

const ENGINES = process.env.OCI_METADATA_ENGINES ?? "/var/cache/oci-metadata-engines";
const SID = join(ENGINES, "sid", "root");

/** Where each version's dockerd lives; undefined when it is not on this machine. */
export function dockerdPath(version: DockerVersion): string | undefined {
  const path = version === "20.10" ? "/usr/sbin/dockerd" : join(SID, "usr/sbin/dockerd");
  return existsSync(path) ? path : undefined;
}

export interface Docker {
  version: DockerVersion;
  dir: string;
  socket: string;
  hostRoot: string;
  configPath: string;
  subnetPrefix: string;
  image: string;
  docker(args: readonly string[]): Promise<Result>;
  /** Stops dockerd (its containers stop too) and starts it again on the same roots. */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

/** Starts a private dockerd of `version` with the oci-metadata runtime (`register: false`: without
 * it) and `extraRuntimes`, name → binary, which the benchmarks use for their floors. */
export async function createDocker(
  bin: string,
  version: DockerVersion,
  n: number,
  extraRuntimes: Record<string, string> = {},
  opts: { register?: boolean } = {},
): Promise<Docker> {
  const dockerd = dockerdPath(version);
  if (!dockerd) throw new Error(`dockerd ${version} is not installed (scripts/setup.sh installs it)`);
  const dir = mkdtempSync(join(tmpdir(), `ocimd-dk${version.replace(".", "")}-`));
  const bridge = `ocimd-dk${n}`;
  const socket = join(dir, "docker.sock");
  const d: Docker = {
    version,
    dir,
    socket,
    hostRoot: join(dir, "meta", "root"),
    configPath: join(dir, "oci-metadata.json"),
    subnetPrefix: `10.91.${n}.`,
    image: "localhost/ocimd-bb:latest",
    docker: (args) => run("/usr/bin/docker", ["-H", `unix://${socket}`, ...args], { timeoutMs: 120_000 }),
    restart: async () => {
      await stopDockerd(d);
      await startDockerd(d, dockerd);
    },
    destroy: () => destroyDocker(d, bridge),
  };
  writeFileSync(
    d.configPath,
    JSON.stringify({
      hostRoot: d.hostRoot,
      dockerSocket: socket,
      log: { file: join(dir, "oci-metadata.log"), level: "debug" },
    }),
  );
  await run("ip", ["link", "del", bridge]);
  await runOk("ip", ["link", "add", bridge, "type", "bridge"]);
  await runOk("ip", ["addr", "add", `10.91.${n}.1/24`, "dev", bridge]);
  await runOk("ip", ["link", "set", bridge, "up"]);
  const daemon: Record<string, unknown> = {
    "data-root": join(dir, "root"),
    "exec-root": join(dir, "exec"),
    pidfile: join(dir, "dockerd.pid"),
    hosts: [`unix://${socket}`],
    "storage-driver": "overlay2",
    "exec-opts": ["native.cgroupdriver=cgroupfs"],
    bridge,
    iptables: false,
    "ip-masq": false,
    "ip-forward": false,
  };
  const runtimes = {
    ...(opts.register === false
      ? {}
      : { "oci-metadata": { path: bin, runtimeArgs: ["runtime", "--config", d.configPath] } }),
    ...Object.fromEntries(Object.entries(extraRuntimes).map(([name, path]) => [name, { path }])),
  };
  if (Object.keys(runtimes).length > 0) daemon.runtimes = runtimes;
  // 20.10: -500 cannot be set here (no CAP_SYS_RESOURCE); 28 dropped the key altogether.
  if (version === "20.10") daemon["oom-score-adjust"] = 0;
  else Object.assign(daemon, { ip6tables: false, "userland-proxy-path": join(SID, "usr/sbin/docker-proxy") });
  writeFileSync(join(dir, "daemon.json"), JSON.stringify(daemon));
  await startDockerd(d, dockerd);
  makeRootfs(dir);
  await runOk("tar", ["-C", join(dir, "rootfs"), "-cf", join(dir, "rootfs.tar"), "."]);
  await runOk("/usr/bin/docker", [
    "-H",
    `unix://${socket}`,
    "import",
    "--change",
    'CMD ["/bin/sh"]',
    join(dir, "rootfs.tar"),
    d.image,
  ]);
  return d;
}

// Starts dockerd on d's daemon.json and waits until its API answers; its own output goes to
// <dir>/dockerd.log, so a failed start says why.
async function startDockerd(d: Docker, dockerd: string): Promise<void> {
  const path = d.version === "20.10" ? process.env.PATH : `${join(SID, "usr/sbin")}:/usr/sbin:/usr/bin:/sbin:/bin`;
  const log = openSync(join(d.dir, "dockerd.log"), "a");
  const child = spawn(dockerd, ["--config-file", join(d.dir, "daemon.json")], {
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, PATH: path },
  });
  closeSync(log);
  child.unref();
  for (let i = 0; i < 400 && (await d.docker(["version"])).code !== 0; i++)
    await new Promise((r) => setTimeout(r, 100));
  if ((await d.docker(["version"])).code !== 0) {
    const tail = readFileSync(join(d.dir, "dockerd.log"), "utf8").trim().split("\n").slice(-5).join(" | ");
    throw new Error(`dockerd ${d.version} did not answer on ${d.socket} within 40 s: ${tail}`);
  }
}

// Stops dockerd by its pid (it stops its managed containerd too) and waits until it is gone.
async function stopDockerd(d: Docker): Promise<void> {
  const pidFile = join(d.dir, "dockerd.pid");
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0;
  if (pid > 0 && alive(pid)) {
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 150 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
}

async function destroyDocker(d: Docker, bridge: string): Promise<void> {
  const ids = (await d.docker(["ps", "-aq"])).stdout.split("\n").filter(Boolean);
  if (ids.length) await d.docker(["rm", "-f", ...ids]);
  await stopDockerd(d);
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m.startsWith(d.dir));
  for (const m of mounts.sort((a, b) => b.length - a.length)) await run("umount", ["-l", m]);
  await run("ip", ["link", "del", bridge]);
  rmSync(d.dir, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
