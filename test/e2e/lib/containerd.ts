// A private containerd with CRI and NRI for the end-to-end tests — 1.7.24 (Debian trixie's
// package, installed: /usr/bin/containerd) or 2.1.9 (Debian sid's, unpacked by
// scripts/engines/debian-suite.sh under /var/cache/oci-metadata-engines/sid/root, not
// installed). Everything lives under a short temp dir (unix socket paths are limited to 107
// bytes): root, state, gRPC socket, NRI socket and plugin dirs, CNI config and IPAM data, logs.
// The pod network is a CNI bridge ocimd-cd<n> on 10.92.<n>.0/24 without masquerade.
// restart() stops containerd by pid and starts it again (pods and their shims survive);
// destroy() removes pods and containers through CRI, stops containerd, kills leftover shims,
// unmounts, deletes the bridge and every file.
//
// Settings the test machines require: restrict_oom_score_adj = true (root lacks
// CAP_SYS_RESOURCE, so CRI's -998 for the sandbox makes every RunPodSandbox fail in runc), and
// cgroupfs (no systemd). Outside its dir containerd still writes /run/containerd/{s,runc/k8s.io}
// (hardcoded) and /var/lib/cni/results/<network>-* (libcni's cache); destroy() removes ours.
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  type ContainerConfigSchema,
  ContainerState,
  CriClient,
  NamespaceMode,
  type PodSandboxConfig,
  PodSandboxConfigSchema,
} from "./cri.js";
import { run } from "./exec.js";
import { BUSYBOX_IMAGE, buildOciImageTar, importImageTar, PAUSE_IMAGE } from "./oci-image.js";

export type ContainerdVersion = "1.7" | "2.1";

const ENGINES = process.env.OCI_METADATA_ENGINES ?? "/var/cache/oci-metadata-engines";
const SID_BIN = join(ENGINES, "sid", "root", "usr", "bin");
const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface ContainerdBinaries {
  containerd: string;
  ctr: string;
  shim: string;
  /** PATH containerd runs with: it finds its shim (and CNI's iptables) through it. */
  path: string;
}

/** Where each version's binaries live; undefined when they are not on this machine. */
export function containerdBinaries(version: ContainerdVersion): ContainerdBinaries | undefined {
  const bin = version === "1.7" ? "/usr/bin" : SID_BIN;
  const b: ContainerdBinaries = {
    containerd: join(bin, "containerd"),
    ctr: join(bin, "ctr"),
    shim: join(bin, "containerd-shim-runc-v2"),
    // 2.1: its own bin dir first, or the system's 1.7 shim would be used.
    path: version === "1.7" ? SYSTEM_PATH : `${SID_BIN}:${SYSTEM_PATH}`,
  };
  if (![b.containerd, b.ctr, b.shim].every((p) => existsSync(p))) return undefined;
  // /usr/bin/containerd is 1.6 until scripts/setup.sh installed trixie's 1.7.
  if (version === "1.7" && !/^1\.7\./.test(installedPackageVersion("containerd") ?? "")) return undefined;
  return b;
}

/** The dpkg version of an installed package (read from dpkg's status: no process at module load). */
function installedPackageVersion(name: string): string | undefined {
  try {
    const status = readFileSync("/var/lib/dpkg/status", "utf8");
    const block = status
      .split("\n\n")
      .find((b) => b.startsWith(`Package: ${name}\n`) && /^Status: install ok installed$/m.test(b));
    return block?.match(/^Version: (.+)$/m)?.[1];
  } catch {
    return undefined;
  }
}

export interface PodOptions {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  /** Pod namespace (metadata.namespace); default "default". */
  namespace?: string;
  /** Extra fields merged into the generated PodSandboxConfig. */
  config?: MessageInitShape<typeof PodSandboxConfigSchema>;
}

