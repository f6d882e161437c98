// End-to-end: the NRI plugin's roll-out safety on containerd 1.7.24 and 2.1.9 — one instance
// per node (a second one waits on the lock and takes over; never two registered), a prompt
// reconnect after an outage longer than the backoff cap, a hint when there is no socket, and
// the runtime-launched mode (containerd starts the plugin from its plugin dir and hands it
// NRI_PLUGIN_SOCKET; with the lock held elsewhere it registers and steps aside, and
// containerd 1.7 stays up).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { type Containerd, type ContainerdVersion, containerdBinaries, createContainerd } from "../lib/containerd.js";
import { requireTools } from "../lib/guard.js";

const TOOLS = ["/usr/sbin/runc", "ip", "/usr/lib/cni/bridge", "/usr/lib/cni/host-local", "/usr/lib/cni/loopback"];
const ON = { "oci-metadata.io/enabled": "true" };
const PRINT = ["sh", "-c", 'cat "$ECS_CONTAINER_METADATA_FILE" 2>/dev/null || echo "no metadata"'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Line = Record<string, any>;

for (const [version, n] of [
  ["1.7", 81],
  ["2.1", 82],
] as [ContainerdVersion, number][]) {
  const skip = requireTools(TOOLS, containerdBinaries(version) ? [] : [`containerd ${version}`]);

  describe(`containerd ${version} roll-out`, { skip }, () => {
    let cd: Containerd;
    let hostRoot = "";
    const children: ChildProcess[] = [];

    const lines = (file: string): Line[] =>
      existsSync(file)
        ? readFileSync(file, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];
    async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
      for (const end = Date.now() + ms; !(await check()); await sleep(50))
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    }
    // Writes a config for one instance; returns its path and its log file.
    function instance(name: string, http = ""): { config: string; log: string } {
      const config = join(cd.dir, `${name}.json`);
      const log = join(cd.dir, `${name}.log`);
      rmSync(log, { force: true });
      writeFileSync(
        config,
        JSON.stringify({
          hostRoot,
          log: { file: log, level: "debug" },
          nri: { socket: cd.nriSocket, httpAddress: http },
        }),
      );
      return { config, log };
    }
    function start(config: string): ChildProcess {
      const p = spawn(requireBinary(), ["nri", "--config", config], { stdio: "ignore" });
      children.push(p);
      return p;
    }
    async function stop(p: ChildProcess): Promise<number | null> {
      if (p.exitCode !== null) return p.exitCode;
      const gone = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));
      p.kill("SIGTERM");
      return gone;
    }
    const synced = (log: string) =>
      until(`${log}: reconciled`, () =>
        lines(log).some(
          (l) => l.msg === "reconciled with the runtime" || l.msg === "NRI: plugin registered and configured",
        ),
      );
    async function runApp(name: string): Promise<string> {
      const pod = await cd.runPod(name, { annotations: ON });
      const id = await cd.createContainer(pod, undefined, { name: "app", command: PRINT });
      await cd.startContainer(id);
      assert.equal(await cd.waitExited(id), 0);
      const out = (await cd.logs(id)).trim();
      await cd.removePod(pod);
      return out;
    }

    before(async () => {
      cd = await createContainerd(version, n);
      hostRoot = join(cd.dir, "meta");
    });
    // A test that failed half-way leaves no instance behind to hold the lock for the next one.
    afterEach(async () => {
      for (const p of children.splice(0)) await stop(p);
    });
    after(async () => {
      await cd?.destroy();
    });

    it(`containerd ${version} roll-out [a second instance waits on the lock, never registers beside the first, and takes over]`, async () => {
      const one = instance("one");
      const two = instance("two", "127.0.0.1:19481");
      const first = start(one.config);
      await synced(one.log);
      const second = start(two.config);
      await until("the second instance waiting", () =>
        lines(two.log).some((l) => /holds .*oci-metadata\.lock: waiting for it to exit/.test(l.msg)),
      );
      const health = await fetch("http://127.0.0.1:19481/healthz");
      assert.equal(health.status, 503);
      assert.match(await health.text(), /waiting-for-lock/);
      assert.match(
        await runApp("while-two"),
        /"MetadataFileStatus": ?"READY"/,
        "one plugin answers: the container is created with its file",
      );
      assert.ok(
        !lines(two.log).some((l) => l.msg === "NRI: plugin registered and configured"),
        "the waiting instance never registered",
      );
      assert.equal(await stop(first), 0);
      await synced(two.log);
      assert.ok(lines(two.log).some((l) => /^took over /.test(l.msg)));
      assert.match(await runApp("after-handover"), /"MetadataFileStatus": ?"READY"/);
      assert.equal((await fetch("http://127.0.0.1:19481/healthz")).status, 200);
      assert.equal(await stop(second), 0);
    });

    it(`containerd ${version} roll-out [after a 4 s outage (beyond the backoff cap) the plugin is back as soon as the socket is]`, async () => {
      const one = instance("outage");
      const p = start(one.config);
      try {
        await synced(one.log);
        const mark = lines(one.log).length;
        await cd.restart(4000);
        await until("reconciled after the restart", () =>
          lines(one.log)
            .slice(mark)
            .some((l) => l.msg === "reconciled with the runtime"),
        );
        const after = lines(one.log).slice(mark);
        const retries = after.filter((l) => l.msg === "NRI: connecting failed, retrying");
        assert.ok(retries.length > 0, "the outage was seen");
        assert.ok(
          retries.every((l) => l.retryInMs <= 1000),
          "the backoff is capped at 1 s",
        );
        // (That the socket's appearance wakes the wait is shown deterministically by
        // test/unit/nri-stub/stub-run.test.ts; here a plain retry may win the race.)
        assert.ok(
          retries.filter((l) => l.level === "warn").length <= 2,
          "repeated failures are not warned about each time",
        );
        assert.match(await runApp("right-after"), /"MetadataFileStatus": ?"READY"/);
      } finally {
        assert.equal(await stop(p), 0);
      }
    });

    it(`containerd ${version} roll-out [runtime-launched: containerd starts it with NRI_PLUGIN_SOCKET; an external instance waits; with the lock held elsewhere it steps aside]`, async () => {
      const launched = instance("launched", "127.0.0.1:19482");
      const plugin = join(cd.nriPluginDir, "50-oci-metadata");
      // What an operator installs: the binary (here behind a one-line exec, to pass --config).
      writeFileSync(plugin, `#!/bin/sh\nexec ${requireBinary()} nri --config ${launched.config}\n`);
      chmodSync(plugin, 0o755);
      try {
        await cd.restart();
        await until("the launched plugin registered", () =>
          lines(launched.log).some((l) => l.msg === "NRI: plugin registered and configured"),
        );
        assert.ok(
          lines(launched.log).some((l) => l.socket === "fd 3"),
          "it used the runtime's socket, fd 3",
        );
        assert.equal((await fetch("http://127.0.0.1:19482/healthz")).status, 200);
        assert.match(await runApp("launched-serves"), /"MetadataFileStatus": ?"READY"/);
        const external = instance("external");
        const ext = start(external.config);
        await until("the external instance waiting", () =>
          lines(external.log).some((l) => /waiting for it to exit/.test(l.msg)),
        );
        assert.match(await runApp("still-one"), /"MetadataFileStatus": ?"READY"/);

        // The external instance holds the lock when containerd restarts: the launched one
        // registers (containerd 1.7 would exit otherwise) and steps aside.
        await cd.restart(1000); // kills the launched plugin; the external one takes the lock meanwhile
        await until("the external instance took over", () =>
          lines(external.log).some((l) => /^took over /.test(l.msg)),
        );
        await until("the relaunched plugin stepped aside", () =>
          lines(launched.log).some((l) => /registered and steps aside/.test(l.msg)),
        );
        await synced(external.log);
        assert.match(
          await runApp("after-step-aside"),
          /"MetadataFileStatus": ?"READY"/,
          "containerd is up and one plugin serves",
        );
        assert.equal(await stop(ext), 0);
      } finally {
        rmSync(plugin, { force: true });
      }
    });
  });
}

