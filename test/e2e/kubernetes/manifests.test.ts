// deploy/kubernetes: the base (also reachable as deploy/kubernetes itself) and the example
// overlay render with `kubectl kustomize`, every object is valid against the Kubernetes
// OpenAPI schema, the ConfigMap's config.json is a valid oci-metadata config, and the
// DaemonSet is the careful operator's: the image `npm run image` builds, least privilege
// (hostPID only, no capability, read-only root), only two hostPath mounts at their host paths,
// probes on the plugin's own endpoints, node identity from the downward API.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { IMAGE_REF } from "../../../scripts/image/build.js";
import { validateConfig } from "../../../src/core/config.js";
import { requireTools } from "../lib/guard.js";
import { DEPLOY, type K8sObject, KUBECTL, kubectlPresent, only, render, validateObject } from "./lib/manifests.js";

const skip = requireTools([], kubectlPresent() ? [] : [`kubectl (${KUBECTL}; scripts/setup.sh unpacks it)`]);

// The plugin's config as the pod reads it (NODE_NAME comes from the downward API).
function podConfig(objects: K8sObject[]) {
  const text = only(objects, "ConfigMap").data["config.json"] as string;
  return validateConfig(JSON.parse(text), "ConfigMap config.json");
}

const RENDERED: [string, string][] = [
  ["base", join(DEPLOY, "base")],
  ["deploy/kubernetes", DEPLOY],
  ["overlays/example", join(DEPLOY, "overlays/example")],
];
for (const [name, dir] of RENDERED) {
  describe(`deploy/kubernetes [${name}]`, { skip }, () => {
    it("renders, and every object is valid against the Kubernetes schema", async () => {
      const objects = await render(dir);
      assert.deepEqual(objects.map((o) => o.kind).sort(), [
        "ConfigMap",
        "DaemonSet",
        "Namespace",
        "ResourceQuota",
        "ServiceAccount",
      ]);
      for (const o of objects) validateObject(o);
      for (const o of objects.filter((o) => o.kind !== "Namespace"))
        assert.equal(o.metadata.namespace, "oci-metadata", `${o.kind} namespace`);
    });

    it("holds a valid config that names the node as containerInstance", async () => {
      const config = podConfig(await render(dir));
      assert.deepEqual(config.identity.containerInstance, { env: "NODE_NAME" });
      assert.notEqual(config.nri.httpAddress, "", "the probes need the HTTP listener");
    });

    it("runs the plugin with the least privilege that works", async () => {
      const objects = await render(dir);
      const ds = only(objects, "DaemonSet");
      const pod = ds.spec.template.spec;
      const [c, ...others] = pod.containers;
      assert.equal(others.length, 0);
      assert.equal(pod.initContainers, undefined);
      assert.equal(pod.hostPID, true, "NRI sends host pids: /proc/<sandbox pid>/net needs the host pid namespace");
      assert.equal(pod.hostNetwork, false);
      assert.equal(pod.hostIPC, false);
      assert.equal(pod.automountServiceAccountToken, false, "the plugin never calls the API");
      assert.equal(only(objects, "ServiceAccount").automountServiceAccountToken, false);
      const sc = c.securityContext;
      assert.deepEqual(sc.capabilities, { drop: ["ALL"] });
      assert.equal(sc.privileged, false);
      assert.equal(sc.allowPrivilegeEscalation, false);
      assert.equal(sc.readOnlyRootFilesystem, true);
      assert.equal(sc.seccompProfile.type, "RuntimeDefault");
      assert.equal(pod.securityContext, undefined, "no pod-level security settings beyond the container's");
      // hostPath: the NRI socket's dir and hostRoot, each at its host path, nothing else.
      const config = podConfig(objects);
      const hostPaths = pod.volumes
        .filter((v: any) => v.hostPath)
        .map((v: any) => v.hostPath.path)
        .sort();
      assert.deepEqual(hostPaths, [dirname(config.nri.socket), config.hostRoot].sort());
      for (const v of pod.volumes.filter((v: any) => v.hostPath)) {
        const m = c.volumeMounts.find((m: any) => m.name === v.name);
        assert.equal(m.mountPath, v.hostPath.path, `${v.name} is mounted at its host path`);
        assert.equal(m.mountPropagation, undefined);
      }
    });

    it("is scheduled, updated, probed and stopped as a node agent", async () => {
      const objects = await render(dir);
      const ds = only(objects, "DaemonSet");
      const pod = ds.spec.template.spec;
      const c = pod.containers[0];
      if (name !== "overlays/example") assert.equal(c.image, IMAGE_REF, "the image npm run image builds");
      assert.equal(pod.priorityClassName, "system-node-critical");
      assert.deepEqual(pod.tolerations, [{ operator: "Exists" }]);
      assert.equal(ds.spec.updateStrategy.type, "RollingUpdate");
      assert.equal(ds.spec.updateStrategy.rollingUpdate.maxSurge, 0, "never two plugins on a node");
      assert.ok(pod.terminationGracePeriodSeconds >= 5);
      const port = Number(podConfig(objects).nri.httpAddress.split(":").pop());
      const named = c.ports.find((p: any) => p.name === c.readinessProbe.httpGet.port);
      assert.equal(named.containerPort, port);
      assert.equal(c.readinessProbe.httpGet.path, "/healthz");
      assert.equal(c.livenessProbe.httpGet.path, "/livez");
      for (const kind of ["requests", "limits"])
        for (const r of ["cpu", "memory"]) assert.ok(c.resources[kind][r], `resources.${kind}.${r}`);
      const nodeName = c.env.find((e: any) => e.name === "NODE_NAME");
      assert.deepEqual(nodeName.valueFrom, { fieldRef: { fieldPath: "spec.nodeName" } });
      assert.equal(c.command, undefined, "the image's entrypoint (oci-metadata nri) runs");
    });
  });
}

describe("deploy/kubernetes [validation catches mistakes]", { skip }, () => {
  it("rejects an object the schema does not allow", async () => {
    const ds = only(await render(DEPLOY), "DaemonSet");
    ds.spec.template.spec.containers[0].resources.limits.memory = "a lot";
    assert.throws(() => validateObject(ds), /DaemonSet oci-metadata: .*memory/);
  });
});
