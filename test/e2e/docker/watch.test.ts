// Issue 10, finding 3 and the change signal, on real dockerd 20.10 and 28.5, with
// `oci-metadata docker-watch` running beside dockerd:
//  - `docker network connect` / `disconnect` after start reach the file, and a consumer inside
//    the container is woken by IN_MOVED_TO on the metadata dir (a static inotify watcher the
//    tests compile, test/e2e/lib/watcher/inotify-watch.c, mounted at /w) and sees LastUpdatedAt
//    change;
//  - a sweep that finds nothing new rewrites nothing (same inode, same LastUpdatedAt);
//  - a file left without READY because the API was unreachable is finished by the watcher;
//  - the watcher reconnects when dockerd restarts.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { createDocker, type Docker, type DockerVersion, dockerdPath } from "../lib/docker.js";
import { requireTools } from "../lib/guard.js";
import { buildWatcher } from "../lib/watcher.js";

const ON = ["--label", "oci-metadata.io/enabled=true"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const version of ["20.10", "28.5"] as DockerVersion[]) {
  const skip = requireTools(
    ["runc", "ip", "busybox", "gcc", "/usr/bin/docker"],
    dockerdPath(version) ? [] : [`dockerd ${version}`],
  );

  describe(`docker ${version} docker-watch`, { skip }, () => {
    let d: Docker;
    let bin: string;
    let watcherDir: string;
    let watch: ChildProcess | undefined;
    let seq = 0;
    const n = version === "20.10" ? 122 : 130;
    const name = () => `ocimd-w${process.pid % 10000}-${++seq}`;
    const fileOf = (c: string) => join(d.hostRoot, "default", c, "ecs-container-metadata.json");
    const logFile = () => join(d.dir, "oci-metadata.log");

    before(async () => {
      bin = requireBinary();
      watcherDir = await buildWatcher();
      d = await createDocker(bin, version, n);
    });

    after(async () => {
      stopWatch();
      await d?.docker(["network", "rm", `ocimd-wn${n}`]);
      await d?.destroy();
    });

    // Log lines of docker-watch with this message.
    const watchLines = (msg: string) =>
      existsSync(logFile())
        ? readFileSync(logFile(), "utf8")
            .split("\n")
            .filter((l) => l.includes(`"msg":"${msg}"`)).length
        : 0;

    async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
      for (let i = 0; i < 300; i++) {
        const v = await f();
        if (v) return v;
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${what}`);
    }

    async function startWatch(extra: string[] = []): Promise<void> {
      const sweeps = watchLines("docker-watch sweep done");
      watch = spawn(bin, ["--config", d.configPath, "docker-watch", ...extra], { stdio: "ignore" });
      await until("docker-watch's first sweep", () => watchLines("docker-watch sweep done") > sweeps);
    }

    function stopWatch(): void {
      watch?.kill("SIGTERM");
      watch = undefined;
    }

    const readDoc = (c: string) => JSON.parse(readFileSync(fileOf(c), "utf8"));

    it(`docker ${version} network connect/disconnect after start [the file follows; IN_MOVED_TO inside the container; LastUpdatedAt changes]`, async () => {
      await startWatch(["--socket", d.socket]);
      const net = `ocimd-wn${n}`;
      assert.equal((await d.docker(["network", "create", "--subnet", `10.92.${n}.0/24`, net])).code, 0);
      const c = name();
      // The consumer: waits for READY, keeps it, arms the watcher, and waits for a rename that
      // brings the new network; then prints the events, the old file and the new one.
      const script = [
        'F=$ECS_CONTAINER_METADATA_FILE; D=$(dirname "$F")',
        'until grep -q READY "$F" 2>/dev/null; do sleep 0.1; done; cp "$F" /tmp/before.json',
        `while ! grep -q '"NetworkMode": "${net}"' "$F"; do /w/inotify-watch "$D" 1 60 >> /tmp/events || break; done`,
        'echo "=== events"; cat /tmp/events; echo "=== before"; cat /tmp/before.json; echo "=== after"; cat "$F"; echo "=== end"; sleep 300',
      ].join("\n");
      const r = await d.docker([
        "run",
        "-d",
        "--runtime",
        "oci-metadata",
        ...ON,
        "-v",
        `${watcherDir}:/w:ro`,
        "--name",
        c,
        d.image,
        "sh",
        "-c",
        script,
      ]);
      assert.equal(r.code, 0, r.stderr);
      try {
        // The watcher is armed once "ready" is in its output (the container's /tmp/events).
        await until("the in-container watcher", async () =>
          (await d.docker(["exec", c, "cat", "/tmp/events"])).stdout.includes("ready"),
        );
        assert.equal(readDoc(c).Networks.length, 1, "one network before connect");
        assert.equal((await d.docker(["network", "connect", net, c])).code, 0);
        const logs = await until("the consumer's report", async () => {
          const out = (await d.docker(["logs", c])).stdout;
          return out.includes("=== end") && out;
        });
        const part = (label: string) => logs.split(`=== ${label}\n`)[1]!.split("\n===")[0]!;
        assert.match(part("events"), /^IN_MOVED_TO ecs-container-metadata\.json$/m);
        const before = JSON.parse(part("before"));
        const afterDoc = JSON.parse(part("after"));
        assert.notEqual(afterDoc.LastUpdatedAt, before.LastUpdatedAt);
        assert.deepEqual(afterDoc.Networks.map((x: { NetworkMode: string }) => x.NetworkMode).sort(), ["bridge", net]);
        assert.ok(
          afterDoc.Networks.find((x: { NetworkMode: string }) => x.NetworkMode === net).IPv4Addresses[0].startsWith(
            `10.92.${n}.`,
          ),
        );

        // A sweep that finds nothing new rewrites nothing: same inode, same LastUpdatedAt.
        const ino = statSync(fileOf(c)).ino;
        const stamp = readDoc(c).LastUpdatedAt;
        stopWatch();
        await startWatch(["--socket", d.socket]);
        assert.equal(statSync(fileOf(c)).ino, ino);
        assert.equal(readDoc(c).LastUpdatedAt, stamp);

        assert.equal((await d.docker(["network", "disconnect", net, c])).code, 0);
        const gone = await until("the disconnect in the file", () => readDoc(c).Networks.length === 1 && readDoc(c));
        assert.deepEqual(
          gone.Networks.map((x: { NetworkMode: string }) => x.NetworkMode),
          ["bridge"],
        );
      } finally {
        stopWatch();
        await d.docker(["rm", "-f", c]);
      }
    });

    it(`docker ${version} run with dockerd unreachable after start [the file stays without READY; docker-watch finishes it]`, async () => {
      const config = readFileSync(d.configPath, "utf8");
      // The runtime wrapper and its enricher look for dockerd at a socket that does not exist.
      writeFileSync(d.configPath, JSON.stringify({ ...JSON.parse(config), dockerSocket: join(d.dir, "nowhere.sock") }));
      const c = name();
      try {
        assert.equal(
          (await d.docker(["run", "-d", "--runtime", "oci-metadata", ...ON, "--name", c, d.image, "sleep", "300"]))
            .code,
          0,
        );
        assert.equal(existsSync(fileOf(c)), true);
        assert.equal(readDoc(c).MetadataFileStatus, undefined, "no READY without the API");
        await startWatch(["--socket", d.socket]);
        const doc = await until(
          "READY from docker-watch",
          () => readDoc(c).MetadataFileStatus === "READY" && readDoc(c),
        );
        assert.equal(doc.DockerContainerName, `/${c}`);
        assert.ok(doc.IPAddress.startsWith(d.subnetPrefix));
      } finally {
        stopWatch();
        writeFileSync(d.configPath, config);
        await d.docker(["rm", "-f", c]);
      }
    });

    it(`docker ${version} restart of dockerd [docker-watch reconnects and still follows network changes]`, async () => {
      const net = `ocimd-wn${n}`;
      await d.docker(["network", "create", "--subnet", `10.92.${n}.0/24`, net]);
      const c = name();
      try {
        await startWatch(["--socket", d.socket]);
        const connects = watchLines("docker-watch connected; sweeping");
        await d.restart();
        await until("docker-watch's reconnect", () => watchLines("docker-watch connected; sweeping") > connects);
        assert.equal(
          (await d.docker(["run", "-d", "--runtime", "oci-metadata", ...ON, "--name", c, d.image, "sleep", "300"]))
            .code,
          0,
        );
        await until("READY", () => existsSync(fileOf(c)) && readDoc(c).MetadataFileStatus === "READY");
        assert.equal((await d.docker(["network", "connect", net, c])).code, 0);
        const doc = await until("the connect in the file", () => readDoc(c).Networks.length === 2 && readDoc(c));
        assert.deepEqual(doc.Networks.map((x: { NetworkMode: string }) => x.NetworkMode).sort(), ["bridge", net]);
      } finally {
        stopWatch();
        await d.docker(["rm", "-f", c]);
      }
    });
  });
}
