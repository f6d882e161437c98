// End-to-end: dist/oci-metadata-image.tar (`npm run image`) is accepted by every loader an
// operator uses — `ctr -n k8s.io images import` (containerd 1.7 and 2.1; the DaemonSet test
// then runs it through CRI), `podman load`, `docker load` (20.10 reads only manifest.json,
// 28.5 the OCI index) — under its own name, and the binary inside runs (its libraries are
// complete): `--version` printed from the image with no shell in it.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { IMAGE_REF } from "../../../scripts/image/build.js";
import { requireBinary } from "../lib/binary.js";
import { type Containerd, type ContainerdVersion, containerdBinaries, createContainerd } from "../lib/containerd.js";
import { createDocker, type Docker, type DockerVersion, dockerdPath } from "../lib/docker.js";
import { runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createPodman, type Podman } from "../lib/podman.js";

const IMAGE_TAR = fileURLToPath(new URL("../../../dist/oci-metadata-image.tar", import.meta.url));

function requireImage(): string {
  if (!existsSync(IMAGE_TAR)) throw new Error(`${IMAGE_TAR} is missing: run \`npm run image\` first`);
  return IMAGE_TAR;
}

const VERSION_LINE = /^oci-metadata \d+\.\d+\.\d+/;

for (const [version, n] of [
  ["1.7", 61],
  ["2.1", 62],
] as [ContainerdVersion, number][]) {
  const skip = requireTools(["/usr/sbin/runc", "ip"], containerdBinaries(version) ? [] : [`containerd ${version}`]);
  describe(`image [ctr import on containerd ${version}]`, { skip }, () => {
    let cd: Containerd;
    before(async () => {
      cd = await createContainerd(version, n);
    });
    after(async () => cd?.destroy());

    it("imports under its own name into the CRI namespace", async () => {
      const ctr = cd.binaries.ctr;
      await runOk(ctr, ["--address", cd.socket, "-n", "k8s.io", "images", "import", requireImage()], {
        timeoutMs: 120_000,
      });
      const names = (await runOk(ctr, ["--address", cd.socket, "-n", "k8s.io", "images", "ls", "-q"])).stdout.split(
        "\n",
      );
      assert.ok(names.includes(IMAGE_REF), `ctr images: ${names.join(" ")}`);
    });
  });
}

describe("image [podman load]", { skip: requireTools(["podman", "/usr/sbin/runc", "ip"]) }, () => {
  let p: Podman;
  before(async () => {
    p = await createPodman(requireBinary(), 160 + (process.pid % 40));
  });
  after(async () => p?.destroy());

  it("loads under its own name and runs the binary without a shell", async () => {
    const load = await p.podman(["load", "-i", requireImage()]);
    assert.equal(load.code, 0, load.stderr);
    const names = (await p.podman(["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout.split("\n");
    assert.ok(names.includes(IMAGE_REF), `podman images: ${names.join(" ")}`);
    const run = await p.podman([
      "run",
      "--rm",
      "--network",
      "none",
      "--entrypoint",
      "/usr/bin/oci-metadata",
      IMAGE_REF,
      "--version",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, VERSION_LINE);
    const sh = await p.podman(["run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", IMAGE_REF, "-c", "true"]);
    assert.notEqual(sh.code, 0, "the image must hold no shell");
  });
});

for (const [version, n] of [
  ["20.10", 121],
  ["28.5", 129],
] as [DockerVersion, number][]) {
  const skip = requireTools(["ip"], dockerdPath(version) ? [] : [`dockerd ${version}`]);
  describe(`image [docker ${version} load]`, { skip }, () => {
    let d: Docker;
    before(async () => {
      d = await createDocker(requireBinary(), version, n);
    });
    after(async () => d?.destroy());

    it("loads under its own name and runs the binary", async () => {
      const load = await d.docker(["load", "-i", requireImage()]);
      assert.equal(load.code, 0, load.stderr);
      assert.match(load.stdout, new RegExp(`Loaded image: ${IMAGE_REF.replace(/[.]/g, "\\.")}`));
      const run = await d.docker([
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "/usr/bin/oci-metadata",
        IMAGE_REF,
        "--version",
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, VERSION_LINE);
    });
  });
}
