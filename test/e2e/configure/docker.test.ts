// configure --runtime docker against private dockerds 20.10.24 and 28.5.2: registering makes
// containers get metadata (with --runtime, and without it under --set-as-default); uninstall
// leaves a dockerd that runs containers as before — also when the binary is gone and the
// operator sends the SIGHUP configure printed, and when another runtime remains in daemon.json
// (the cases that crashed 20.10 and broke every run on 28.5, reproduced first below).
import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { createDocker, type Docker, type DockerVersion, dockerdPath } from "../lib/docker.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const VERSIONS: { version: DockerVersion; n: number }[] = [
  { version: "20.10", n: 61 },
  { version: "28.5", n: 62 },
];
const ON = ["--label", "oci-metadata.io/enabled=true"];
const WAIT_READY =
  'F=$ECS_CONTAINER_METADATA_FILE; i=0; while ! grep -q READY "$F" 2>/dev/null && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.1; done; cat "$F"';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

for (const { version, n } of VERSIONS) {
  const skip = requireTools(["/usr/bin/docker", "ip", "tar"], dockerdPath(version) ? [] : [`dockerd ${version}`]);

  describe(`configure --runtime docker on dockerd ${version}`, { skip }, () => {
    let d: Docker;
    let bin = "";
    let daemonJson = "";
    let original = "";
    const pid = () => Number(readFileSync(join(d.dir, "dockerd.pid"), "utf8"));
    const configure = (...args: string[]) =>
      run(requireBinary(), [
        "configure",
        "--runtime",
        "docker",
        "--docker-config",
        daemonJson,
        "--bin",
        bin,
        "--config",
        d.configPath,
        ...args,
      ]);
    const daemon = () => JSON.parse(readFileSync(daemonJson, "utf8"));
    const doctor = () =>
      run(requireBinary(), ["doctor", "--runtime", "docker", "--docker-config", daemonJson, "--config", d.configPath]);
    const info = async () =>
      JSON.parse((await d.docker(["info", "--format", "{{json .}}"])).stdout) as {
        DefaultRuntime: string;
        Runtimes: Record<string, unknown>;
      };
    async function hup(): Promise<void> {
      process.kill(pid(), "SIGHUP");
      await sleep(1500); // dockerd reloads asynchronously and says nothing on its API
    }
    async function plainRunWorks(): Promise<void> {
      const r = await d.docker(["run", "--rm", d.image, "echo", "plain"]);
      assert.equal(r.code, 0, `docker run after uninstall: ${r.stderr}`);
      assert.equal(r.stdout.trim(), "plain");
    }

    before(async () => {
      requireBinary();
      d = await createDocker(requireBinary(), version, n, {}, { register: false });
      daemonJson = join(d.dir, "daemon.json");
      original = readFileSync(daemonJson, "utf8");
      bin = join(d.dir, "oci-metadata"); // a link we can remove: "the binary is gone"
      symlinkSync(requireBinary(), bin);
    });
    after(async () => {
      await d?.destroy();
    });

    it(`dockerd ${version} [reproduction: a removed default-runtime key survives SIGHUP]`, async () => {
      // What install.sh --uninstall did: delete both keys, then SIGHUP.
      const cfg = JSON.parse(original);
      writeFileSync(
        daemonJson,
        JSON.stringify({
          ...cfg,
          runtimes: { "oci-metadata": { path: bin, runtimeArgs: ["runtime"] } },
          "default-runtime": "oci-metadata",
        }),
      );
      await hup();
      assert.equal((await info()).DefaultRuntime, "oci-metadata");
      writeFileSync(daemonJson, original);
      await hup();
      assert.equal(
        (await info()).DefaultRuntime,
        "oci-metadata",
        "dockerd kept the default it no longer has in its file",
      );
      // configure --uninstall repairs it: runc becomes the default in file and memory.
      const r = await configure("--uninstall", "--reload");
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await info()).DefaultRuntime, "runc");
      assert.equal((await info()).Runtimes["oci-metadata"], undefined);
      assert.deepEqual(daemon(), JSON.parse(original));
      await plainRunWorks();
    });

    it(`dockerd ${version} configure, doctor [not loaded until the reload; then wired; containers run with --runtime oci-metadata get READY metadata]`, async () => {
      assert.equal((await doctor()).code, 1, "doctor: not registered");
      const first = await configure();
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /next: reload dockerd: kill -HUP/);
      const stale = await doctor();
      assert.equal(stale.code, 1, stale.stdout);
      assert.match(
        stale.stdout,
        /problem \[docker\]: dockerd has not loaded the runtime oci-metadata .* — fix: kill -HUP \$\(cat /,
      );
      const r = await configure("--reload");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /already registered[\s\S]*reloaded dockerd \(SIGHUP\)/);
      const ok = await doctor();
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(
        ok.stdout,
        new RegExp(`^docker ${version.replace(".", "\\.")}\\.\\d+\\S*: wired — registered: `, "m"),
      );
      assert.equal(daemon().runtimes["oci-metadata"].path, bin);
      assert.deepEqual(daemon().runtimes["oci-metadata"].runtimeArgs.slice(0, 3), [
        "runtime",
        "--config",
        d.configPath,
      ]);
      const c = await d.docker(["run", "--rm", "--runtime", "oci-metadata", ...ON, d.image, "sh", "-c", WAIT_READY]);
      assert.equal(c.code, 0, c.stderr);
      const doc = JSON.parse(c.stdout);
      assert.equal(doc.MetadataFileStatus, "READY");
      assert.equal(doc.Engine, "docker");
    });

    it(`dockerd ${version} configure again [changes nothing, no new backup]`, async () => {
      const before = readFileSync(daemonJson, "utf8");
      const backups = readdirSync(d.dir).filter((f) => f.startsWith("daemon.json.bak-oci-metadata-")).length;
      assert.ok(backups >= 1, "the first change kept a backup");
      const r = await configure();
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /already registered/);
      assert.equal(readFileSync(daemonJson, "utf8"), before);
      assert.equal(readdirSync(d.dir).filter((f) => f.startsWith("daemon.json.bak-oci-metadata-")).length, backups);
    });

    it(`dockerd ${version} configure --dry-run --uninstall [prints the diff, writes nothing]`, async () => {
      const before = readFileSync(daemonJson, "utf8");
      const r = await configure("--uninstall", "--dry-run");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^--- ${daemonJson}$`, "m"));
      assert.match(r.stdout, /^-\s+"oci-metadata": \{$/m);
      assert.equal(readFileSync(daemonJson, "utf8"), before);
    });

    it(`dockerd ${version} configure --uninstall --reload [runs as before; daemon.json as before]`, async () => {
      const r = await configure("--uninstall", "--reload");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(daemon(), JSON.parse(original));
      assert.equal((await info()).Runtimes["oci-metadata"], undefined);
      await plainRunWorks();
    });

    it(`dockerd ${version} configure --set-as-default [containers get metadata without --runtime]`, async () => {
      const r = await configure("--set-as-default", "--reload");
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await info()).DefaultRuntime, "oci-metadata");
      const c = await d.docker(["run", "--rm", ...ON, d.image, "sh", "-c", WAIT_READY]);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(JSON.parse(c.stdout).MetadataFileStatus, "READY");
    });

    it(`dockerd ${version} uninstall of the default, another runtime left, binary removed, then the printed SIGHUP [dockerd lives and runs containers]`, async () => {
      const cfg = daemon();
      cfg.runtimes.other = { path: "/usr/sbin/runc" };
      writeFileSync(daemonJson, JSON.stringify(cfg));
      await hup();
      const r = await configure("--uninstall");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /kill -HUP \$\(cat /, "it says how to reload");
      assert.equal(daemon()["default-runtime"], "runc");
      assert.equal(daemon().runtimes["oci-metadata"], undefined);
      rmSync(bin); // what a package removal does next
      await hup();
      assert.ok(alive(pid()), "dockerd survived the reload");
      assert.equal((await info()).DefaultRuntime, "runc");
      await plainRunWorks();
      symlinkSync(requireBinary(), bin);
    });

    // Last: what the old uninstall (keys deleted, then SIGHUP) does to each version.
    it(`dockerd ${version} [reproduction: the old uninstall with another runtime left ${version === "20.10" ? "crashes dockerd" : "leaves every run failing with rc 127"}]`, async () => {
      const r = await configure("--set-as-default", "--reload");
      assert.equal(r.code, 0, r.stderr);
      const cfg = daemon();
      cfg.runtimes.other = { path: "/usr/sbin/runc" };
      writeFileSync(daemonJson, JSON.stringify(cfg));
      await hup();
      delete cfg.runtimes["oci-metadata"];
      delete cfg["default-runtime"];
      writeFileSync(daemonJson, JSON.stringify(cfg));
      rmSync(bin);
      await hup();
      if (version === "20.10") assert.equal(alive(pid()), false, "dockerd 20.10 panicked in Reload");
      else assert.equal((await d.docker(["run", "--rm", d.image, "true"])).code, 127);
    });
  });
}
