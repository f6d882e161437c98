// doctor's per-engine checks: installed version, registered or not (and where), NRI on, the
// plugin connected, the engine's config valid. Each problem carries its fix in one line.
// The same readers as configure (one source per rule), never a write.
import { execFileSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { which } from "../../host/which.js";
import { containerdFacts } from "../configure/containerd.js";
import { crioFiles, crioNri } from "../configure/crio.js";
import { dockerEndpoints, dockerMemory } from "../configure/docker.js";
import { parseDaemonJson, RUNTIME_NAME, registration } from "../configure/docker-json.js";
import type { EnginePaths } from "../configure/engine-paths.js";
import { readText } from "../configure/file-change.js";
import { HOOK_FILE_NAME, hookFileText, podmanHooksDirs } from "../configure/podman.js";
import type { Finding } from "./finding.js";
import { nriLink } from "./nri-link.js";

/** What doctor says about one engine. */
export interface EngineReport {
  engine: string;
  found: boolean;
  version?: string;
  registered: boolean;
  where?: string;
  nriEnabled?: boolean;
  pluginConnected?: boolean;
  configValid: boolean;
  details: Record<string, unknown>;
}

export interface CheckContext {
  paths: EnginePaths;
  bin: string;
  configArg?: string;
  healthz?: string;
  /** The health endpoint came from the config, not from --nri-healthz: fall back when it is silent. */
  healthzFromConfig?: boolean;
  findings: Finding[];
}

const fixCmd = (engine: string) => `oci-metadata configure --runtime ${engine}`;

/** Docker: the runtime in daemon.json, and in the running dockerd's memory. */
export async function checkDocker(c: CheckContext): Promise<EngineReport> {
  const path = c.paths.dockerConfig;
  const text = await readText(path);
  const r: EngineReport = {
    engine: "docker",
    found: !!which("dockerd") || text !== undefined,
    registered: false,
    configValid: true,
    details: { config: path },
  };
  let daemon: Record<string, unknown> = {};
  try {
    daemon = parseDaemonJson(text, path);
  } catch (err) {
    r.configValid = false;
    c.findings.push({
      scope: "docker",
      problem: (err as Error).message,
      fix: `fix the JSON in ${path}, then ${fixCmd("docker")}`,
    });
  }
  const ends = dockerEndpoints(c, daemon);
  const mem = await dockerMemory(ends.socket);
  r.version = mem?.version || versionLine("dockerd", ["--version"]);
  const reg = registration(daemon);
  r.registered = reg.registered;
  r.where = reg.registered ? `${path} runtimes.${RUNTIME_NAME}${reg.isDefault ? " (default runtime)" : ""}` : undefined;
  Object.assign(r.details, {
    socket: ends.socket,
    running: mem !== undefined,
    defaultRuntime: mem?.defaultRuntime,
    loaded: mem?.runtimes.includes(RUNTIME_NAME),
  });
  if (!r.found) return r;
  if (!reg.registered)
    c.findings.push({
      scope: "docker",
      problem: `runtime ${RUNTIME_NAME} is not in ${path}`,
      fix: `${fixCmd("docker")} --reload`,
    });
  const bin = typeof reg.entry?.path === "string" ? reg.entry.path : undefined;
  if (reg.registered && (!bin || !executable(bin)))
    c.findings.push({
      scope: "docker",
      problem: `runtime ${RUNTIME_NAME} points at ${bin ?? "no path"}, which is not an executable`,
      fix: `${fixCmd("docker")} --bin ${c.bin} --reload`,
    });
  if (mem && reg.registered && !mem.runtimes.includes(RUNTIME_NAME))
    c.findings.push({
      scope: "docker",
      problem: `dockerd has not loaded the runtime ${RUNTIME_NAME} from ${path}`,
      fix: `kill -HUP $(cat ${ends.pidfile})`,
    });
  if (mem && mem.defaultRuntime === RUNTIME_NAME && (!bin || !executable(bin))) r.registered = false;
  return r;
}

/** podman: the precreate hook file in a hooks dir podman reads, current for this config. */
export async function checkPodman(c: CheckContext): Promise<EngineReport> {
  const r: EngineReport = {
    engine: "podman",
    found: !!which("podman"),
    registered: false,
    configValid: true,
    details: {},
  };
  r.version = versionLine("podman", ["--version"]);
  let dirs: string[] = [];
  try {
    const hd = await podmanHooksDirs(c);
    dirs = hd.dirs;
    Object.assign(r.details, { hooksDirs: dirs, hooksDirsFrom: hd.from });
  } catch (err) {
    r.configValid = false;
    if (r.found)
      c.findings.push({
        scope: "podman",
        problem: `containers.conf: ${(err as Error).message}`,
        fix: "fix the TOML in containers.conf",
      });
    return r;
  }
  if (!r.found) return r;
  const path = dirs.map((d) => `${d}/${HOOK_FILE_NAME}`).find((p) => exists(p));
  if (!path) {
    c.findings.push({ scope: "podman", problem: `no ${HOOK_FILE_NAME} in ${dirs.join(", ")}`, fix: fixCmd("podman") });
    return r;
  }
  r.registered = true;
  r.where = path;
  const text = (await readText(path)) ?? "";
  let hook: { version?: string; stages?: unknown; hook?: { path?: string } } = {};
  try {
    hook = JSON.parse(text);
  } catch {
    r.registered = false;
    c.findings.push({
      scope: "podman",
      problem: `${path} is not valid JSON: podman refuses every container`,
      fix: `rm ${path} && ${fixCmd("podman")}`,
    });
    return r;
  }
  if (hook.hook?.path && !executable(hook.hook.path)) {
    r.registered = false;
    c.findings.push({
      scope: "podman",
      problem: `${path} runs ${hook.hook.path}, which is not an executable`,
      fix: `${fixCmd("podman")} --bin ${c.bin}`,
    });
  } else if (text !== (await hookFileText({ bin: hook.hook?.path ?? c.bin, configArg: c.configArg })).text) {
    c.findings.push({
      scope: "podman",
      problem: `${path} does not match the current config (enabled / optInAnnotation changed?)`,
      fix: fixCmd("podman"),
      warnOnly: true,
    });
  }
  return r;
}

/** containerd: NRI on (main config + imports), its socket, our plugin connected. */
export async function checkContainerd(c: CheckContext): Promise<EngineReport> {
  const found = !!(c.paths.containerdBin ?? which("containerd")) || exists(c.paths.containerdConfig);
  const r: EngineReport = {
    engine: "containerd",
    found,
    registered: false,
    configValid: true,
    details: { config: c.paths.containerdConfig },
  };
  if (!found) return r;
  try {
    const f = await containerdFacts(c);
    r.version = f.version;
    r.nriEnabled = f.nri.enabled && !f.nri.connectionsDisabled;
    r.where = f.nri.where;
    Object.assign(r.details, { nriSocket: f.nri.socket, imports: f.imports.map((i) => i.path) });
    if (!r.nriEnabled)
      c.findings.push({
        scope: "containerd",
        problem: `NRI is off (${f.nri.where})`,
        fix: `${fixCmd("containerd")} && systemctl restart containerd`,
      });
    await pluginCheck(c, r, f.nri.socket, "containerd");
  } catch (err) {
    r.configValid = false;
    c.findings.push({ scope: "containerd", problem: (err as Error).message, fix: `fix ${c.paths.containerdConfig}` });
  }
  return r;
}

/** CRI-O: enable_nri in force, its socket, our plugin connected. */
export async function checkCrio(c: CheckContext): Promise<EngineReport> {
  const found = !!which("crio") || exists(c.paths.crioConfig) || exists(c.paths.crioDropinDir);
  const r: EngineReport = {
    engine: "crio",
    found,
    registered: false,
    configValid: true,
    details: { config: c.paths.crioConfig, dropinDir: c.paths.crioDropinDir },
  };
  if (!found) return r;
  r.version = versionLine("crio", ["--version"]);
  try {
    const nri = crioNri(await crioFiles(c));
    r.nriEnabled = nri.enabled === true;
    r.where = nri.where;
    Object.assign(r.details, { nriSocket: nri.socket });
    if (!r.nriEnabled)
      c.findings.push({
        scope: "crio",
        problem: `NRI is not switched on (${nri.where})`,
        fix: `${fixCmd("crio")} && systemctl restart crio`,
      });
    await pluginCheck(c, r, nri.socket, "crio");
  } catch (err) {
    r.configValid = false;
    c.findings.push({ scope: "crio", problem: (err as Error).message, fix: "fix the TOML named above" });
  }
  return r;
}

async function pluginCheck(c: CheckContext, r: EngineReport, socket: string, scope: string): Promise<void> {
  const isSocket = (() => {
    try {
      return statSync(socket).isSocket();
    } catch {
      return false;
    }
  })();
  const link = await nriLink(socket, c.healthz, c.healthzFromConfig);
  r.pluginConnected = link.connected;
  r.registered = !!r.nriEnabled && link.connected;
  Object.assign(r.details, { nriSocketPresent: isSocket, plugin: link.how });
  if (r.nriEnabled && !isSocket)
    c.findings.push({
      scope,
      problem: `NRI is on in the config but ${socket} does not exist: ${scope} has not been restarted since`,
      fix: `systemctl restart ${scope}`,
    });
  else if (r.nriEnabled && !link.connected)
    c.findings.push({
      scope,
      problem: `the oci-metadata NRI plugin is not connected (${link.how})`,
      fix: `systemctl enable --now oci-metadata-nri   (or: oci-metadata nri --socket ${socket})`,
    });
}

function versionLine(bin: string, args: string[]): string | undefined {
  const path = which(bin);
  if (!path) return undefined;
  try {
    const out = execFileSync(path, args, { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
    return out.match(/(\d+\.\d+\.\d+\S*)/)?.[1]?.replace(/,$/, "");
  } catch {
    return undefined;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