describe("roll-out [no NRI socket: one warning with the hint, /healthz 503]", { skip: requireTools([]) }, () => {
  it("explains what to do when the socket does not exist", async () => {
    const dir = join("/tmp", `ocimd-nosock-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    const log = join(dir, "plugin.log");
    const config = join(dir, "c.json");
    (await import("node:fs")).mkdirSync(dir, { recursive: true });
    writeFileSync(
      config,
      JSON.stringify({
        hostRoot: join(dir, "meta"),
        log: { file: log, level: "debug" },
        nri: { socket: join(dir, "nri", "nri.sock"), httpAddress: "127.0.0.1:19483" },
      }),
    );
    const p = spawn(requireBinary(), ["nri", "--config", config], { stdio: "ignore" });
    try {
      const read = () =>
        existsSync(log)
          ? readFileSync(log, "utf8")
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l) as Line)
          : [];
      for (let i = 0; i < 100 && read().filter((l) => l.msg === "NRI: connecting failed, retrying").length < 3; i++)
        await sleep(100);
      const failures = read().filter((l) => l.msg === "NRI: connecting failed, retrying");
      assert.ok(failures.length >= 3);
      assert.equal(failures.filter((l) => l.level === "warn").length, 1, "one warning, then debug");
      assert.match(
        failures[0]!.hint,
        /does not exist: is NRI enabled in the runtime\? containerd 1\.7: oci-metadata configure --runtime containerd/,
      );
      const res = await fetch("http://127.0.0.1:19483/healthz");
      assert.equal(res.status, 503);
      assert.equal((await fetch("http://127.0.0.1:19483/livez")).status, 200);
    } finally {
      p.kill("SIGTERM");
      await new Promise((r) => p.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
