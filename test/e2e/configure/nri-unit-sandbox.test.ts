// The hardened systemd unit (packaging/oci-metadata-nri.service) still lets the NRI plugin
// work. There is no systemd on the test machines, so its three strongest restrictions are
// reproduced with the kernel features systemd uses, read from the unit file itself:
//   ProtectSystem=strict      every mount read-only in a private mount namespace (API file
//                             systems /proc, /sys, /dev left as they are), except
//   StateDirectory / ReadWritePaths   one writable dir (here the test's hostRoot parent);
//   CapabilityBoundingSet + NoNewPrivileges   setpriv --bounding-set … --nnp.
// Under them the plugin connects to containerd 1.7, and a pod gets its READY file — which
// needs the sandbox's /proc/<pid>/net (CAP_SYS_PTRACE-class access) and a write to hostRoot.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { requireBinary } from "../lib/binary.js";
import { type Containerd, containerdBinaries, createContainerd } from "../lib/containerd.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const UNIT = fileURLToPath(new URL("../../../packaging/oci-metadata-nri.service", import.meta.url));
const TOOLS = ["/usr/sbin/runc", "ip", "tar", "unshare", "setpriv", "/usr/lib/cni/bridge", "/usr/lib/cni/host-local"];
const skip = requireTools(TOOLS, containerdBinaries("1.7") ? [] : ["containerd 1.7"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The unit's value for a key (last one wins, as in systemd). */
function unitValue(key: string): string | undefined {
  const lines = readFileSync(UNIT, "utf8")
    .split("\n")
    .filter((l) => l.startsWith(`${key}=`));
  return lines.length ? lines[lines.length - 1]!.slice(key.length + 1).trim() : undefined;
}

// A shell script that makes every non-API mount read-only, then one dir writable, then execs.
function sandboxScript(writable: string): string {
  return [
    "set -e",
    "mount --make-rprivate /",
    "awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r m; do",
    '  case "$m" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac',
    '  mount -o remount,bind,ro "$m" 2>/dev/null || true',
    "done",
    `mount --bind '${writable}' '${writable}'`,
    `mount -o remount,bind,rw '${writable}'`,
    'exec "$@"',
  ].join("\n");
}

describe("the hardened NRI unit's restrictions, reproduced", { skip }, () => {
  let cd: Containerd;
  let plugin: ChildProcess | undefined;
  let state = "";
  let config = "";
  const caps = () =>
    (unitValue("CapabilityBoundingSet") ?? "")
      .split(/\s+/)
      .map((c) => `+${c.replace(/^CAP_/, "").toLowerCase()}`)
      .join(",");
  const sandboxed = (argv: string[]) => [
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    sandboxScript(state),
    "sandbox",
    "setpriv",
    "--bounding-set",
    `-all,${caps()}`,
    "--inh-caps",
    "-all",
    "--nnp",
    ...argv,
  ];

  before(async () => {
    assert.equal(unitValue("ProtectSystem"), "strict");
    assert.equal(unitValue("NoNewPrivileges"), "yes");
    assert.match(unitValue("CapabilityBoundingSet") ?? "", /CAP_SYS_PTRACE/);
    cd = await createContainerd("1.7", 69);
    state = join(cd.dir, "state-ecs"); // what StateDirectory=ecs makes writable
    mkdirSync(state);
    config = join(cd.dir, "oci-metadata.json");
    writeFileSync(
      config,
      JSON.stringify({ hostRoot: join(state, "data", "metadata"), log: { file: join(state, "log"), level: "info" } }),
    );
  });
  after(async () => {
    plugin?.kill("SIGTERM");
    await cd?.destroy();
  });

  it("the sandbox is real [a write outside the writable dir fails, inside it works; no CAP_SYS_ADMIN]", async () => {
    const [cmd, ...args] = sandboxed([
      "sh",
      "-c",
      `touch ${join(cd.dir, "outside")} 2>/dev/null && echo wrote-outside; touch ${join(state, "inside")} && echo wrote-inside; grep CapBnd /proc/self/status`,
    ]);
    const r = await run(cmd!, args);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /wrote-outside/);
    assert.match(r.stdout, /wrote-inside/);
    const bnd = BigInt(`0x${r.stdout.match(/CapBnd:\s+([0-9a-f]+)/)![1]}`);
    assert.equal(bnd & (1n << 21n), 0n, "CAP_SYS_ADMIN is not in the bounding set");
    assert.notEqual(bnd & (1n << 19n), 0n, "CAP_SYS_PTRACE is");
  });

  it("the plugin under them [connects to containerd 1.7; a pod gets a READY file]", async () => {
    const [cmd, ...args] = sandboxed([requireBinary(), "nri", "--config", config, "--socket", cd.nriSocket]);
    plugin = spawn(cmd!, args, { stdio: "ignore" });
    const log = join(state, "log");
    for (
      let i = 0;
      i < 200 && !(existsSync(log) && readFileSync(log, "utf8").includes("reconciled with the runtime"));
      i++
    )
      await sleep(50);
    assert.match(readFileSync(log, "utf8"), /reconciled with the runtime/);
    const podId = await cd.runPod("sandboxed", { annotations: { "oci-metadata.io/enabled": "true" } });
    const id = await cd.createContainer(podId, undefined, {
      name: "app",
      command: ["sh", "-c", 'cat "$ECS_CONTAINER_METADATA_FILE"'],
    });
    await cd.startContainer(id);
    assert.equal(await cd.waitExited(id), 0);
    const doc = JSON.parse(await cd.logs(id));
    assert.equal(doc.MetadataFileStatus, "READY");
    assert.equal(doc.IPAddress, await cd.podIP(podId));
    await cd.removePod(podId);
  });
});
