// OCI image-layout tars built by hand for the containerd tests (no registry, no skopeo/umoci):
// one uncompressed layer with the busybox rootfs (makeRootfs from bundle.ts, plus every busybox
// applet), an image config, a manifest, index.json and oci-layout, each blob stored under
// blobs/sha256/<its sha256>. Several images can share one tar (and their one layer): each
// manifest in index.json carries `io.containerd.image.name`, so `ctr -n k8s.io images import`
// names the images after it (without it ctr invents `import-<date>:<tag>`).
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { makeRootfs } from "./bundle.js";
import { runOk } from "./exec.js";

export interface ImageSpec {
  /** Full reference, e.g. "localhost/pause:latest". */
  ref: string;
  /** The image's Cmd. */
  cmd: string[];
  env?: string[];
}

export interface BuiltImage extends ImageSpec {
  manifestDigest: string;
  configDigest: string;
  /** == the layer's diff_id (the layer is stored uncompressed). */
  layerDigest: string;
}

export interface ImageTar {
  path: string;
  images: BuiltImage[];
}

/** The sandbox ("pause") image CRI needs: busybox `sleep infinity` (it does not reap zombies). */
export const PAUSE_IMAGE: ImageSpec = { ref: "localhost/pause:latest", cmd: ["/bin/sleep", "infinity"] };
/** The application image the tests run. */
export const BUSYBOX_IMAGE: ImageSpec = { ref: "localhost/ocimd-bb:latest", cmd: ["/bin/sh"] };

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Stores data as a blob; returns its descriptor fields. */
function putBlob(blobs: string, data: Buffer | string): { digest: string; size: number } {
  const hex = sha256(data);
  writeFileSync(join(blobs, hex), data);
  return { digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
}

/** Builds the busybox rootfs under dir/rootfs (all applets, /etc/group, /root, /tmp 1777). */
async function busyboxRootfs(dir: string): Promise<string> {
  const rootfs = makeRootfs(dir);
  for (const d of ["root", "var/run", "usr/bin", "sbin", "usr/sbin"]) mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
  writeFileSync(join(rootfs, "etc/group"), "root:x:0:\n");
  writeFileSync(join(rootfs, "etc/hostname"), "ocimd\n");
  const list = (await runOk(join(rootfs, "bin/busybox"), ["--list"])).stdout.split("\n").filter(Boolean);
  for (const applet of list) {
    const link = join(rootfs, "bin", applet);
    if (applet !== "busybox" && !existsSync(link)) symlinkSync("busybox", link);
  }
  return rootfs;
}

/**
 * Writes an OCI image-layout tar holding `images` (all sharing one busybox layer) to
 * dir/<name>.tar; the work files under dir/<name>.oci are removed afterwards.
 */
export async function buildOciImageTar(dir: string, images: readonly ImageSpec[], name = "images"): Promise<ImageTar> {
  const work = join(dir, `${name}.oci`);
  rmSync(work, { recursive: true, force: true });
  const layout = join(work, "layout");
  const blobs = join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const rootfs = await busyboxRootfs(work);
  const layerTar = join(work, "layer.tar");
  await runOk("tar", [
    "--sort=name",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "--mtime=@1704067200",
    "-C",
    rootfs,
    "-cf",
    layerTar,
    ".",
  ]);
  const layerHex = sha256(readFileSync(layerTar));
  const layer = { digest: `sha256:${layerHex}`, size: statSync(layerTar).size };
  renameSync(layerTar, join(blobs, layerHex));

  const built: BuiltImage[] = [];
  const manifests: unknown[] = [];
  for (const image of images) {
    const config = JSON.stringify({
      created: "2024-01-01T00:00:00Z",
      architecture: "amd64",
      os: "linux",
      config: { Env: image.env ?? [DEFAULT_PATH], Cmd: image.cmd },
      rootfs: { type: "layers", diff_ids: [layer.digest] },
      history: [{ created: "2024-01-01T00:00:00Z", created_by: "oci-metadata test/e2e/lib/oci-image.ts" }],
    });
    const configDesc = putBlob(blobs, config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...configDesc },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
    });
    const manifestDesc = putBlob(blobs, manifest);
    const tag = image.ref.slice(image.ref.lastIndexOf(":") + 1);
    manifests.push({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      ...manifestDesc,
      platform: { architecture: "amd64", os: "linux" },
      annotations: { "io.containerd.image.name": image.ref, "org.opencontainers.image.ref.name": tag },
    });
    built.push({
      ...image,
      manifestDigest: manifestDesc.digest,
      configDigest: configDesc.digest,
      layerDigest: layer.digest,
    });
  }
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }),
  );
  const path = join(dir, `${name}.tar`);
  await runOk("tar", [
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    "-C",
    layout,
    "-cf",
    path,
    "oci-layout",
    "index.json",
    "blobs",
  ]);
  rmSync(work, { recursive: true, force: true });
  return { path, images: built };
}

/** Imports an image tar into containerd's CRI namespace (k8s.io: CRI sees no other). */
export async function importImageTar(ctr: string, socket: string, tar: string): Promise<void> {
  await runOk(ctr, ["--address", socket, "-n", "k8s.io", "images", "import", tar], { timeoutMs: 120_000 });
}
