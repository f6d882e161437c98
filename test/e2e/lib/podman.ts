// A private podman for tests: its own containers.conf, storage roots, CNI network (bridge
// cni-ocimd<n>, subnet 10.89.<n>.0/24, no masquerade) and hooks dir under a temp dir, so
// nothing touches the host's podman. destroy() removes containers, mounts, bridge and files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRootfs } from "./bundle.js";
import { type Result, run, runOk } from "./exec.js";

export interface Podman {
  dir: string;
  env: NodeJS.ProcessEnv;
  hooksDir: string;
  configPath: string;
  hostRoot: string;
  logFile: string;
  network: string;
  subnetPrefix: string;
  image: string;
  podman(args: readonly string[]): Promise<Result>;
  writeConfig(config: Record<string, unknown>): void;
  destroy(): Promise<void>;
}

/** Sets up a private podman with our precreate hook registered through `hooks-file`. With
 * `netavark`, the network is a netavark bridge (podman<n>, 10.93.<n>.0/24, IPv6 fd93:<n>::/64,
 * DNS on) created with `podman network create`; its config lives under the temp dir. */
export async function createPodman(bin: string, n: number, backend: "cni" | "netavark" = "cni"): Promise<Podman> {
  const dir = mkdtempSync(join(tmpdir(), "ocimd-podman-"));
  const network = `ocimd${n}`;
  const limits = (await runOk("bash", ["-c", "echo $(ulimit -Hn) $(ulimit -Hu)"])).stdout.trim().split(" ").map(Number);
  const pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8"));
  const nproc = Math.min(limits[1]!, pidMax);
  for (const d of ["cni", "hooks.d", "meta"]) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, "containers.conf"),
    [
      "[containers]",
      `default_ulimits = ["nofile=${limits[0]}:${limits[0]}", "nproc=${nproc}:${nproc}"]`,
      "[engine]",
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${dir}/events.log"`,
      'runtime = "runc"',
      `tmp_dir = "${dir}/libpod-tmp"`,
      "[network]",
      `network_backend = "${backend}"`,
      `network_config_dir = "${dir}/cni"`,
      `default_network = "${network}"`,
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "storage.conf"),
    `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`,
  );
  // netavark: the network file podman 4.3 itself writes for `podman network create` (the
  // default network name with a file of its own replaces podman's built-in 10.88.0.0/16 one).
  if (backend === "netavark")
    writeFileSync(
      join(dir, "cni", `${network}.json`),
      JSON.stringify({
        name: network,
        id: n.toString(16).padStart(64, "0"),
        driver: "bridge",
        network_interface: `podman${n}`,
        created: "2026-01-01T00:00:00Z",
        subnets: [
          { subnet: `10.93.${n}.0/24`, gateway: `10.93.${n}.1` },
          { subnet: `fd93:${n}::/64`, gateway: `fd93:${n}::1` },
        ],
        ipv6_enabled: true,
        internal: false,
        dns_enabled: true,
        ipam_options: { driver: "host-local" },
      }),
    );
  if (backend === "cni")
    writeFileSync(
      join(dir, "cni", `${network}.conflist`),
      JSON.stringify({
        cniVersion: "0.4.0",
        name: network,
        plugins: [
          {
            type: "bridge",
            bridge: `cni-${network}`,
            isGateway: true,
            ipMasq: false,
            hairpinMode: true,
            ipam: {
              type: "host-local",
              dataDir: `${dir}/ipam`,
              routes: [{ dst: "0.0.0.0/0" }],
              ranges: [[{ subnet: `10.89.${n}.0/24`, gateway: `10.89.${n}.1` }]],
            },
          },
          { type: "portmap", capabilities: { portMappings: true } },
          { type: "firewall", backend: "iptables" },
          { type: "tuning" },
        ],
      }),
    );
  const env = {
    ...process.env,
    CONTAINERS_CONF: join(dir, "containers.conf"),
    CONTAINERS_STORAGE_CONF: join(dir, "storage.conf"),
  };
  const p: Podman = {
    dir,
    env,
    network,
    hooksDir: join(dir, "hooks.d"),
    configPath: join(dir, "oci-metadata.json"),
    hostRoot: join(dir, "meta", "root"),
    logFile: join(dir, "oci-metadata.log"),
    subnetPrefix: backend === "cni" ? `10.89.${n}.` : `10.93.${n}.`,
    image: `localhost/ocimd-bb-${n}:latest`,
    podman: (args) => run("podman", ["--hooks-dir", join(dir, "hooks.d"), ...args], { env, timeoutMs: 120_000 }),
    writeConfig: (config) => writeFileSync(join(dir, "oci-metadata.json"), JSON.stringify(config)),
    destroy: () => destroyPodman(dir, network, env, backend),
  };
  p.writeConfig({ hostRoot: p.hostRoot, log: { file: p.logFile, level: "info" } });
  const hookFile = await runOk(bin, ["--config", p.configPath, "hooks-file", "--bin", bin]);
  writeFileSync(join(p.hooksDir, "50-oci-metadata.json"), hookFile.stdout);
  makeRootfs(dir);
  await runOk("tar", ["-C", join(dir, "rootfs"), "-cf", join(dir, "rootfs.tar"), "."]);
  await runOk("podman", ["import", "--change", 'CMD ["/bin/sh"]', join(dir, "rootfs.tar"), p.image], { env });
  return p;
}

async function destroyPodman(
  dir: string,
  network: string,
  env: NodeJS.ProcessEnv,
  backend: "cni" | "netavark",
): Promise<void> {
  await run("podman", ["rm", "-af", "-t", "0"], { env });
  await run("podman", ["pod", "rm", "-af", "-t", "0"], { env });
  // containers/storage leaves its overlay mounts behind; unmount everything under dir.
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m.startsWith(dir));
  for (const m of mounts.sort((a, b) => b.length - a.length)) await run("umount", ["-l", m]);
  // netavark removes its bridge with the last container; deleting it again is harmless.
  await run("ip", [
    "link",
    "del",
    backend === "netavark" ? `podman${network.replace(/^ocimd/, "")}` : `cni-${network}`,
  ]);
  rmSync(dir, { recursive: true, force: true });
}
