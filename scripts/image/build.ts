// `npm run image`: writes dist/oci-metadata-image.tar, the plugin's container image, offline —
// no registry, no builder daemon, no base image. The archive is an OCI image layout (oci-layout,
// index.json, blobs/sha256/…) that also carries Docker's manifest.json pointing at the same
// blobs, so `ctr -n k8s.io images import`, `podman load` and `docker load` (20.10 reads only
// manifest.json) all accept it.
//
// The image holds one gzip layer: the compiled binary as /usr/bin/oci-metadata, the glibc files
// `ldd` names for it (the Bun binary is dynamically linked: ld.so, libc, libpthread, libdl, libm)
// taken from this machine's libc6, glibc's copyright file, and an empty /tmp. No shell, no
// package manager, no CA certificates: the plugin runs no program and opens no TLS connection.
// Entrypoint `oci-metadata nri`. Deterministic: fixed owners, the last commit's time as mtime,
// gzip without a name or time, so one binary always gives one digest.
//
// Steps: (1) collect files, (2) layer tar + gzip, (3) config, (4) manifest, (5) index.json +
// manifest.json + oci-layout, (6) the outer tar.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type TarEntry, tar } from "./tar.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BINARY = join(ROOT, "dist", "oci-metadata");
const OUT = join(ROOT, "dist", "oci-metadata-image.tar");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
/** The name the image is imported under; deploy/kubernetes refers to it. */
export const IMAGE_REF = `localhost/oci-metadata:${VERSION}`;

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const git = (...args: string[]) => {
  try {
    return execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
};

// (1) The shared libraries the dynamic loader needs, at the paths it looks for them.
function libraries(binary: string): { path: string; source: string }[] {
  const out = execFileSync("ldd", [binary], { encoding: "utf8" });
  const libs: { path: string; source: string }[] = [];
  for (const line of out.split("\n")) {
    const linked = /=>\s+(\/\S+)/.exec(line); // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)"
    const interp = /^\s*(\/\S+)\s+\(0x/.exec(line); // "/lib64/ld-linux-x86-64.so.2 (0x…)"
    const path = linked?.[1] ?? interp?.[1];
    if (path) libs.push({ path, source: realpathSync(path) });
  }
  if (!libs.some((l) => l.path.includes("ld-linux")))
    throw new Error(`image: ldd named no dynamic loader for ${binary}:\n${out}`);
  return libs;
}

// Every parent dir of `paths`, each once, parents first.
function parentDirs(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return [...dirs].sort();
}

function layerEntries(): { entries: TarEntry[]; libc: string } {
  const files: { path: string; mode: number; data: Uint8Array }[] = [
    { path: "usr/bin/oci-metadata", mode: 0o755, data: readFileSync(BINARY) },
    ...libraries(BINARY).map((l) => ({ path: l.path.slice(1), mode: 0o755, data: readFileSync(l.source) })),
  ];
  const copyright = "/usr/share/doc/libc6/copyright";
  if (existsSync(copyright)) files.push({ path: copyright.slice(1), mode: 0o644, data: readFileSync(copyright) });
  const license = join(ROOT, "LICENSE");
  if (existsSync(license))
    files.push({ path: "usr/share/doc/oci-metadata/LICENSE", mode: 0o644, data: readFileSync(license) });
  files.sort((a, b) => a.path.localeCompare(b.path));
  const dirs = parentDirs(files.map((f) => f.path)).map((path): TarEntry => ({ type: "dir", path, mode: 0o755 }));
  const entries: TarEntry[] = [
    ...dirs,
    { type: "dir", path: "tmp", mode: 0o1777 },
    ...files.map((f): TarEntry => ({ type: "file", ...f })),
  ];
  let libc = "";
  try {
    libc = execFileSync("dpkg-query", ["-W", "-f=${Version}", "libc6"], { encoding: "utf8" });
  } catch {
    // not a Debian build machine: the label says unknown
  }
  return { entries, libc: libc || "unknown" };
}

/** Builds the image archive; returns its path, size and digests. */
export function buildImage(): {
  path: string;
  bytes: number;
  layerBytes: number;
  diffId: string;
  manifestDigest: string;
} {
  if (!existsSync(BINARY)) throw new Error(`image: ${BINARY} is missing: run npm run build first`);
  const mtime = Number(git("log", "-1", "--format=%ct")) || 0;
  const created = new Date(mtime * 1000).toISOString().replace(".000Z", "Z");
  const { entries, libc } = layerEntries();
  const layerTar = tar(entries, mtime); // (2)
  const layerGz = gzipSync(layerTar, { level: 9 });
  const blobs = new Map<string, Uint8Array>();
  const put = (data: Uint8Array) => {
    const digest = `sha256:${sha256(data)}`;
    blobs.set(digest, data);
    return { digest, size: data.length };
  };
  const layer = put(layerGz);
  const diffId = `sha256:${sha256(layerTar)}`;
  const labels = {
    "org.opencontainers.image.title": "oci-metadata",
    "org.opencontainers.image.description": "NRI plugin that gives every container a metadata file",
    "org.opencontainers.image.version": VERSION,
    "org.opencontainers.image.revision": git("rev-parse", "HEAD"),
    "org.opencontainers.image.licenses": "Apache-2.0 AND LGPL-2.1-or-later",
    "io.oci-metadata.libc6": libc,
  };
  const config = put(
    Buffer.from(
      JSON.stringify({
        created,
        architecture: "amd64",
        os: "linux",
        config: {
          Entrypoint: ["/usr/bin/oci-metadata", "nri"],
          Env: ["PATH=/usr/bin"],
          WorkingDir: "/",
          Labels: labels,
        }, // (3)
        rootfs: { type: "layers", diff_ids: [diffId] },
        history: [{ created, created_by: "oci-metadata scripts/image/build.ts" }],
      }),
    ),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, // (4)
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
        annotations: { "org.opencontainers.image.created": created },
      }),
    ),
  );
  const blobPath = (d: string) => `blobs/sha256/${d.slice("sha256:".length)}`;
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        ...manifest,
        platform: { architecture: "amd64", os: "linux" },
        // ctr names the image after io.containerd.image.name, podman after ref.name (a full reference is allowed).
        annotations: { "io.containerd.image.name": IMAGE_REF, "org.opencontainers.image.ref.name": IMAGE_REF },
      },
    ],
  };
  const dockerManifest = [{ Config: blobPath(config.digest), RepoTags: [IMAGE_REF], Layers: [blobPath(layer.digest)] }];
  const outer: TarEntry[] = [
    // (5) + (6)
    {
      type: "file",
      path: "oci-layout",
      mode: 0o644,
      data: Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })),
    },
    { type: "file", path: "index.json", mode: 0o644, data: Buffer.from(JSON.stringify(index)) },
    { type: "file", path: "manifest.json", mode: 0o644, data: Buffer.from(JSON.stringify(dockerManifest)) },
    { type: "dir", path: "blobs", mode: 0o755 },
    { type: "dir", path: "blobs/sha256", mode: 0o755 },
    ...[...blobs].map(([d, data]): TarEntry => ({ type: "file", path: blobPath(d), mode: 0o644, data })),
  ];
  writeFileSync(OUT, tar(outer, mtime));
  return { path: OUT, bytes: statSync(OUT).size, layerBytes: layerTar.length, diffId, manifestDigest: manifest.digest };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = buildImage();
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  console.log(
    `image: ${IMAGE_REF} → ${r.path}: ${mb(r.bytes)} (uncompressed layer ${mb(r.layerBytes)}), manifest ${r.manifestDigest}`,
  );
}
