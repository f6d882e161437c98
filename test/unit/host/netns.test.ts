// Tests src/host/netns.ts: first against a prepared procRoot (hostile sysfs layouts, gone
// pids), then against a real network namespace built with `ip netns add` and a veth pair.
// The real-namespace suite needs root and iproute2/util-linux; it is skipped only when
// OCI_METADATA_SKIP_ENGINE_TESTS=1, and otherwise fails when a tool is missing.

import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readNetwork, sharesHostNetns } from "../../../src/host/netns.js";

const FIXTURE = new URL("../../fixtures/proc-net/one-veth-dual-stack/", import.meta.url);
const MAC = "46:b2:01:dd:2f:f5";

const isCode = (code: string, message?: string) => (err: unknown) => {
  assert.equal((err as { code?: unknown }).code, code);
  if (message !== undefined) assert.equal((err as Error).message, message);
  return true;
};

// Builds <procRoot>/<pid>/net/* from a capture, without the IPv6 files unless asked.
function fakeProc(root: string, pid: number, withIpv6 = false): string {
  const net = join(root, String(pid), "net");
  mkdirSync(net, { recursive: true });
  const files = ["fib_trie", "route", "dev", ...(withIpv6 ? ["if_inet6", "ipv6_route"] : [])];
  for (const f of files) copyFileSync(new URL(f, FIXTURE), join(net, f));
  return join(root, String(pid));
}

// Makes <sysfs>/class/net/<name> symlinks to device dirs, like sysfs does.
function fakeSysfs(
  sysfs: string,
  names: string[],
  address: (dir: string) => void = (d) => writeFileSync(join(d, "address"), `${MAC}\n`),
): void {
  mkdirSync(join(sysfs, "class", "net"), { recursive: true });
  for (const name of names) {
    const dev = join(sysfs, "devices", "virtual", "net", name);
    mkdirSync(dev, { recursive: true });
    if (name !== "lo") address(dev);
    symlinkSync(`../../devices/virtual/net/${name}`, join(sysfs, "class", "net", name));
  }
}

describe("readNetwork on a prepared procRoot", () => {
  const root = mkdtempSync(join(tmpdir(), "ocimd-proc-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("treats absent if_inet6 and ipv6_route as a kernel without IPv6", async () => {
    fakeProc(root, 100);
    const facts = await readNetwork(100, { procRoot: root });
    assert.deepEqual(facts, {
      interfaces: [{ name: "eth0", ipv4: [{ address: "10.123.1.2", prefix: 24 }], ipv6: [] }],
      ipv4Gateway: { address: "10.123.1.1", interface: "eth0" },
    });
  });

  it("reports netns-missing when the pid directory does not exist", async () => {
    await assert.rejects(
      readNetwork(999_999, { procRoot: root }),
      isCode("netns-missing", "[netns-missing] reading network of pid 999999: process is gone"),
    );
  });

  const badPids: Array<[string, unknown, string]> = [
    ["zero", 0, "0 (number)"],
    ["negative", -1, "-1 (number)"],
    ["fraction", 1.5, "1.5 (number)"],
    ["not-a-number", Number.NaN, "null (number)"],
    ["beyond-safe-integers", 2 ** 53, "9007199254740992 (number)"],
    ["string-with-traversal", "../1", '"../1" (string)'],
  ];
  for (const [name, pid, shown] of badPids) {
    it(`refuses the pid ${name}`, async () => {
      const message = `[netns-missing] reading network: pid must be a positive integer, got ${shown}`;
      await assert.rejects(readNetwork(pid as number, { procRoot: root }), isCode("netns-missing", message));
      await assert.rejects(sharesHostNetns(pid as number, root), isCode("netns-missing"));
    });
  }

  // Each case builds a sysfs layout for pid `n` and says whether eth0's MAC may be used.
  const sysfsCases: Array<{ name: string; rootfs?: string; build: (pidDir: string) => void; mac: boolean }> = [
    { name: "matching-sysfs", build: (d) => fakeSysfs(join(d, "root/sys"), ["lo", "eth0"]), mac: true },
    {
      name: "host-sysfs-with-more-interfaces",
      build: (d) => fakeSysfs(join(d, "root/sys"), ["lo", "eth0", "ocimd-h1"]),
      mac: false,
    },
    { name: "sysfs-missing-an-interface", build: (d) => fakeSysfs(join(d, "root/sys"), ["lo"]), mac: false },
    {
      name: "bonding-masters-file-is-not-a-device",
      build: (d) => {
        fakeSysfs(join(d, "root/sys"), ["lo", "eth0"]);
        writeFileSync(join(d, "root/sys/class/net/bonding_masters"), "");
      },
      mac: true,
    },
    {
      name: "rootfs-sysfs-when-own-sysfs-is-the-hosts",
      rootfs: "/run/ctr/rootfs",
      build: (d) => {
        fakeSysfs(join(d, "root/sys"), ["lo", "eth0", "docker0"]);
        fakeSysfs(join(d, "root/run/ctr/rootfs/sys"), ["lo", "eth0"]);
      },
      mac: true,
    },
    {
      name: "rootfs-with-dotdot",
      rootfs: "/run/../run/ctr/rootfs",
      build: (d) => fakeSysfs(join(d, "root/run/ctr/rootfs/sys"), ["lo", "eth0"]),
      mac: false,
    },
    {
      name: "relative-rootfs",
      rootfs: "run/ctr/rootfs",
      build: (d) => fakeSysfs(join(d, "root/run/ctr/rootfs/sys"), ["lo", "eth0"]),
      mac: false,
    },
    {
      name: "fifo-address",
      build: (d) =>
        fakeSysfs(join(d, "root/sys"), ["lo", "eth0"], (dev) => execFileSync("mkfifo", [join(dev, "address")])),
      mac: false,
    },
    {
      name: "oversized-address",
      build: (d) =>
        fakeSysfs(join(d, "root/sys"), ["lo", "eth0"], (dev) =>
          writeFileSync(join(dev, "address"), `${MAC}\n`.repeat(10)),
        ),
      mac: false,
    },
    {
      name: "symlinked-address",
      build: (d) =>
        fakeSysfs(join(d, "root/sys"), ["lo", "eth0"], (dev) => {
          writeFileSync(join(dev, "real"), `${MAC}\n`);
          symlinkSync("real", join(dev, "address"));
        }),
      mac: false,
    },
    {
      name: "zero-mac",
      build: (d) =>
        fakeSysfs(join(d, "root/sys"), ["lo", "eth0"], (dev) =>
          writeFileSync(join(dev, "address"), "00:00:00:00:00:00\n"),
        ),
      mac: false,
    },
  ];
  sysfsCases.forEach((c, i) => {
    it(`${c.mac ? "uses" : "ignores"} the MAC for ${c.name}`, async () => {
      const pid = 200 + i;
      c.build(fakeProc(root, pid));
      const facts = await readNetwork(pid, { procRoot: root, ...(c.rootfs ? { rootfs: c.rootfs } : {}) });
      assert.equal(facts.interfaces[0]?.mac, c.mac ? MAC : undefined);
    });
  });

  it("compares namespace links to tell shared from separate netns", async () => {
    for (const [pid, target] of [
      ["self", "net:[1]"],
      ["7", "net:[1]"],
      ["8", "net:[2]"],
    ] as const) {
      mkdirSync(join(root, pid, "ns"), { recursive: true });
      symlinkSync(target, join(root, pid, "ns", "net"));
    }
    assert.equal(await sharesHostNetns(7, root), true);
    assert.equal(await sharesHostNetns(8, root), false);
    await assert.rejects(
      sharesHostNetns(9, root),
      isCode("netns-missing", "[netns-missing] checking netns of pid 9: process is gone"),
    );
  });
});

