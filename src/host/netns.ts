// Owns reading a container's network from the host: /proc/<pid>/net/* shows the network
// namespace of <pid> (oci-hooks.md §6.2), and a sysfs of that namespace gives MAC addresses.
// Invariants:
// - Plain file reads only: no processes spawned, no setns, no fd kept open.
// - A gone pid (ENOENT/ESRCH, which a zombie also gives) is `netns-missing`; other read
//   failures are `io`. Missing MACs are never an error: they are added "where readable".
// - A sysfs is trusted only if its class/net lists exactly the namespace's interfaces;
//   otherwise it belongs to another netns (typically the host's, seen through a process
//   that shares the host mount ns).
// - <rootfs>/sys may be image content when no sysfs is mounted there, so `address` reads are
//   bounded, non-blocking and regular-file-only, and only MAC-shaped text is accepted.
// Steps of `readNetwork`: (1) check the pid, (2) read the five files, (3) parse, (4) add MACs.

import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
} from "node:fs";
import { describeValue, OciMetadataError, wrap } from "../core/errors.js";
import {
  isValidIfName,
  macFromSysfs,
  type NetworkFacts,
  type ProcNetText,
  parseDevNames,
  parseProcNet,
} from "../core/net-parse.js";

const MAX_ADDRESS_BYTES = 64; // "aa:bb:cc:dd:ee:ff\n" is 18; infiniband's 20-byte form is 60

/** Reads the network namespace of `pid` through `${procRoot}/<pid>/net/*`. */
export async function readNetwork(
  pid: number,
  opts: { procRoot?: string; rootfs?: string } = {},
): Promise<NetworkFacts> {
  const doing = `reading network of pid ${pid}`;
  checkPid(pid, "reading network"); // (1)
  const dir = `${opts.procRoot ?? "/proc"}/${pid}`;
  const text = readProcNet(dir, doing); // (2)
  const facts = parseProcNet(text); // (3)
  const sysfs = matchingSysfs(sysfsCandidates(dir, opts.rootfs), parseDevNames(text.dev)); // (4)
  if (sysfs !== undefined) {
    for (const itf of facts.interfaces) {
      const mac = isValidIfName(itf.name) ? readMac(`${sysfs}/class/net/${itf.name}/address`) : undefined;
      if (mac !== undefined) itf.mac = mac;
    }
  }
  return facts;
}

/** True if `pid` is in the same network namespace as this process (compares ns links). */
export async function sharesHostNetns(pid: number, procRoot = "/proc"): Promise<boolean> {
  const doing = `checking netns of pid ${pid}`;
  checkPid(pid, "checking netns");
  try {
    return readlinkSync(`${procRoot}/${pid}/ns/net`) === readlinkSync(`${procRoot}/self/ns/net`);
  } catch (err) {
    throw isGone(err) ? gone(doing, err) : wrap(doing, err, "io");
  }
}

function checkPid(pid: number, doing: string): void {
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    throw new OciMetadataError("netns-missing", `${doing}: pid must be a positive integer, got ${describeValue(pid)}`);
  }
}

// if_inet6 and ipv6_route do not exist when IPv6 is off in the kernel; they read as "".
// Blocking reads, one after the other: a hook does one thing at a time, and a /proc read takes
// microseconds (the async forms cost a thread-pool round trip each, and the pool's start-up).
function readProcNet(dir: string, doing: string): ProcNetText {
  const read = (name: string, optional: boolean): string | undefined => {
    try {
      return readFileSync(`${dir}/net/${name}`, "utf8");
    } catch (err) {
      if (optional && isGone(err)) return undefined;
      throw isGone(err) ? gone(doing, err) : wrap(`${doing}: reading net/${name}`, err, "io");
    }
  };
  const fibTrie = read("fib_trie", false);
  const route = read("route", false);
  const dev = read("dev", false);
  const ifInet6 = read("if_inet6", true);
  const ipv6Route = read("ipv6_route", true);
  if (ifInet6 === undefined || ipv6Route === undefined) {
    // A missing optional file must mean "no IPv6", not "the process exited meanwhile".
    try {
      accessSync(`${dir}/net/dev`);
    } catch (err) {
      throw isGone(err) ? gone(doing, err) : wrap(doing, err, "io");
    }
  }
  return {
    fibTrie: fibTrie ?? "",
    route: route ?? "",
    dev: dev ?? "",
    ifInet6: ifInet6 ?? "",
    ipv6Route: ipv6Route ?? "",
  };
}

// (4) The process's own /sys first; then, before pivot_root (createRuntime), <rootfs>/sys.
function sysfsCandidates(dir: string, rootfs: string | undefined): string[] {
  const candidates = [`${dir}/root/sys`];
  if (typeof rootfs !== "string" || !rootfs.startsWith("/") || rootfs.includes("\0")) return candidates;
  const segments = rootfs.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..") || segments.length === 0) return candidates;
  return [...candidates, `${dir}/root/${segments.join("/")}/sys`];
}

function matchingSysfs(candidates: string[], devNames: string[]): string | undefined {
  const want = new Set(devNames);
  for (const sysfs of candidates) {
    const entries = readDirents(`${sysfs}/class/net`);
    // Devices are symlinks; skip plain files such as bonding_masters.
    const have = (entries ?? []).filter((e) => e.isSymbolicLink()).map((e) => e.name);
    if (entries && have.length === want.size && have.every((name) => want.has(name))) return sysfs;
  }
  return undefined;
}

function readDirents(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

function readMac(path: string): string | undefined {
  // O_NONBLOCK: a FIFO planted in an image must not hang the hook; O_NOFOLLOW: no last-hop link.
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(MAX_ADDRESS_BYTES);
    const bytesRead = readSync(fd, buf, 0, buf.length, 0);
    return bytesRead < buf.length ? macFromSysfs(buf.toString("utf8", 0, bytesRead)) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function isGone(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ESRCH";
}

function gone(doing: string, cause: unknown): OciMetadataError {
  return new OciMetadataError("netns-missing", `${doing}: process is gone`, { cause });
}

/** True when the process's network namespace can still be read (it has not exited). */
export function netnsReadable(pid: number, procRoot = "/proc"): boolean {
  return Number.isInteger(pid) && pid > 0 && existsSync(`${procRoot}/${pid}/net/dev`);
}

/** The network of this process's own namespace (the host's, for hooks, the runtime wrapper,
 * the NRI plugin and docker-watch): five small /proc reads, no sysfs, no MACs. */
export async function readOwnNetwork(procRoot = "/proc"): Promise<NetworkFacts> {
  return parseProcNet(readProcNet(`${procRoot}/self`, "reading the host's network"));
}
