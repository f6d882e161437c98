// The Debian package on this machine, for real (/usr/bin, /usr/share, /lib/systemd, and the
// real /etc/containerd/config.toml through postinst/prerm): dpkg -i → a podman container and
// a Docker container get READY metadata; apt-get purge → podman and Docker run containers as
// before, containerd's config is byte for byte what it was, and no file of ours remains.
// Docker is a private dockerd (its daemon.json is given to the maintainer scripts through
// OCI_METADATA_CONFIGURE_FLAGS); podman is a private one reading podman's default hooks dir.
// Refuses to run where oci-metadata is already installed (it would be removed).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { requireBinary } from "../lib/binary.js";
import { createDocker, type Docker, dockerdPath } from "../lib/docker.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createPodman, type Podman } from "../lib/podman.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const skip = requireTools(
  ["dpkg", "dpkg-deb", "apt-get", "podman", "/usr/bin/docker", "containerd"],
  dockerdPath("20.10") ? [] : ["dockerd 20.10"],
);
const OURS = [
  "/usr/bin/oci-metadata",
  "/usr/bin/oci-metadata-runtime",
  "/usr/share/containers/oci/hooks.d/50-oci-metadata.json",
  "/lib/systemd/system/oci-metadata-nri.service",
  "/usr/share/bash-completion/completions/oci-metadata",
  "/usr/share/doc/oci-metadata",
  "/etc/containerd/conf.d",
];
const PRINT =
  'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; F=$ECS_CONTAINER_METADATA_FILE; i=0; while [ -n "$F" ] && ! grep -q READY "$F" 2>/dev/null && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.1; done; cat "$F" 2>/dev/null; true';

/** Everything under these paths that we compare before and after. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of ["/etc/containerd", "/etc/docker", "/usr/share/containers", "/lib/systemd/system", "/var/lib"]) {
    for (const name of existsSync(dir) ? readdirSync(dir) : [])
      out[join(dir, name)] = dir === "/etc/containerd" || dir === "/etc/docker" ? readIfFile(join(dir, name)) : "";
  }
  return out;
}
function readIfFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "(dir)";
  }
}

describe("Debian package", { skip }, () => {
  let d: Docker;
  let p: Podman;
  let deb = "";
  let env: NodeJS.ProcessEnv;
  let before0: Record<string, string>;
  let containerdConfig = "";
  let daemonJson = "";
  const podmanRun = (...args: string[]) => run("podman", ["run", "--rm", ...args], { env: p.env, timeoutMs: 120_000 });

  before(async () => {
    requireBinary();
    if ((await run("dpkg", ["-s", "oci-metadata"])).code === 0 || existsSync("/usr/bin/oci-metadata")) {
      throw new Error("oci-metadata is installed on this machine: this test would remove it; purge it first");
    }
    deb = (await runOk("bash", [join(REPO, "scripts/deb.sh")], { cwd: REPO, timeoutMs: 300_000 })).stdout.trim();
    before0 = snapshot();
    containerdConfig = readIfFile("/etc/containerd/config.toml");
    d = await createDocker(requireBinary(), "20.10", 67, {}, { register: false });
    p = await createPodman(requireBinary(), 68);
    rmSync(join(p.hooksDir, "50-oci-metadata.json"));
    daemonJson = readFileSync(join(d.dir, "daemon.json"), "utf8");
    env = {
      ...process.env,
      OCI_METADATA_CONFIGURE_FLAGS: `--docker-config ${join(d.dir, "daemon.json")} --config ${d.configPath}`,
    };
  });
  after(async () => {
    if ((await run("dpkg", ["-s", "oci-metadata"])).code === 0) await run("dpkg", ["--purge", "oci-metadata"], { env });
    await d?.destroy();
    await p?.destroy();
    if (!("/var/lib/ecs" in before0)) rmSync("/var/lib/ecs", { recursive: true, force: true });
    // Whatever happened, the machine's containerd config goes back as it was.
    if (containerdConfig !== "(dir)" && readIfFile("/etc/containerd/config.toml") !== containerdConfig)
      writeFileSync("/etc/containerd/config.toml", containerdConfig);
  });

  it("dpkg -i [Docker registered and reloaded; a podman and a Docker container get READY metadata]", async () => {
    const r = await run("dpkg", ["-i", join(REPO, deb)], { env, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /reloaded dockerd \(SIGHUP\)/);
    assert.match(r.stdout, /restart containerd/, "containerd is not restarted, the operator is told");
    for (const f of OURS.slice(0, 5)) assert.ok(existsSync(f), `${f} installed`);
    const pc = await podmanRun("--annotation", "oci-metadata.io/enabled=true", p.image, "sh", "-c", PRINT);
    assert.equal(pc.code, 0, pc.stderr);
    assert.match(pc.stdout, /^ENV=\/ecs\/metadata\//);
    assert.equal(JSON.parse(pc.stdout.split("\n").slice(1).join("\n")).MetadataFileStatus, "READY");
    const dc = await d.docker([
      "run",
      "--rm",
      "--runtime",
      "oci-metadata",
      "--label",
      "oci-metadata.io/enabled=true",
      d.image,
      "sh",
      "-c",
      PRINT,
    ]);
    assert.equal(dc.code, 0, dc.stderr);
    assert.equal(JSON.parse(dc.stdout.split("\n").slice(1).join("\n")).MetadataFileStatus, "READY");
  });

  it("apt-get purge [engines run containers as before; nothing of ours remains]", async () => {
    const r = await run("apt-get", ["purge", "-y", "oci-metadata"], { env, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.notEqual(
      (await run("dpkg", ["-s", "oci-metadata"])).stdout.match(/^Status: install ok installed/m) ? 1 : 0,
      1,
    );
    for (const f of OURS) assert.equal(existsSync(f), false, `${f} removed`);
    assert.deepEqual(
      snapshot(),
      before0,
      "/etc/containerd, /etc/docker, /usr/share/containers, /lib/systemd/system, /var/lib as before",
    );
    assert.deepEqual(
      JSON.parse(readFileSync(join(d.dir, "daemon.json"), "utf8")),
      JSON.parse(daemonJson),
      "daemon.json as before",
    );
    const info = JSON.parse((await d.docker(["info", "--format", "{{json .Runtimes}}"])).stdout);
    assert.equal(info["oci-metadata"], undefined, "dockerd no longer lists the runtime");
    const dc = await d.docker(["run", "--rm", d.image, "echo", "plain"]);
    assert.equal(dc.stdout.trim(), "plain", dc.stderr);
    const pc = await podmanRun(
      "--annotation",
      "oci-metadata.io/enabled=true",
      p.image,
      "sh",
      "-c",
      'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"',
    );
    assert.equal(pc.stdout.trim(), "ENV=unset", pc.stderr);
  });
});
