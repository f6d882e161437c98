// configure --runtime docker: oci-metadata as a runtime in daemon.json (optionally the
// default), the reload dockerd needs, and an uninstall that never leaves dockerd broken
// (why: docker-json.ts). With --reload we send SIGHUP ourselves and wait until dockerd's API
// shows the result; otherwise the exact command is printed.
import { readFileSync } from "node:fs";
import { OciMetadataError } from "../../core/errors.js";
import { dockerGet } from "../../engines/docker/docker-api.js";
import { which } from "../../host/which.js";
import {
  DOCKER_DEFAULT_RUNTIME,
  parseDaemonJson,
  RUNTIME_NAME,
  registration,
  reloadBridge,
  renderDaemonJson,
  withoutBridgeLeftovers,
  withoutRuntime,
  withRuntime,
} from "./docker-json.js";
import { readText } from "./file-change.js";
import type { ConfigureIo, ConfigureRequest } from "./types.js";

const RELOAD_WAIT_MS = 15_000;

/** What a running dockerd has in memory, from GET /info; undefined when its API does not answer. */
export async function dockerMemory(
  socket: string,
): Promise<{ defaultRuntime: string; runtimes: string[]; version: string } | undefined> {
  try {
    const info = (await dockerGet(socket, "/info", 3000)) as {
      DefaultRuntime?: string;
      Runtimes?: Record<string, unknown>;
      ServerVersion?: string;
    };
    return {
      defaultRuntime: info.DefaultRuntime ?? "",
      runtimes: Object.keys(info.Runtimes ?? {}),
      version: info.ServerVersion ?? "",
    };
  } catch {
    return undefined;
  }
}

/** dockerd's API socket and pid file: flags, else daemon.json, else Docker's defaults. */
export function dockerEndpoints(
  req: Pick<ConfigureRequest, "paths">,
  daemon: Record<string, unknown>,
): { socket: string; pidfile: string } {
  const hosts = Array.isArray(daemon.hosts) ? daemon.hosts.filter((h): h is string => typeof h === "string") : [];
  const unix = hosts.find((h) => h.startsWith("unix://"))?.slice("unix://".length);
  const pidfile = typeof daemon.pidfile === "string" ? daemon.pidfile : undefined;
  return {
    socket: req.paths.dockerSocket ?? unix ?? "/var/run/docker.sock",
    pidfile: req.paths.dockerPidfile ?? pidfile ?? "/var/run/docker.pid",
  };
}

/** Registers (or unregisters) the runtime; returns the exit code. */
export async function configureDocker(req: ConfigureRequest, io: ConfigureIo): Promise<number> {
  const path = req.paths.dockerConfig;
  const before = await readText(path);
  const daemon = parseDaemonJson(before, path);
  const ends = dockerEndpoints(req, daemon);
  return req.uninstall ? uninstall(req, io, before, daemon, ends) : install(req, io, before, daemon, ends);
}

async function install(
  req: ConfigureRequest,
  io: ConfigureIo,
  before: string | undefined,
  daemon: Record<string, unknown>,
  ends: Ends,
): Promise<number> {
  const runc = req.runc ?? which("runc") ?? "/usr/sbin/runc";
  const next = withRuntime(daemon, { bin: req.bin, runc, config: req.configArg, setAsDefault: req.setAsDefault });
  const old = daemon["default-runtime"];
  if (req.setAsDefault && typeof old === "string" && old !== RUNTIME_NAME && old !== DOCKER_DEFAULT_RUNTIME) {
    io.say(`warning: the default runtime was "${old}"; --uninstall will set it to "${DOCKER_DEFAULT_RUNTIME}"`);
  }
  const changed = await io.change({
    path: req.paths.dockerConfig,
    before,
    after: renderDaemonJson(before, daemon, next),
    backup: true,
  });
  io.say(
    changed
      ? `Docker: runtime ${RUNTIME_NAME} registered in ${req.paths.dockerConfig}${req.setAsDefault ? " as the default runtime" : ""}`
      : `Docker: already registered in ${req.paths.dockerConfig}`,
  );
  // dockerd lists our runtime (as its default, when asked to be).
  const active = (m: { runtimes: string[]; defaultRuntime?: string }) =>
    m.runtimes.includes(RUNTIME_NAME) && (!req.setAsDefault || m.defaultRuntime === RUNTIME_NAME);
  const mem = await dockerMemory(ends.socket);
  if (mem && active(mem) && !changed) return 0;
  if (!req.reload || io.dryRun || !mem) {
    io.say(
      `next: reload dockerd: kill -HUP $(cat ${ends.pidfile})   (or: systemctl reload docker)${mem ? "" : `; its API at ${ends.socket} did not answer, so it was not checked`}`,
    );
    if (!req.setAsDefault)
      io.say(`then: docker run --runtime ${RUNTIME_NAME} --label oci-metadata.io/enabled=true ...`);
    return 0;
  }
  await hupAndWait(ends, active);
  io.say(
    `reloaded dockerd (SIGHUP): it now lists the runtime ${RUNTIME_NAME}${req.setAsDefault ? " as its default" : ""}`,
  );
  return 0;
}