export interface ContainerOptions {
  name: string;
  /** Replaces the image's entrypoint (CRI `command`). */
  command?: string[];
  /** Replaces the image's cmd (CRI `args`). */
  args?: string[];
  /** Default localhost/ocimd-bb:latest. */
  image?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  envs?: Record<string, string>;
  mounts?: { containerPath: string; hostPath: string; readonly?: boolean }[];
  /** The container's own pid namespace (default CONTAINER: with POD its PID 1 would be the pause `sleep`). */
  pid?: NamespaceMode;
  /** Extra fields merged into the generated ContainerConfig. */
  config?: MessageInitShape<typeof ContainerConfigSchema>;
}

export interface Containerd {
  version: ContainerdVersion;
  /** Human-readable version from CRI Version, e.g. "1.7.24~ds1" or "2.1.9+unknown". */
  runtimeVersion: string;
  dir: string;
  socket: string;
  nriSocket: string;
  /** Launched (pre-installed) NRI plugins: files named NN-name. */
  nriPluginDir: string;
  /** Their config files: NN-name.conf. */
  nriConfDir: string;
  configPath: string;
  logFile: string;
  bridge: string;
  /** CNI network name (also the prefix of its libcni cache files). */
  network: string;
  /** "10.92.<n>." */
  subnetPrefix: string;
  binaries: ContainerdBinaries;
  cri: CriClient;
  /** Wall-clock ms: image tar build, the last start (spawn → CRI Version answers), image import. */
  timings: { buildImagesMs: number; startMs: number; importMs: number };
  /** containerd's pid (changes on restart). */
  pid(): number;
  /** RunPodSandbox with a generated config (remembered for createContainer); returns the pod id. */
  runPod(name: string, opts?: PodOptions): Promise<string>;
  /** The config runPod used for this pod. */
  podConfig(podId: string): PodSandboxConfig;
  /** CreateContainer in the pod; podConfig undefined = the one runPod used. Returns the container id. */
  createContainer(podId: string, podConfig: PodSandboxConfig | undefined, opts: ContainerOptions): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** PodSandboxStatus network.ip. */
  podIP(podId: string): Promise<string>;
  /** The container's stdout (stream "stdout" of its CRI log file), or stderr. */
  logs(containerId: string, stream?: "stdout" | "stderr"): Promise<string>;
  /** Polls ContainerStatus until EXITED; returns the exit code. */
  waitExited(containerId: string, timeoutMs?: number): Promise<number>;
  /** StopContainer (timeout 0 → SIGKILL at once unless the process exits on SIGTERM) + RemoveContainer. */
  stopAndRemove(containerId: string, timeoutSeconds?: number): Promise<void>;
  /** StopPodSandbox + RemovePodSandbox (removes its containers too). */
  removePod(podId: string): Promise<void>;
  /** Stop containerd by pid and start it again with the same config (after `outageMs`); pods survive. */
  restart(outageMs?: number): Promise<void>;
  destroy(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0; it is gone for our purpose.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(25)) if (!alive(pid)) return true;
  return !alive(pid);
}

function canConnect(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(socket);
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
}

/** All pids with their parent pid and argv. */
function processes(): { pid: number; ppid: number; argv: string[] }[] {
  const out: { pid: number; ppid: number; argv: string[] }[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const argv = readFileSync(`/proc/${e}/cmdline`, "utf8").split("\0").filter(Boolean);
      out.push({ pid: Number(e), ppid, argv });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Shims this containerd started (they are told its socket with -address) and their descendants. */
export function shimProcesses(socket: string): { shims: number[]; all: number[] } {
  const procs = processes();
  const shims = procs
    .filter((p) => (p.argv[0] ?? "").includes("containerd-shim") && p.argv.includes(socket))
    .map((p) => p.pid);
  const all = new Set(shims);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (all.has(p.ppid) && !all.has(p.pid)) all.add(p.pid), (grew = true);
  }
  return { shims, all: [...all] };
}

/** Mount points under dir (deepest first). */
export function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => (l.split(" ")[4] ?? "").replace(/\\040/g, " "))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

function toml(s: string): string {
  return JSON.stringify(s);
}

