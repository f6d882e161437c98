// End-to-end on real Docker 20.10 (issue 9 finding 3): a host that crashes with a container
// running leaves its dir (no `runc delete`, no poststop). Simulated: every process of the
// private Docker stack killed with SIGKILL, its exec-root (tmpfs /run/docker on a real host)
// wiped. gc keeps the dir while dockerd cannot be asked, and removes it once dockerd is back
// and says the container is not running; a running container's dir is kept however old.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { createDocker, type Docker, dockerdPath } from "../lib/docker.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const skip = requireTools(["/usr/bin/docker", "runc", "busybox", "ip"], dockerdPath("20.10") ? [] : ["dockerd 20.10"]);
const FILE = "ecs-container-metadata.json";
const HOUR_AGO = new Date(Date.now() - 3600_000);
const OPT_IN = ["--runtime", "oci-metadata", "--label", "oci-metadata.io/enabled=true"];

describe("docker 20.10 gc", { skip }, () => {
  let bin: string;
  let d: Docker;

  before(async () => {
    bin = requireBinary();
    d = await createDocker(bin, "20.10", 140);
    mkdirSync(d.hostRoot, { recursive: true });
    writeFileSync(join(d.hostRoot, ".gc-stamp"), ""); // no poststop starts its own gc here
  });
  after(async () => {
    await d?.destroy();
  });

  const gc = (...flags: string[]) => runOk(bin, ["--config", d.configPath, "gc", ...flags]);
  const age = (dir: string) => {
    for (const x of [join(dir, FILE), dir]) if (existsSync(x)) utimesSync(x, HOUR_AGO, HOUR_AGO);
  };
  const dirsLeft = () =>
    readdirSync(d.hostRoot)
      .filter((t) => t !== ".gc-stamp")
      .flatMap((t) => readdirSync(join(d.hostRoot, t)).map((n) => `${t}/${n}`));

  async function waitReady(dir: string): Promise<void> {
    for (
      let i = 0;
      i < 100 && !(existsSync(join(dir, FILE)) && readFileSync(join(dir, FILE), "utf8").includes("READY"));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // SIGKILL for dockerd, its containerd and shims (their argv name the test dir) and the
  // containers' processes (runc state under the exec-root), then the exec-root is wiped.
  async function crash(): Promise<void> {
    const victims: number[] = [];
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      const cmd = (() => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8");
        } catch {
          return "";
        }
      })();
      if (cmd.includes(d.dir)) victims.push(Number(pid));
    }
    const runcRoot = join(d.dir, "exec", "runtime-runc", "moby");
    for (const id of existsSync(runcRoot) ? readdirSync(runcRoot) : []) {
      const state = JSON.parse(readFileSync(join(runcRoot, id, "state.json"), "utf8")) as { init_process_pid?: number };
      if (state.init_process_pid && state.init_process_pid > 0) victims.push(state.init_process_pid);
    }
    for (const pid of victims) if (pid > 1 && pid !== process.pid) await run("kill", ["-9", String(pid)]);
    await new Promise((r) => setTimeout(r, 300));
    const mounts = readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[4] ?? "")
      .filter((m) => m.startsWith(join(d.dir, "exec")));
    for (const m of mounts.sort((a, b) => b.length - a.length)) await run("umount", ["-l", m]);
    rmSync(join(d.dir, "exec"), { recursive: true, force: true });
    rmSync(join(d.dir, "dockerd.pid"), { force: true });
  }

  async function restartDockerd(): Promise<void> {
    const child = spawn(dockerdPath("20.10")!, ["--config-file", join(d.dir, "daemon.json")], {
      detached: true,
      stdio: "ignore",
    });
    child.unref();
    for (let i = 0; i < 300 && (await d.docker(["version"])).code !== 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    await runOk("/usr/bin/docker", ["-H", `unix://${d.socket}`, "version"]);
  }

  it("docker run -d [a running container's dir is kept by gc, however old]", async () => {
    const r = await d.docker(["run", "-d", "--name", "gc-live", ...OPT_IN, d.image, "sleep", "300"]);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(d.hostRoot, "default", "gc-live");
    await waitReady(dir);
    age(dir);
    const out = await gc("--verbose");
    assert.match(out.stdout, /kept .*gc-live \(docker [0-9a-f]{64}\): mounted in a live container/);
    assert.ok(existsSync(join(dir, FILE)));
  });

  it("docker [host crash with the container running: kept while dockerd cannot be asked, removed once it says the container is not running]", async () => {
    const dir = join(d.hostRoot, "default", "gc-live");
    await crash();
    assert.ok(existsSync(join(dir, FILE)), "the leak: no runc delete, no poststop");
    age(dir);
    const down = await gc();
    assert.match(down.stdout, /kept .*gc-live \(docker [0-9a-f]{64}\): cannot ask: docker: /);
    assert.ok(existsSync(dir));
    await restartDockerd();
    const ps = await d.docker(["ps", "-a", "--filter", "name=gc-live", "--format", "{{.Status}}"]);
    assert.match(ps.stdout, /Exited/);
    const out = await gc();
    assert.match(out.stdout, /removed .*gc-live \(docker [0-9a-f]{64}\): docker: exited/);
    assert.deepEqual(dirsLeft(), []);
    // The same container starts again: its create claims a fresh dir.
    const again = await d.docker(["start", "gc-live"]);
    assert.equal(again.code, 0, again.stderr);
    await waitReady(dir);
    assert.match(readFileSync(join(dir, FILE), "utf8"), /READY/);
  });
});