async function uninstall(
  req: ConfigureRequest,
  io: ConfigureIo,
  before: string | undefined,
  daemon: Record<string, unknown>,
  ends: Ends,
): Promise<number> {
  const path = req.paths.dockerConfig;
  const mem = await dockerMemory(ends.socket);
  const memDefault = mem?.defaultRuntime === RUNTIME_NAME;
  const holds = mem !== undefined && (memDefault || mem.runtimes.includes(RUNTIME_NAME));
  const hadDefault = registration(daemon).isDefault || memDefault;
  const next = withoutRuntime(daemon);
  if (memDefault) next["default-runtime"] = DOCKER_DEFAULT_RUNTIME; // the file may no longer say so; memory does
  if (req.reload && holds && !io.dryRun) {
    // (1) a state the reload applies fully, (2) SIGHUP + wait for the API, (3) drop the leftovers.
    const bridge = reloadBridge(next);
    await io.change({ path, before, after: renderDaemonJson(before, daemon, bridge), backup: true }); // (1)
    await hupAndWait(ends, (m) => m.defaultRuntime !== RUNTIME_NAME && !m.runtimes.includes(RUNTIME_NAME)); // (2)
    const mid = await readText(path);
    await io.change({
      path,
      before: mid,
      after: renderDaemonJson(mid, bridge, withoutBridgeLeftovers(bridge, hadDefault)),
      backup: false,
    }); // (3)
    io.say(
      `Docker: runtime ${RUNTIME_NAME} removed from ${path}; dockerd reloaded (SIGHUP) and runs without it (default runtime: ${DOCKER_DEFAULT_RUNTIME})`,
    );
    return 0;
  }
  const changed = await io.change({ path, before, after: renderDaemonJson(before, daemon, next), backup: true });
  io.say(changed ? `Docker: runtime ${RUNTIME_NAME} removed from ${path}` : `Docker: not registered in ${path}`);
  if (hadDefault)
    io.say(
      `"default-runtime" is now "${DOCKER_DEFAULT_RUNTIME}" (dockerd's own default): a reload with the key removed would keep ${RUNTIME_NAME} as the default in memory (Docker 28: every run fails once the binary is gone; 20.10: the reload crashes dockerd)`,
    );
  if (holds)
    io.say(
      `next: dockerd still runs with ${RUNTIME_NAME}${memDefault ? " as its default" : ""}: reload it now: kill -HUP $(cat ${ends.pidfile})   (or: systemctl reload docker; or rerun with --reload)`,
    );
  else if (!mem && changed)
    io.say(
      `next: if dockerd runs (its API at ${ends.socket} did not answer), reload it: kill -HUP $(cat ${ends.pidfile}), or restart it`,
    );
  return 0;
}

type Ends = { socket: string; pidfile: string };

// SIGHUP to the pid in the pid file (checked to be dockerd), then poll /info until ok(memory).
async function hupAndWait(
  ends: Ends,
  ok: (m: { defaultRuntime: string; runtimes: string[] }) => boolean,
): Promise<void> {
  const pid = Number(readFileSync(ends.pidfile, "utf8").trim());
  const comm = Number.isInteger(pid) && pid > 0 ? readFileSync(`/proc/${pid}/comm`, "utf8").trim() : "";
  if (comm !== "dockerd")
    throw new OciMetadataError(
      "runtime",
      `reloading dockerd: ${ends.pidfile} names pid ${pid}, which is not dockerd (${comm || "gone"})`,
    );
  process.kill(pid, "SIGHUP");
  for (const end = Date.now() + RELOAD_WAIT_MS; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const m = await dockerMemory(ends.socket);
    if (m && ok(m)) return;
  }
  throw new OciMetadataError(
    "runtime",
    `reloading dockerd: its API at ${ends.socket} did not show the change within ${RELOAD_WAIT_MS / 1000} s; check dockerd's log`,
  );
}
