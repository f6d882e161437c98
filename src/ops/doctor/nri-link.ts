// Is an oci-metadata NRI plugin connected to this NRI socket? Two answers, best first:
//   (1) the plugin's health endpoint (--nri-healthz URL), when one is given;
//   (2) the kernel's view: a `oci-metadata nri` process holds a unix socket whose peer is a
//       connection accepted on the runtime's NRI socket path (ss -x lists the accepted side
//       with the socket's path and its peer's inode; /proc/<pid>/fd has the plugin's inodes).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** How the plugin stands towards one NRI socket. */
export interface NriLink {
  connected: boolean;
  /** pids of `oci-metadata nri` processes (any socket). */
  plugins: number[];
  how: string;
}

/** The connection state for `socket`. A health endpoint that does not answer is final when it
 * was asked for (`fallback` false), else the kernel's view decides. */
export async function nriLink(socket: string, healthz?: string, fallback = false): Promise<NriLink> {
  const plugins = pluginPids();
  let note = "";
  if (healthz) {
    try {
      const res = await fetch(healthz, { signal: AbortSignal.timeout(2000) });
      return { connected: res.ok, plugins, how: `${healthz} answered HTTP ${res.status}` };
    } catch (err) {
      if (!fallback) return { connected: false, plugins, how: `${healthz} did not answer (${(err as Error).message})` };
      note = `${healthz} did not answer; `;
    }
  }
  const peers = acceptedPeers(socket);
  for (const pid of plugins) {
    if (socketInodes(pid).some((i) => peers.has(i))) {
      return { connected: true, plugins, how: `${note}pid ${pid} is connected to ${socket}` };
    }
  }
  const running = plugins.length
    ? `no oci-metadata nri process is connected to ${socket} (running: ${plugins.join(", ")})`
    : "no oci-metadata nri process runs";
  return { connected: false, plugins, how: note + running };
}

/** Peer inodes of the connections accepted on the listening socket `path` (from `ss -x`). */
export function parseAcceptedPeers(ssOutput: string, path: string): Set<string> {
  const peers = new Set<string>();
  for (const line of ssOutput.split("\n")) {
    const f = line.trim().split(/\s+/);
    // u_str ESTAB 0 0 <local path> <local inode> <peer> <peer inode> ...
    if (f[0] === "u_str" && f[1] === "ESTAB" && f[4] === path && f[7]) peers.add(f[7]);
  }
  return peers;
}

function acceptedPeers(path: string): Set<string> {
  try {
    return parseAcceptedPeers(
      execFileSync("ss", ["-x", "-a", "-n"], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] }),
      path,
    );
  } catch {
    return new Set();
  }
}

/** pids whose argv is `… oci-metadata … nri …` (the plugin daemon). */
export function pluginPids(): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${e}/cmdline`, "utf8").split("\0");
      if (/oci-metadata/.test(argv[0] ?? "") && argv.slice(1).includes("nri")) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

function socketInodes(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const m = readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
        return m ? [m[1]!] : [];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}
