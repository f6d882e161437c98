// End-to-end: the DaemonSet of deploy/kubernetes, proven without a kubelet on containerd
// 1.7.24 and 2.1.9. The base is rendered with `kubectl kustomize`, its pod template is run
// through CRI as a kubelet would (lib/kubelet.ts: host namespaces, image from
// dist/oci-metadata-image.tar, args, env with the downward API filled in, securityContext,
// resources, hostPath and configMap volumes — no privilege beyond the manifest's), then:
//  (a) app pods get READY metadata from the plugin running in a container, with
//      ContainerInstanceARN = the node name;
//  (b) /healthz and /metrics answer from the host;
//  (c) a rolling update (plugin pod deleted, a new one started) loses no app pod's file; an
//      app container removed in the gap is cleaned up by the new plugin's Synchronize, and a
//      pod created in the gap gets metadata for the containers created once the plugin is back
//      (a container *created* in the gap has no mount: only a runtime-launched plugin closes
//      that gap, see docs/design.md); a second plugin pod waits on the lock, never registers
//      beside the first, and takes over when the first is deleted;
//  (d) SIGTERM stops the plugin within the grace period (exit 0, not SIGKILL).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { IMAGE_REF } from "../../../scripts/image/build.js";
import { type Containerd, type ContainerdVersion, containerdBinaries, createContainerd } from "../lib/containerd.js";
import { runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { deleteDaemonSetPod, type RunningPod, relocate, runDaemonSetPod } from "./lib/kubelet.js";
import { DEPLOY, type K8sObject, kubectlPresent, render } from "./lib/manifests.js";

const IMAGE_TAR = fileURLToPath(new URL("../../../dist/oci-metadata-image.tar", import.meta.url));
const TOOLS = ["/usr/sbin/runc", "ip", "/usr/lib/cni/bridge", "/usr/lib/cni/host-local", "/usr/lib/cni/loopback"];
const ON = { "oci-metadata.io/enabled": "true" };
const PRINT = [
  "sh",
  "-c",
  'cat "$ECS_CONTAINER_METADATA_FILE" 2>/dev/null || echo "no metadata: ${ECS_CONTAINER_METADATA_FILE:-unset}"',
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const [version, n] of [
  ["1.7", 71],
  ["2.1", 72],
] as [ContainerdVersion, number][]) {
  const missing = [
    ...(containerdBinaries(version) ? [] : [`containerd ${version}`]),
    ...(kubectlPresent() ? [] : ["kubectl"]),
  ];
  const skip = requireTools(TOOLS, existsSync(IMAGE_TAR) ? missing : [...missing, `${IMAGE_TAR} (npm run image)`]);

  describe(`DaemonSet on containerd ${version}`, { skip }, () => {
    let cd: Containerd;
    let objects: K8sObject[];
    let hostRoot = "";
    const nodeName = `node-e2e-${version.replace(".", "-")}`;
    const plugins: RunningPod[] = [];

    const get = async (pod: RunningPod, path: string) => {
      const res = await fetch(`http://${pod.podIP}:9477${path}`).catch((err: Error) => ({
        status: 0,
        text: async () => err.message,
      }));
      return { status: res.status, text: await res.text() };
    };
    const metric = async (pod: RunningPod, line: RegExp) =>
      Number(line.exec((await get(pod, "/metrics")).text)?.[1] ?? Number.NaN);
    async function until(what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
      for (const end = Date.now() + ms; !(await check()); await sleep(100))
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    }
    const ready = (pod: RunningPod) =>
      until(`${pod.name} /healthz 200`, async () => (await get(pod, "/healthz")).status === 200);
    async function startPlugin(): Promise<RunningPod> {
      const pod = await runDaemonSetPod(cd, objects, nodeName);
      plugins.push(pod);
      return pod;
    }
    async function deletePlugin(pod: RunningPod): Promise<number> {
      plugins.splice(plugins.indexOf(pod), 1);
      return deleteDaemonSetPod(cd, objects, pod);
    }
    // Runs a container to completion; returns its parsed file or the "no metadata" line.
    async function runApp(podId: string, name: string): Promise<Record<string, any> | string> {
      const id = await cd.createContainer(podId, undefined, { name, command: PRINT });
      await cd.startContainer(id);
      assert.equal(await cd.waitExited(id), 0);
      const out = (await cd.logs(id)).trim();
      await cd.stopAndRemove(id);
      return out.startsWith("{") ? JSON.parse(out) : out;
    }

    before(async () => {
      cd = await createContainerd(version, n);
      hostRoot = join(cd.dir, "meta");
      objects = relocate(await render(join(DEPLOY, "base")), { nriDir: join(cd.dir, "nri"), hostRoot });
      await runOk(cd.binaries.ctr, ["--address", cd.socket, "-n", "k8s.io", "images", "import", IMAGE_TAR], {
        timeoutMs: 120_000,
      });
    });

    after(async () => {
      for (const p of [...plugins]) await deletePlugin(p).catch(() => undefined);
      await cd?.destroy();
    });

    it(`containerd ${version} DaemonSet [(a) app pods get READY metadata from the plugin pod, ContainerInstanceARN = node; (b) /healthz and /metrics answer from the host]`, async () => {
      const plugin = await startPlugin();
      assert.match(plugin.podIP, /^10\.92\./);
      await ready(plugin);
      const app = await cd.runPod("shop", { annotations: ON, namespace: "prod" });
      const doc = await runApp(app, "web");
      assert.equal(typeof doc, "object", `the app saw: ${doc}`);
      const d = doc as Record<string, any>;
      assert.equal(d.MetadataFileStatus, "READY");
      assert.equal(d.ContainerInstanceARN, nodeName);
      assert.equal(d.ContainerName, "web");
      assert.equal(d.IPAddress, await cd.podIP(app));
      assert.equal(d.Engine, "containerd");
      assert.equal(d.ImageName, "localhost/ocimd-bb:latest");
      const health = await get(plugin, "/healthz");
      assert.equal(health.status, 200);
      assert.match(health.text, /synchronized/);
      assert.equal(await metric(plugin, /^oci_metadata_nri_containers_injected_total (\d+)$/m), 1);
      assert.equal(await metric(plugin, /^oci_metadata_nri_connection_state\{state="synchronized"\} (\d)$/m), 1);
      assert.ok((await metric(plugin, /^oci_metadata_nri_file_write_seconds_count (\d+)$/m)) >= 1);
      const rss = await metric(plugin, /^process_resident_memory_bytes (\d+)$/m);
      console.log(`containerd ${version}: plugin RSS in the pod ${(rss / 2 ** 20).toFixed(1)} MiB, image ${IMAGE_REF}`);
      await cd.removePod(app);
    });

    it(`containerd ${version} DaemonSet [(c) rolling update: no app file lost, the gap is reconciled; (d) SIGTERM ends the plugin within the grace period]`, async () => {
      const old = plugins[0] ?? (await startPlugin());
      await ready(old);
      // App pod A with two long-running containers, both READY.
      const a = await cd.runPod("steady", { annotations: ON });
      const keep = await cd.createContainer(a, undefined, { name: "keep", command: ["sleep", "3600"] });
      await cd.startContainer(keep);
      const gone = await cd.createContainer(a, undefined, { name: "gone", command: ["sleep", "3600"] });
      await cd.startContainer(gone);
      const taskDir = join(hostRoot, readdirSync(hostRoot).find((d) => d.includes("steady")) ?? "steady-not-found");
      const keepFile = join(taskDir, "keep", "ecs-container-metadata.json");
      await until(
        "keep's file READY",
        () => existsSync(keepFile) && JSON.parse(readFileSync(keepFile, "utf8")).MetadataFileStatus === "READY",
      );
      const before = readFileSync(keepFile, "utf8");

      // (d) The kubelet deletes the old pod: SIGTERM, grace period, exit 0 (137 = killed).
      assert.equal(await deletePlugin(old), 0, "the plugin exits on SIGTERM within terminationGracePeriodSeconds");

      // The gap: a container removed, a pod and a container created, all without a plugin.
      await cd.stopAndRemove(gone);
      assert.ok(existsSync(join(taskDir, "gone")), "nobody removed gone's dir yet");
      const late = await cd.runPod("late", { annotations: ON });
      assert.match(
        (await runApp(late, "in-gap")) as string,
        /^no metadata: unset$/,
        "a container created in the gap has no mount",
      );

      // The new plugin pod: Synchronize keeps keep's file, removes gone's dir.
      const fresh = await startPlugin();
      await ready(fresh);
      await until("gone's dir removed by Synchronize", () => !existsSync(join(taskDir, "gone")));
      assert.equal(JSON.parse(readFileSync(keepFile, "utf8")).ContainerID, keep);
      assert.equal(JSON.parse(readFileSync(keepFile, "utf8")).MetadataFileStatus, "READY");
      assert.ok(readFileSync(keepFile, "utf8").length >= before.length - 64, "keep's file is still whole");
      const doc = await runApp(late, "after-gap");
      assert.equal(
        (doc as Record<string, any>).MetadataFileStatus,
        "READY",
        "the pod created in the gap is served once the plugin is back",
      );

      // A second plugin pod (a surge, or a host service) waits on the lock: never two registered.
      const surge = await startPlugin();
      await until(
        "the surge pod waiting for the lock",
        async () =>
          (await metric(surge, /^oci_metadata_nri_connection_state\{state="waiting-for-lock"\} (\d)$/m)) === 1,
      );
      assert.equal((await get(surge, "/healthz")).status, 503);
      const both = await runApp(late, "two-plugins");
      assert.equal(
        (both as Record<string, any>).MetadataFileStatus,
        "READY",
        "with two plugin pods a container is still created, once",
      );
      assert.equal(await deletePlugin(fresh), 0);
      await ready(surge);
      assert.equal(((await runApp(late, "taken-over")) as Record<string, any>).ContainerInstanceARN, nodeName);

      await cd.stopAndRemove(keep);
      await cd.removePod(a);
      await cd.removePod(late);
    });
  });
}
