// End-to-end on real dockerd 20.10 (network set in Docker's prestart hook) and 28.5 (network
// set between create and start): `docker run --runtime oci-metadata` gives the container a
// file with Docker-level facts — name, image, image id, real host ports, IP — marked READY
// soon after start. The same suite runs against each version.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { createDocker, type Docker, type DockerVersion, dockerdPath } from "../lib/docker.js";
import { requireTools } from "../lib/guard.js";

const ON = ["--label", "oci-metadata.io/enabled=true"];
// Waits (up to 10 s) until the file is READY, then prints it.
const WAIT_READY =
  'F=$ECS_CONTAINER_METADATA_FILE; i=0; while ! grep -q READY "$F" 2>/dev/null && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.1; done';

for (const version of ["20.10", "28.5"] as DockerVersion[]) {
  const skip = requireTools(
    ["runc", "ip", "busybox", "/usr/bin/docker"],
    dockerdPath(version) ? [] : [`dockerd ${version}`],
  );

  describe(`docker ${version}`, { skip }, () => {
    let d: Docker;
    let seq = 0;
    const name = () => `ocimd-d${process.pid % 10000}-${++seq}`;

    before(async () => {
      d = await createDocker(requireBinary(), version, version === "20.10" ? 120 : 128);
    });

    after(async () => {
      await d?.destroy();
    });

    async function inspect(n: string): Promise<any> {
      return JSON.parse((await d.docker(["inspect", n])).stdout)[0];
    }

    it(`docker ${version} run --runtime oci-metadata [name, image, image id, real host port and IP, READY]`, async () => {
      const n = name();
      const r = await d.docker([
        "run",
        "-d",
        "--runtime",
        "oci-metadata",
        ...ON,
        "--name",
        n,
        "-p",
        "127.0.0.1::80",
        d.image,
        "sh",
        "-c",
        `${WAIT_READY}; cat "$F"; sleep 300`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      try {
        let logs = "";
        for (let i = 0; i < 100 && !logs.trim().endsWith("}"); i++) {
          await new Promise((res) => setTimeout(res, 100));
          logs = (await d.docker(["logs", n])).stdout;
        }
        const doc = JSON.parse(logs);
        const info = await inspect(n);
        assert.equal(doc.MetadataFileStatus, "READY");
        assert.equal(doc.ContainerID, info.Id);
        assert.equal(doc.DockerContainerName, `/${n}`);
        assert.equal(doc.ContainerName, n);
        assert.equal(doc.ImageName, d.image);
        assert.equal(doc.ImageID, info.Image);
        const bound = info.NetworkSettings.Ports["80/tcp"][0];
        assert.deepEqual(doc.PortMappings, [
          { ContainerPort: 80, HostPort: Number(bound.HostPort), BindIp: "127.0.0.1", Protocol: "tcp" },
        ]);
        assert.ok(Number(bound.HostPort) > 0);
        const net = info.NetworkSettings.Networks.bridge;
        assert.equal(doc.IPAddress, net.IPAddress);
        assert.ok(doc.IPAddress.startsWith(d.subnetPrefix));
        assert.equal(doc.Gateway, net.Gateway);
        assert.equal(doc.NetworkMode, "bridge");
        assert.equal(doc.Networks.length, 1);
        assert.equal(doc.Networks[0].NetworkMode, "bridge");
        assert.equal(doc.Networks[0].Interface, "eth0");
        assert.equal(doc.Networks[0].MACAddress, net.MacAddress);
        assert.equal(doc.Engine, "docker");
        assert.equal(doc.Status, "running");
      } finally {
        await d.docker(["rm", "-f", n]);
      }
    });

    it(`docker ${version} rm [the host dir is gone]`, async () => {
      const n = name();
      const r = await d.docker(["run", "-d", "--runtime", "oci-metadata", ...ON, "--name", n, d.image, "sleep", "300"]);
      assert.equal(r.code, 0, r.stderr);
      const dir = join(d.hostRoot, "default", n);
      assert.ok(existsSync(join(dir, "ecs-container-metadata.json")));
      assert.equal((await d.docker(["rm", "-f", n])).code, 0);
      assert.equal(existsSync(dir), false);
    });

    it(`docker ${version} exec [works through the wrapper; the mount is there]`, async () => {
      const n = name();
      await d.docker(["run", "-d", "--runtime", "oci-metadata", ...ON, "--name", n, d.image, "sleep", "300"]);
      try {
        const r = await d.docker(["exec", n, "sh", "-c", "cat /ecs/metadata/*/ecs-container-metadata.json; exit 7"]);
        assert.equal(r.code, 7, r.stderr);
        assert.equal(JSON.parse(r.stdout).DockerContainerName, `/${n}`);
      } finally {
        await d.docker(["rm", "-f", n]);
      }
    });

    it(`docker ${version} run --volumes-from [both dirs visible, the env var points to its own]`, async () => {
      const a = name();
      const b = name();
      await d.docker(["run", "-d", "--runtime", "oci-metadata", ...ON, "--name", a, d.image, "sleep", "300"]);
      try {
        const r = await d.docker([
          "run",
          "--rm",
          "--runtime",
          "oci-metadata",
          ...ON,
          "--name",
          b,
          "--volumes-from",
          a,
          d.image,
          "sh",
          "-c",
          `${WAIT_READY}; echo "ENV=$F"; echo /ecs/metadata/*; cat /ecs/metadata/${a}/ecs-container-metadata.json`,
        ]);
        assert.equal(r.code, 0, r.stderr);
        const [env, listing, ...rest] = r.stdout.split("\n");
        assert.equal(env, `ENV=/ecs/metadata/${b}/ecs-container-metadata.json`);
        assert.deepEqual(listing!.split(/\s+/).filter(Boolean).sort(), [a, b].map((x) => `/ecs/metadata/${x}`).sort());
        assert.equal(JSON.parse(rest.join("\n")).DockerContainerName, `/${a}`);
      } finally {
        await d.docker(["rm", "-f", a]);
      }
    });

    it(`docker ${version} run --restart [the file is correct after a restart]`, async () => {
      const n = name();
      const work = join(d.dir, `${n}-w`);
      mkdirSync(work, { recursive: true });
      const script = `if [ ! -e /w/first ]; then touch /w/first; exit 1; fi; ${WAIT_READY}; cp "$F" /w/second.json; sleep 300`;
      const r = await d.docker([
        "run",
        "-d",
        "--runtime",
        "oci-metadata",
        ...ON,
        "--name",
        n,
        "--restart",
        "on-failure:3",
        "-v",
        `${work}:/w`,
        d.image,
        "sh",
        "-c",
        script,
      ]);
      assert.equal(r.code, 0, r.stderr);
      try {
        for (let i = 0; i < 150 && !existsSync(join(work, "second.json")); i++)
          await new Promise((res) => setTimeout(res, 100));
        const doc = JSON.parse(readFileSync(join(work, "second.json"), "utf8"));
        const info = await inspect(n);
        assert.ok(info.RestartCount >= 1, "the container was restarted");
        assert.equal(doc.MetadataFileStatus, "READY");
        assert.equal(doc.ContainerID, info.Id);
        assert.equal(doc.IPAddress, info.NetworkSettings.Networks.bridge.IPAddress);
      } finally {
        await d.docker(["rm", "-f", n]);
      }
      assert.equal(existsSync(join(d.hostRoot, "default", n)), false);
    });

    it(`docker ${version} run [without the opt-in label: no env, no mount]`, async () => {
      const r = await d.docker([
        "run",
        "--rm",
        "--runtime",
        "oci-metadata",
        d.image,
        "sh",
        "-c",
        'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; grep -c " /ecs" /proc/self/mounts || true',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "ENV=unset\n0\n");
    });
  });
}
