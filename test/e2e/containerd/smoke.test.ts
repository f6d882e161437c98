// Smoke test of the containerd test infrastructure (test/e2e/lib/containerd.ts) on real
// containerd 1.7.24 (Debian trixie, installed) and 2.1.9 (Debian sid, unpacked): CRI over gRPC,
// hand-built OCI images, the CNI bridge, CRI logs, NRI socket, restart with pods surviving,
// and a destroy that leaves nothing behind. The same suite runs against each version.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { createConnection } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  type Containerd,
  type ContainerdVersion,
  containerdBinaries,
  createContainerd,
  mountsUnder,
  shimProcesses,
} from "../lib/containerd.js";
import { ContainerState, PodSandboxState } from "../lib/cri.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const TOOLS = [
  "/usr/sbin/runc",
  "ip",
  "tar",
  "/usr/lib/cni/bridge",
  "/usr/lib/cni/host-local",
  "/usr/lib/cni/loopback",
];
const VERSIONS: { version: ContainerdVersion; n: number; expect: RegExp }[] = [
  { version: "1.7", n: 17, expect: /^1\.7\.24/ },
  { version: "2.1", n: 21, expect: /^2\.1\.9/ },
];

const ms = (t0: number) => Math.round(performance.now() - t0);

/** A live listener (a stale socket file refuses the connection). */
function listening(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(socket);
    c.once("connect", () => (c.destroy(), resolve(true)));
    c.once("error", () => resolve(false));
  });
}