const skip = process.env.OCI_METADATA_SKIP_ENGINE_TESTS === "1" ? "OCI_METADATA_SKIP_ENGINE_TESTS=1" : false;

describe("readNetwork on a real network namespace", { skip }, () => {
  const ns = `ocimd-t-${process.pid}`;
  const hostVeth = `ocimd-${process.pid}`; // ≤ 15 bytes for any pid up to 2^22
  const rootfs = mkdtempSync(join(tmpdir(), "ocimd-rootfs-"));
  const children: ChildProcess[] = [];
  const pids: Record<"ipExec" | "hostMounts" | "rootfsSysfs", number> = { ipExec: 0, hostMounts: 0, rootfsSysfs: 0 };
  const ip = (...args: string[]) => execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const ipJson = (...args: string[]) => JSON.parse(ip("-j", "-n", ns, ...args)) as Array<Record<string, unknown>>;

  before(async () => {
    if (process.getuid?.() !== 0)
      throw new Error("these tests need root (set OCI_METADATA_SKIP_ENGINE_TESTS=1 to skip)");
    ip("netns", "add", ns);
    ip("link", "add", hostVeth, "type", "veth", "peer", "name", "eth0", "netns", ns);
    ip("link", "set", hostVeth, "up"); // no address on the host side: the host routing table stays as it was
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "addr", "add", "10.123.10.2/24", "dev", "eth0");
    ip("-n", ns, "-6", "addr", "add", "fd00:123::2/64", "dev", "eth0", "nodad");
    ip("-n", ns, "link", "set", "eth0", "up");
    ip("-n", ns, "route", "add", "default", "via", "10.123.10.1");
    ip("-n", ns, "-6", "route", "add", "default", "via", "fd00:123::1", "dev", "eth0");
    await until(() => JSON.stringify(ipJson("addr", "show", "dev", "eth0")).includes("fe80:"));
    // (a) `ip netns exec` enters a new mount ns and remounts /sys for the netns.
    pids.ipExec = await start("ip", ["netns", "exec", ns, "sleep", "30"]);
    // (b) only the netns: its /sys is the host's sysfs.
    pids.hostMounts = await start("nsenter", [`--net=/run/netns/${ns}`, "sleep", "30"]);
    // (c) like runc before pivot_root: the netns's sysfs mounted at <rootfs>/sys, host's at /sys.
    mkdirSync(join(rootfs, "sys"));
    const script = 'mount -t sysfs sysfs "$0/sys" && exec sleep 30';
    pids.rootfsSysfs = await start("nsenter", [
      `--net=/run/netns/${ns}`,
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      script,
      rootfs,
    ]);
  });

  after(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done(undefined);
            c.once("exit", done);
            c.kill("SIGKILL");
          }),
      ),
    );
    for (const args of [
      ["netns", "del", ns],
      ["link", "del", hostVeth],
    ]) {
      try {
        ip(...args);
      } catch {
        /* already gone: the veth dies with its netns */
      }
    }
    rmSync(rootfs, { recursive: true, force: true });
  });

  async function start(cmd: string, args: string[]): Promise<number> {
    const child = spawn(cmd, args, { stdio: "ignore" });
    children.push(child);
    let failure: Error | undefined;
    child.once("error", (err) => {
      failure = err;
    });
    // The tools exec in place, so the pid is ready once it runs `sleep`.
    await until(() => {
      if (failure) throw new Error(`starting ${cmd}: ${failure.message}`); // not ENOENT-coded: must fail
      if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}`);
      return child.pid !== undefined && readFileSync(`/proc/${child.pid}/comm`, "utf8") === "sleep\n";
    });
    return child.pid!;
  }

  it("reads addresses, prefixes, index and gateways like ip does", async () => {
    const facts = await readNetwork(pids.ipExec);
    const [link] = ipJson("link", "show", "dev", "eth0");
    const addrInfo = (ipJson("addr", "show", "dev", "eth0")[0]?.addr_info ?? []) as Array<Record<string, unknown>>;
    const v6FromIp = addrInfo
      .filter((a) => a.family === "inet6" && !a.dadfailed)
      .map((a) => ({ address: a.local, prefix: a.prefixlen, scope: a.scope }));
    const byAddress = (a: { address: unknown }, b: { address: unknown }) =>
      String(a.address).localeCompare(String(b.address));

    assert.equal(facts.interfaces.length, 1);
    const eth0 = facts.interfaces[0]!;
    assert.equal(eth0.name, "eth0");
    assert.equal(eth0.index, link?.ifindex);
    assert.deepEqual(eth0.ipv4, [{ address: "10.123.10.2", prefix: 24 }]);
    assert.deepEqual(eth0.ipv6[0], { address: "fd00:123::2", prefix: 64, scope: "global" });
    assert.deepEqual([...eth0.ipv6].sort(byAddress), v6FromIp.sort(byAddress));
    assert.deepEqual(facts.ipv4Gateway, { address: "10.123.10.1", interface: "eth0" });
    assert.deepEqual(facts.ipv6Gateway, { address: "fd00:123::1", interface: "eth0" });
  });

  it("reads the MAC from the process's own sysfs", async () => {
    const [link] = ipJson("link", "show", "dev", "eth0");
    const facts = await readNetwork(pids.ipExec);
    assert.equal(facts.interfaces[0]?.mac, link?.address);
  });

  it("leaves the MAC out when the process sees only the host's sysfs", async () => {
    // /proc/<pid>/root/sys lists the host's interfaces, not the netns's: no sysfs to trust.
    const facts = await readNetwork(pids.hostMounts);
    assert.equal(facts.interfaces[0]?.mac, undefined);
    assert.deepEqual(facts.interfaces[0]?.ipv4, [{ address: "10.123.10.2", prefix: 24 }]);
  });

  it("reads the MAC from <rootfs>/sys before pivot_root", async () => {
    const [link] = ipJson("link", "show", "dev", "eth0");
    assert.equal((await readNetwork(pids.rootfsSysfs)).interfaces[0]?.mac, undefined);
    assert.equal((await readNetwork(pids.rootfsSysfs, { rootfs })).interfaces[0]?.mac, link?.address);
  });

  it("reports netns-missing for a pid that has exited", async () => {
    const child = spawn("true", { stdio: "ignore" });
    await new Promise((done) => child.once("exit", done));
    await assert.rejects(
      readNetwork(child.pid!),
      isCode("netns-missing", `[netns-missing] reading network of pid ${child.pid}: process is gone`),
    );
    await assert.rejects(sharesHostNetns(child.pid!), isCode("netns-missing"));
  });

  it("tells a process in the host netns from one in another netns", async () => {
    assert.equal(await sharesHostNetns(process.pid), true);
    assert.equal(await sharesHostNetns(pids.ipExec), false);
  });
});

async function until(ready: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = ready();
    } catch (err) {
      if ((err as { code?: unknown }).code !== "ENOENT") throw err;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for the namespace setup");
    await new Promise((r) => setTimeout(r, 20));
  }
}
