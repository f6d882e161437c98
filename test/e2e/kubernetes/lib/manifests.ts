// deploy/kubernetes rendered as `kubectl apply -k` would: `kubectl kustomize DIR` (Debian sid's
// kubectl, unpacked by scripts/setup.sh) → parsed objects, each validated against the
// Kubernetes OpenAPI schema (npm kubernetes-models + @kubernetes-models/validate).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Model } from "@kubernetes-models/base";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { parseAllDocuments } from "yaml";
import { runOk } from "../../lib/exec.js";

const ENGINES = process.env.OCI_METADATA_ENGINES ?? "/var/cache/oci-metadata-engines";
/** kubectl from Debian sid, unpacked (not installed) by scripts/setup.sh. */
export const KUBECTL = join(ENGINES, "sid", "root", "usr", "bin", "kubectl");
export const DEPLOY = fileURLToPath(new URL("../../../../deploy/kubernetes", import.meta.url));

/** Every kind the manifests may hold, with its model (unknown kinds fail the validation). */
const MODELS: Record<string, new (data: never) => Model<unknown>> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/ResourceQuota": ResourceQuota,
  "apps/v1/DaemonSet": DaemonSet,
};

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: any;
};

export function kubectlPresent(): boolean {
  return existsSync(KUBECTL);
}

/** `kubectl kustomize dir` parsed into objects. */
export async function render(dir: string): Promise<K8sObject[]> {
  const { stdout } = await runOk(KUBECTL, ["kustomize", dir]);
  return parseAllDocuments(stdout).map((d) => {
    if (d.errors.length > 0) throw new Error(`kustomize output of ${dir}: ${d.errors[0]!.message}`);
    return d.toJS() as K8sObject;
  });
}

/** Validates one object against its schema; throws naming the object and the first problems. */
export function validateObject(obj: K8sObject): void {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) throw new Error(`${obj.apiVersion} ${obj.kind} ${obj.metadata?.name}: no schema known for this kind`);
  try {
    new Model(obj as never).validate();
  } catch (err) {
    throw new Error(`${obj.kind} ${obj.metadata?.name}: ${(err as Error).message}`);
  }
}

/** The one object of `kind` (throws when there is not exactly one). */
export function only(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
}
