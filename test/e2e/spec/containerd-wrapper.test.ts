// End-to-end: containerd 1.7.24 and 2.1.9 with the runtime wrapper as the runc runtime's
// BinaryName (the link `oci-metadata-runtime`), driven by CRI. The CRI container asks for a
// memory limit of int64 max (9223372036854775807), which JSON.parse cannot hold, so
// containerd writes it into config.json, the wrapper's create edits that config, and runc must
// still read it: the container starts and reads a READY file naming the CRI container and pod.
// Before lossless editing runc refused the rounded 9223372036854776000 (not an int64).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { type ContainerdVersion, containerdBinaries, createContainerd } from "../lib/containerd.js";
import { NamespaceMode } from "../lib/cri.js";
import { requireTools } from "../lib/guard.js";

const TOOLS = [
  "/usr/sbin/runc",
  "ip",
  "tar",
  "/usr/lib/cni/bridge",
  "/usr/lib/cni/host-local",
  "/usr/lib/cni/loopback",
];
const VERSIONS: { version: ContainerdVersion; n: number }[] = [
  { version: "1.7", n: 44 },
  { version: "2.1", n: 45 },
];

for (const { version, n } of VERSIONS) {
  const skip = requireTools(TOOLS, containerdBinaries(version) ? [] : [`containerd ${version}`]);
  describe(`containerd ${version} + runtime wrapper`, { skip }, () => {
    it(`containerd ${version} CRI [a container with an int64-max memory limit starts through the wrapper and reads a READY file]`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "ocimd-cdwrap-"));
      const link = join(dir, "oci-metadata-runtime");
      symlinkSync(requireBinary(), link);
      const configPath = join(dir, "config.json");
      // enabled: always — CRI passes container annotations to the OCI spec only when the runtime
      // lists them (container_annotations), and the test runtime lists none.
      writeFileSync(
        configPath,
        JSON.stringify({
          enabled: "always",
          hostRoot: join(dir, "meta"),
          log: { file: join(dir, "log"), level: "debug" },
        }),
      );
      // containerd's shim and runc (and so the wrapper and its hooks) inherit containerd's env.
      const saved = process.env.OCI_METADATA_CONFIG;
      process.env.OCI_METADATA_CONFIG = configPath;
      const cd = await createContainerd(version, n);
      try {
        const toml = readFileSync(cd.configPath, "utf8");
        assert.ok(toml.includes('BinaryName = "/usr/sbin/runc"'));
        writeFileSync(
          cd.configPath,
          toml.replace('BinaryName = "/usr/sbin/runc"', `BinaryName = ${JSON.stringify(link)}`),
        );
        await cd.restart();
        const pod = await cd.runPod("wrap");
        const id = await cd.createContainer(pod, undefined, {
          name: "app",
          command: ["sh", "-c", 'cat "$ECS_CONTAINER_METADATA_FILE"'],
          config: {
            linux: {
              securityContext: {
                namespaceOptions: { network: NamespaceMode.POD, pid: NamespaceMode.CONTAINER, ipc: NamespaceMode.POD },
              },
              resources: { memoryLimitInBytes: 9223372036854775807n },
            },
          },
        });
        await cd.startContainer(id);
        assert.equal(await cd.waitExited(id), 0, await cd.logs(id, "stderr"));
        const doc = JSON.parse(await cd.logs(id)) as Record<string, unknown>;
        const podConfig = cd.podConfig(pod);
        assert.equal(doc.MetadataFileStatus, "READY");
        assert.equal(doc.ContainerID, id);
        assert.equal(doc.ContainerName, "app");
        assert.equal(doc.TaskARN, `default/wrap/${podConfig.metadata?.uid}`);
        assert.ok(String(doc.IPAddress).startsWith(cd.subnetPrefix), String(doc.IPAddress));
      } finally {
        await cd.destroy();
        if (saved === undefined) delete process.env.OCI_METADATA_CONFIG;
        else process.env.OCI_METADATA_CONFIG = saved;
        if (process.env.OCI_METADATA_KEEP_TEST_DIRS !== "1") rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