/** NRI in the generated config: disable = false (default), true, or the key left out ("unset"). */
export type NriSwitch = false | true | "unset";

function configToml(version: ContainerdVersion, dir: string, nriDisable: NriSwitch = false): string {
  const common = [
    `root = ${toml(join(dir, "root"))}`,
    `state = ${toml(join(dir, "state"))}`,
    "[grpc]",
    `  address = ${toml(join(dir, "containerd.sock"))}`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${toml(join(dir, "opt"))}`,
    '[plugins."io.containerd.nri.v1.nri"]',
    ...(nriDisable === "unset" ? [] : [`  disable = ${nriDisable}`]),
    // In a dir of its own, as /var/run/nri on a node: a plugin pod mounts the dir.
    `  socket_path = ${toml(join(dir, "nri", "nri.sock"))}`,
    `  plugin_path = ${toml(join(dir, "nri-plugins"))}`,
    `  plugin_config_path = ${toml(join(dir, "nri-conf.d"))}`,
    '  plugin_registration_timeout = "5s"',
    '  plugin_request_timeout = "2s"',
  ];
  const runc = (section: string) => [
    `  [${section}.containerd]`,
    ...(version === "1.7" ? ['    snapshotter = "overlayfs"'] : []),
    '    default_runtime_name = "runc"',
    `    [${section}.containerd.runtimes.runc]`,
    '      runtime_type = "io.containerd.runc.v2"',
    `      [${section}.containerd.runtimes.runc.options]`,
    '        BinaryName = "/usr/sbin/runc"',
    "        SystemdCgroup = false",
    `  [${section}.cni]`,
    ...(version === "1.7" ? ['    bin_dir = "/usr/lib/cni"'] : ['    bin_dirs = ["/usr/lib/cni"]']),
    `    conf_dir = ${toml(join(dir, "cni"))}`,
    "    max_conf_num = 1",
  ];
  if (version === "1.7") {
    const cri = 'plugins."io.containerd.grpc.v1.cri"';
    return [
      "version = 2",
      ...common,
      `[${cri}]`,
      `  sandbox_image = ${toml(PAUSE_IMAGE.ref)}`,
      "  restrict_oom_score_adj = true",
      "  netns_mounts_under_state_dir = true",
      "  enable_cdi = false",
      ...runc(cri),
      "",
    ].join("\n");
  }
  const rt = 'plugins."io.containerd.cri.v1.runtime"';
  return [
    "version = 3",
    ...common,
    '[plugins."io.containerd.cri.v1.images"]',
    '  snapshotter = "overlayfs"',
    '  [plugins."io.containerd.cri.v1.images".pinned_images]',
    `    sandbox = ${toml(PAUSE_IMAGE.ref)}`,
    `[${rt}]`,
    "  restrict_oom_score_adj = true",
    "  netns_mounts_under_state_dir = true",
    "  enable_cdi = false",
    ...runc(rt),
    "",
  ].join("\n");
}

/**
 * Starts a private containerd `version` with CRI and NRI; `n` (1..250) keeps parallel instances
 * apart (bridge ocimd-cd<n>, subnet 10.92.<n>.0/24). Images localhost/pause:latest (sandbox) and
 * localhost/ocimd-bb:latest are imported.
 */
export async function createContainerd(
  version: ContainerdVersion,
  n: number,
  opts: { nriDisable?: NriSwitch } = {},
): Promise<Containerd> {
  const binaries = containerdBinaries(version);
  if (!binaries)
    throw new Error(`containerd ${version} is not on this machine (scripts/setup.sh installs 1.7 and unpacks 2.1)`);
  if (!Number.isInteger(n) || n < 1 || n > 250) throw new Error(`n must be 1..250, not ${n}`);
  const dir = mkdtempSync(`/tmp/ocimd-cd${n}-`);
  for (const d of ["root", "state", "cni", "ipam", "nri-plugins", "nri-conf.d", "opt", "pods"])
    mkdirSync(join(dir, d), { recursive: true });
  const socket = join(dir, "containerd.sock");
  const bridge = `ocimd-cd${n}`;
  const network = bridge;
  const configPath = join(dir, "config.toml");
  const logFile = join(dir, "containerd.log");
  writeFileSync(configPath, configToml(version, dir, opts.nriDisable));
  writeFileSync(
    join(dir, "cni", "10-ocimd.conflist"),
    JSON.stringify({
      cniVersion: "1.0.0",
      name: network,
      plugins: [
        {
          type: "bridge",
          bridge,
          isGateway: true,
          ipMasq: false,
          ipam: {
            type: "host-local",
            dataDir: join(dir, "ipam"),
            ranges: [[{ subnet: `10.92.${n}.0/24` }]],
            routes: [{ dst: "0.0.0.0/0" }],
          },
        },
      ],
    }),
  );
  // A bridge left by a crashed run would carry a stale address.
  await run("ip", ["link", "del", bridge]);

  let pid = 0;
  const cri = new CriClient(socket);
  const pods = new Map<string, PodSandboxConfig>();

  async function start(): Promise<void> {
    const t0 = performance.now();
    const fd = openSync(logFile, "a");
    const child = spawn(binaries!.containerd, ["--config", configPath], {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...process.env, PATH: binaries!.path },
    });
    closeSync(fd);
    child.unref();
    child.on("error", () => undefined);
    pid = child.pid ?? 0;
    writeFileSync(join(dir, "containerd.pid"), String(pid));
    const end = Date.now() + 30_000;
    while (!(await canConnect(socket))) {
      if (!alive(pid)) throw new Error(`containerd ${version} exited at start: ${tail(logFile)}`);
      if (Date.now() > end) throw new Error(`containerd ${version} socket not ready in 30 s: ${tail(logFile)}`);
      await sleep(20);
    }
    cri.reconnect();
    // The CRI service answers "server is not initialized yet" until its own start finished.
    for (;;) {
      try {
        await cri.version({}, { timeoutMs: 2000 });
        cd.timings.startMs = Math.round(performance.now() - t0);
        return;
      } catch (err) {
        if (!alive(pid)) throw new Error(`containerd ${version} exited at start: ${tail(logFile)}`);
        if (Date.now() > end) throw new Error(`containerd ${version} CRI not ready in 30 s: ${(err as Error).message}`);
        await sleep(20);
      }
    }
  }

  async function stop(): Promise<void> {
    if (pid > 0 && alive(pid)) {
      process.kill(pid, "SIGTERM");
      if (!(await waitGone(pid, 15_000))) {
        process.kill(pid, "SIGKILL");
        await waitGone(pid, 5_000);
      }
    }
  }

  const cd: Containerd = {
    version,
    runtimeVersion: "",
    dir,
    socket,
    nriSocket: join(dir, "nri", "nri.sock"),
    nriPluginDir: join(dir, "nri-plugins"),
    nriConfDir: join(dir, "nri-conf.d"),
    configPath,
    logFile,
    bridge,
    network,
    subnetPrefix: `10.92.${n}.`,
    binaries,
    cri,
    timings: { buildImagesMs: 0, startMs: 0, importMs: 0 },
    pid: () => pid,

    async runPod(name, opts = {}) {
      const uid = randomUUID();
      const namespace = opts.namespace ?? "default";
      const logDirectory = join(dir, "pods", `${namespace}_${name}_${uid}`);
      mkdirSync(logDirectory, { recursive: true });
      const init = {
        metadata: { name, uid, namespace, attempt: 0 },
        hostname: name,
        logDirectory,
        labels: opts.labels ?? {},
        annotations: opts.annotations ?? {},
        linux: {
          securityContext: {
            namespaceOptions: { network: NamespaceMode.POD, pid: NamespaceMode.CONTAINER, ipc: NamespaceMode.POD },
          },
        },
        ...(opts.config as object),
      } as MessageInitShape<typeof PodSandboxConfigSchema>;
      const { podSandboxId } = await cri.runPodSandbox({ config: init }, { timeoutMs: 120_000 });
      // Kept for createContainer, which sends it back as sandbox_config.
      pods.set(podSandboxId, create(PodSandboxConfigSchema, init));
      return podSandboxId;
    },

    podConfig(podId) {
      const c = pods.get(podId);
      if (!c) throw new Error(`no config remembered for pod ${podId} (not started by runPod?)`);
      return c;
    },

    async createContainer(podId, podConfig, opts) {
      const sandboxConfig = podConfig ?? cd.podConfig(podId);
      const config = {
        metadata: { name: opts.name, attempt: 0 },
        image: { image: opts.image ?? BUSYBOX_IMAGE.ref },
        command: opts.command ?? [],
        args: opts.args ?? [],
        envs: Object.entries(opts.envs ?? {}).map(([key, value]) => ({ key, value })),
        mounts: (opts.mounts ?? []).map((m) => ({
          containerPath: m.containerPath,
          hostPath: m.hostPath,
          readonly: m.readonly ?? false,
        })),
        labels: opts.labels ?? {},
        annotations: opts.annotations ?? {},
        logPath: `${opts.name}.log`,
        linux: {
          securityContext: {
            namespaceOptions: {
              network: NamespaceMode.POD,
              pid: opts.pid ?? NamespaceMode.CONTAINER,
              ipc: NamespaceMode.POD,
            },
          },
        },
        ...(opts.config as object),
      } as MessageInitShape<typeof ContainerConfigSchema>;
      const { containerId } = await cri.createContainer(
        { podSandboxId: podId, config, sandboxConfig },
        { timeoutMs: 120_000 },
      );
      return containerId;
    },

    async startContainer(containerId) {
      await cri.startContainer({ containerId }, { timeoutMs: 120_000 });
    },

    async podIP(podId) {
      const { status } = await cri.podSandboxStatus({ podSandboxId: podId });
      return status?.network?.ip ?? "";
    },

    async logs(containerId, stream = "stdout") {
      const { status } = await cri.containerStatus({ containerId });
      const path = status?.logPath;
      if (!path) throw new Error(`container ${containerId} has no log path`);
      if (!existsSync(path)) return "";
      return parseCriLog(readFileSync(path, "utf8"), stream);
    },

    async waitExited(containerId, timeoutMs = 30_000) {
      for (const end = Date.now() + timeoutMs; ; await sleep(50)) {
        const { status } = await cri.containerStatus({ containerId });
        if (status?.state === ContainerState.CONTAINER_EXITED) return status.exitCode;
        if (Date.now() > end)
          throw new Error(`container ${containerId} still ${ContainerState[status?.state ?? 3]} after ${timeoutMs} ms`);
      }
    },

    async stopAndRemove(containerId, timeoutSeconds = 0) {
      await cri.stopContainer(
        { containerId, timeout: BigInt(timeoutSeconds) },
        { timeoutMs: 60_000 + timeoutSeconds * 1000 },
      );
      await cri.removeContainer({ containerId });
    },

    async removePod(podId) {
      await cri.stopPodSandbox({ podSandboxId: podId }, { timeoutMs: 120_000 });
      await cri.removePodSandbox({ podSandboxId: podId }, { timeoutMs: 120_000 });
      pods.delete(podId);
    },

    async restart(outageMs = 0) {
      await stop();
      if (outageMs > 0) await sleep(outageMs);
      await start();
    },

    async destroy() {
      const errors: string[] = [];
      const ids = new Set<string>();
      if (pid > 0 && alive(pid)) {
        try {
          const { containers } = await cri.listContainers({}, { timeoutMs: 10_000 });
          for (const c of containers) {
            ids.add(c.id);
            await cri.stopContainer({ containerId: c.id, timeout: 0n }).catch((e: Error) => errors.push(e.message));
            await cri.removeContainer({ containerId: c.id }).catch((e: Error) => errors.push(e.message));
          }
          const { items } = await cri.listPodSandbox({}, { timeoutMs: 10_000 });
          for (const p of items) {
            ids.add(p.id);
            await cri.stopPodSandbox({ podSandboxId: p.id }).catch((e: Error) => errors.push(e.message));
            await cri.removePodSandbox({ podSandboxId: p.id }).catch((e: Error) => errors.push(e.message));
          }
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      cri.close();
      await stop();
      // Shims outlive containerd by design; a pod CRI could not remove keeps its shim.
      const left = shimProcesses(socket);
      for (const p of processes()) if (left.shims.includes(p.pid)) ids.add(p.argv[p.argv.indexOf("-id") + 1] ?? "");
      const tasks = join(dir, "state", "io.containerd.runtime.v2.task", "k8s.io");
      if (existsSync(tasks)) for (const id of readdirSync(tasks)) ids.add(id);
      ids.delete("");
      for (const p of left.all) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          // already gone
        }
      }
      for (const p of left.all) await waitGone(p, 5_000);
      for (const m of mountsUnder(dir)) await run("umount", ["-l", m]);
      await run("ip", ["link", "del", bridge]);
      // libcni's result cache: <network>-<sandbox id>-eth0 and cni-loopback-<sandbox id>-lo.
      const results = "/var/lib/cni/results";
      if (existsSync(results)) {
        for (const f of readdirSync(results))
          if (f.startsWith(`${network}-`)) rmSync(join(results, f), { force: true });
        for (const id of ids) rmSync(join(results, `cni-loopback-${id}-lo`), { force: true });
      }
      // What a killed shim leaves (normally removed by the shim and `runc delete`): its socket
      // /run/containerd/s/<sha256(<containerd address>/<namespace>/<id>)>, runc's state dir and
      // the container's empty cgroups. All named by our own ids.
      const runcRoot = "/run/containerd/runc/k8s.io";
      const cgroupControllers = existsSync("/sys/fs/cgroup") ? readdirSync("/sys/fs/cgroup") : [];
      for (const id of ids) {
        rmSync(
          join(
            "/run/containerd/s",
            createHash("sha256")
              .update(join(socket, "k8s.io", id))
              .digest("hex"),
          ),
          { force: true },
        );
        rmSync(join(runcRoot, id), { recursive: true, force: true });
        for (const c of cgroupControllers) {
          try {
            rmdirSync(join("/sys/fs/cgroup", c, "k8s.io", id));
          } catch {
            // absent (the usual case) or not a cgroup hierarchy
          }
        }
      }
      for (const d of [runcRoot, "/run/containerd/runc"]) {
        try {
          rmdirSync(d);
        } catch {
          // in use, or absent
        }
      }
      rmSync(dir, { recursive: true, force: true });
      if (left.shims.length > 0) errors.push(`killed ${left.shims.length} leftover shim(s)`);
      if (errors.length > 0 && process.env.OCI_METADATA_DEBUG)
        console.error(`containerd ${version} destroy: ${errors.join("; ")}`);
    },
  };

  try {
    let t0 = performance.now();
    const images = await buildOciImageTar(dir, [PAUSE_IMAGE, BUSYBOX_IMAGE]);
    cd.timings.buildImagesMs = Math.round(performance.now() - t0);
    await start();
    cd.runtimeVersion = (await cri.version({})).runtimeVersion;
    t0 = performance.now();
    await importImageTar(binaries.ctr, socket, images.path);
    cd.timings.importMs = Math.round(performance.now() - t0);
    rmSync(images.path, { force: true });
  } catch (err) {
    await cd.destroy().catch(() => undefined);
    throw err;
  }
  return cd;
}

/** The text of one stream of a CRI log file ("<RFC3339 ts> <stream> <P|F> <text>" lines; P = partial). */
export function parseCriLog(text: string, stream: "stdout" | "stderr" = "stdout"): string {
  let out = "";
  for (const line of text.split("\n")) {
    const m = /^(\S+) (stdout|stderr) ([PF]) ?(.*)$/.exec(line);
    if (!m || m[2] !== stream) continue;
    out += m[4] + (m[3] === "F" ? "\n" : "");
  }
  return out;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