for (const { version, n, expect } of VERSIONS) {
  const skip = requireTools(TOOLS, containerdBinaries(version) ? [] : [`containerd ${version}`]);

  describe(`containerd ${version}`, { skip }, () => {
    let cd: Containerd;
    let podId = "";
    let sleeperId = "";
    let destroyed = false;

    before(async () => {
      const t0 = performance.now();
      cd = await createContainerd(version, n);
      console.log(`containerd ${cd.runtimeVersion}: ready with images in ${ms(t0)} ms (${JSON.stringify(cd.timings)})`);
    });

    after(async () => {
      if (!destroyed) await cd?.destroy();
    });

    it(`containerd ${version} [CRI Version, NRI socket, its own shim binary]`, async () => {
      const v = await cd.cri.version({});
      assert.equal(v.runtimeName, "containerd");
      assert.match(v.runtimeVersion, expect);
      assert.equal(v.runtimeApiVersion, "v1");
      assert.ok(await listening(cd.nriSocket), "NRI socket");
      assert.ok(cd.socket.length < 100, cd.socket);
    });

    it(`containerd ${version} pod + container [IP = PodSandboxStatus's, env, CRI logs]`, async () => {
      let t0 = performance.now();
      podId = await cd.runPod("smoke", { annotations: { "ocimd.test/pod": "yes" }, labels: { app: "smoke" } });
      const tPod = ms(t0);
      const ip = await cd.podIP(podId);
      assert.ok(ip.startsWith(cd.subnetPrefix), ip);

      t0 = performance.now();
      const id = await cd.createContainer(podId, undefined, {
        name: "app",
        command: ["sh", "-c", "ip -4 -o addr show eth0; env"],
        envs: { SMOKE_VAR: "hello from CRI" },
        annotations: { "ocimd.test/container": "yes" },
      });
      const tCreate = ms(t0);
      t0 = performance.now();
      await cd.startContainer(id);
      const tStart = ms(t0);
      console.log(
        `containerd ${version}: RunPodSandbox ${tPod} ms, CreateContainer ${tCreate} ms, StartContainer ${tStart} ms`,
      );

      assert.equal(await cd.waitExited(id), 0);
      const out = await cd.logs(id);
      const m = /inet (\d+\.\d+\.\d+\.\d+)\/24/.exec(out);
      assert.ok(m, out);
      assert.equal(m[1], ip);
      assert.match(out, /^SMOKE_VAR=hello from CRI$/m);
      assert.match(out, /^HOSTNAME=smoke$/m);
      assert.equal(await cd.logs(id, "stderr"), "");

      const { status } = await cd.cri.containerStatus({ containerId: id });
      assert.equal(status?.annotations["ocimd.test/container"], "yes");
      const { status: pod } = await cd.cri.podSandboxStatus({ podSandboxId: podId });
      assert.equal(pod?.state, PodSandboxState.SANDBOX_READY);
      assert.equal(pod?.annotations["ocimd.test/pod"], "yes");
      assert.equal(pod?.labels.app, "smoke");
      await cd.stopAndRemove(id);
      assert.equal((await cd.cri.listContainers({ filter: { podSandboxId: podId } })).containers.length, 0);

      // A long-running one for the restart test; its shim must be this version's.
      sleeperId = await cd.createContainer(podId, undefined, { name: "sleeper", command: ["sleep", "3600"] });
      await cd.startContainer(sleeperId);
      const shims = shimProcesses(cd.socket).shims;
      assert.ok(shims.length >= 1, "a shim runs");
      for (const s of shims) assert.equal(readlinkSync(`/proc/${s}/exe`), cd.binaries.shim);
    });

    it(`containerd ${version} restart() [pod and container survive, same IP, NRI socket back]`, async () => {
      assert.ok(podId && sleeperId, "needs the previous test");
      const before = cd.pid();
      const ip = await cd.podIP(podId);
      const t0 = performance.now();
      await cd.restart();
      console.log(`containerd ${version}: restart ${ms(t0)} ms`);
      assert.notEqual(cd.pid(), before);
      const { items } = await cd.cri.listPodSandbox({});
      const pod = items.find((p) => p.id === podId);
      assert.ok(pod, "pod listed after restart");
      assert.equal(pod.state, PodSandboxState.SANDBOX_READY);
      assert.equal(await cd.podIP(podId), ip);
      const { status } = await cd.cri.containerStatus({ containerId: sleeperId });
      assert.equal(status?.state, ContainerState.CONTAINER_RUNNING);
      assert.ok(await listening(cd.nriSocket), "NRI socket after restart");
      // ExecSync; the container has its own pid namespace, so PID 1 is its own `sleep 3600`.
      const exec = await cd.cri.execSync({ containerId: sleeperId, cmd: ["cat", "/proc/1/cmdline"], timeout: 10n });
      assert.equal(exec.exitCode, 0);
      assert.equal(Buffer.from(exec.stdout).toString(), "sleep\u00003600\u0000");
      // Still usable: a new container in the old pod.
      const id = await cd.createContainer(podId, undefined, { name: "after-restart", command: ["echo", "still here"] });
      await cd.startContainer(id);
      assert.equal(await cd.waitExited(id), 0);
      assert.equal(await cd.logs(id), "still here\n");
    });

    it(`containerd ${version} removePod() [the pod and its containers are gone]`, async () => {
      const other = await cd.runPod("gone");
      const c = await cd.createContainer(other, undefined, { name: "x", command: ["sleep", "3600"] });
      await cd.startContainer(c);
      await cd.removePod(other);
      assert.ok(!(await cd.cri.listPodSandbox({})).items.some((p) => p.id === other));
      assert.ok(!(await cd.cri.listContainers({})).containers.some((x) => x.id === c));
    });

    it(`containerd ${version} destroy() [no containerd or shim process, no bridge, no mount, no dir]`, async () => {
      assert.ok(shimProcesses(cd.socket).shims.length >= 1, "the surviving pod still has its shim");
      const pid = cd.pid();
      const t0 = performance.now();
      await cd.destroy();
      destroyed = true;
      console.log(`containerd ${version}: destroy ${ms(t0)} ms`);
      assert.ok(
        !existsSync(`/proc/${pid}`) || /\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8")),
        "containerd is gone",
      );
      assert.deepEqual(shimProcesses(cd.socket).all, []);
      const mine = (await run("ps", ["-eo", "args"])).stdout.split("\n").filter((l) => l.includes(cd.dir));
      assert.deepEqual(mine, []);
      assert.notEqual((await run("ip", ["link", "show", cd.bridge])).code, 0, "bridge deleted");
      assert.deepEqual(mountsUnder(cd.dir), []);
      assert.ok(!existsSync(cd.dir));
    });
  });
}
