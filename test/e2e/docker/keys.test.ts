// Issue 10 on real dockerd 20.10 and 28.5: every key right after start, for --network host
// (finding 1) and for keys taken from labels (finding 2), plus the ECS identity keys.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { createDocker, type Docker, type DockerVersion, dockerdPath } from "../lib/docker.js";
import { requireTools } from "../lib/guard.js";
import { hostDefaultRoute } from "../lib/host-route.js";

const ON = ["--label", "oci-metadata.io/enabled=true"];

for (const version of ["20.10", "28.5"] as DockerVersion[]) {
  const skip = requireTools(
    ["runc", "ip", "busybox", "/usr/bin/docker"],
    dockerdPath(version) ? [] : [`dockerd ${version}`],
  );

  describe(`docker ${version} keys`, { skip }, () => {
    let d: Docker;
    let seq = 0;
    const name = () => `ocimd-k${process.pid % 10000}-${++seq}`;
    const fileOf = (n: string) => join(d.hostRoot, "default", n, "ecs-container-metadata.json");

    before(async () => {
      d = await createDocker(requireBinary(), version, version === "20.10" ? 121 : 129);
      const config = JSON.parse(readFileSync(d.configPath, "utf8"));
      writeFileSync(d.configPath, JSON.stringify({ ...config, annotationsToInclude: ["com.example/*"] }));
    });

    after(async () => {
      await d?.destroy();
    });

    // Polls the host file (up to 20 s) until `ok` holds; returns the last document read.
    async function waitFor(n: string, ok: (doc: any) => boolean): Promise<any> {
      let doc: any = {};
      for (let i = 0; i < 200; i++) {
        try {
          doc = JSON.parse(readFileSync(fileOf(n), "utf8"));
          if (ok(doc)) return doc;
        } catch {}
        await new Promise((r) => setTimeout(r, 100));
      }
      return doc;
    }

    it(`docker ${version} run --network host [IPAddress and Networks are the host's default-route interface (issue 10, finding 1)]`, async () => {
      const n = name();
      const host = await hostDefaultRoute();
      assert.equal(
        (
          await d.docker([
            "run",
            "-d",
            "--runtime",
            "oci-metadata",
            ...ON,
            "--network",
            "host",
            "--name",
            n,
            d.image,
            "sleep",
            "300",
          ])
        ).code,
        0,
      );
      try {
        const doc = await waitFor(n, (x) => x.MetadataFileStatus === "READY");
        assert.equal(doc.MetadataFileStatus, "READY");
        assert.equal(doc.NetworkMode, "host");
        assert.equal(doc.IPAddress, host.ipv4);
        assert.ok(doc.Gateway, "the gateway is there, as before");
        assert.deepEqual(
          doc.Networks.map((x: any) => [x.NetworkMode, x.Interface]),
          [["host", host.dev]],
        );
      } finally {
        await d.docker(["rm", "-f", n]);
      }
    });

    it(`docker ${version} run --label [label-derived keys survive the READY rewrite (issue 10, finding 2)]`, async () => {
      const n = name();
      const labels = ["com.example/team=web", "com.amazonaws.ecs.cluster=prod-eu"];
      const r = await d.docker([
        "run",
        "-d",
        "--runtime",
        "oci-metadata",
        ...ON,
        ...labels.flatMap((l) => ["--label", l]),
        "--name",
        n,
        d.image,
        "sleep",
        "300",
      ]);
      assert.equal(r.code, 0, r.stderr);
      try {
        const doc = await waitFor(n, (x) => x.MetadataFileStatus === "READY");
        assert.equal(doc.MetadataFileStatus, "READY");
        assert.deepEqual(doc.Annotations, { "com.example/team": "web" });
        assert.equal(doc.Cluster, "prod-eu");
      } finally {
        await d.docker(["rm", "-f", n]);
      }
    });

    it(`docker ${version} run [the ECS agent's identity keys: task definition from its labels, zone and public IP from config, private IP from the host]`, async () => {
      const n = name();
      const config = readFileSync(d.configPath, "utf8");
      writeFileSync(
        d.configPath,
        JSON.stringify({
          ...JSON.parse(config),
          identity: { availabilityZone: "test-zone-1a", hostPublicIPv4Address: "203.0.113.9" },
        }),
      );
      const labels = ["com.amazonaws.ecs.task-definition-family=shop", "com.amazonaws.ecs.task-definition-version=12"];
      const r = await d.docker([
        "run",
        "-d",
        "--runtime",
        "oci-metadata",
        ...ON,
        ...labels.flatMap((l) => ["--label", l]),
        "--name",
        n,
        d.image,
        "sleep",
        "300",
      ]);
      assert.equal(r.code, 0, r.stderr);
      try {
        const doc = await waitFor(n, (x) => x.MetadataFileStatus === "READY");
        assert.equal(doc.MetadataFileStatus, "READY");
        assert.equal(doc.TaskDefinitionFamily, "shop");
        assert.equal(doc.TaskDefinitionRevision, "12");
        assert.equal(doc.AvailabilityZone, "test-zone-1a");
        assert.equal(doc.HostPublicIPv4Address, "203.0.113.9");
        assert.equal(doc.HostPrivateIPv4Address, (await hostDefaultRoute()).ipv4);
      } finally {
        writeFileSync(d.configPath, config);
        await d.docker(["rm", "-f", n]);
      }
    });
  });
}
