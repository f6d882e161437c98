// OCI bundles built at test time: a busybox-static rootfs (shared, read-only in the spec) and
// a config.json from `runc spec`, edited as plain JSON.
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runOk } from "./exec.js";

const BUSYBOX = ["/bin/busybox", "/usr/bin/busybox"].find((p) => existsSync(p)) ?? "/bin/busybox";
const APPLETS = [
  "sh",
  "cat",
  "echo",
  "ls",
  "touch",
  "sleep",
  "true",
  "ip",
  "env",
  "test",
  "grep",
  "mkdir",
  "stat",
  "id",
  "cp",
];

/** Makes a minimal rootfs with busybox and its applet links; returns its path. */
export function makeRootfs(dir: string): string {
  const rootfs = join(dir, "rootfs");
  for (const d of ["bin", "etc", "proc", "sys", "dev", "tmp"]) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync(BUSYBOX, join(rootfs, "bin/busybox"));
  for (const a of APPLETS) if (!existsSync(join(rootfs, "bin", a))) symlinkSync("busybox", join(rootfs, "bin", a));
  writeFileSync(join(rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  return rootfs;
}

export interface BundleOptions {
  rootfs: string;
  args: string[];
  annotations?: Record<string, string>;
  /** Path of a netns to join; undefined → a new, empty netns. "host" → share the host's. */
  netns?: string;
  mounts?: { destination: string; source: string; options?: string[] }[];
  env?: string[];
}

let template: Record<string, unknown> | undefined;

/** Writes <dir>/config.json for a container; returns dir. */
export async function makeBundle(dir: string, opts: BundleOptions): Promise<string> {
  mkdirSync(dir, { recursive: true });
  if (!template) {
    await runOk("runc", ["spec"], { cwd: dir });
    template = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
  }
  const spec = structuredClone(template) as Record<string, any>;
  spec.root = { path: opts.rootfs, readonly: true };
  spec.process.terminal = false;
  spec.process.args = opts.args;
  spec.process.env = ["PATH=/bin", ...(opts.env ?? [])];
  spec.annotations = { ...(opts.annotations ?? {}) };
  const namespaces = (spec.linux.namespaces as { type: string; path?: string }[]).filter((n) => n.type !== "network");
  if (opts.netns !== "host") namespaces.push(opts.netns ? { type: "network", path: opts.netns } : { type: "network" });
  spec.linux.namespaces = namespaces;
  for (const m of opts.mounts ?? [])
    spec.mounts.push({
      destination: m.destination,
      source: m.source,
      type: "bind",
      options: m.options ?? ["rbind", "ro"],
    });
  writeFileSync(join(dir, "config.json"), JSON.stringify(spec, null, 2));
  return dir;
}

/** Reads a bundle's config.json back. */
export function readBundleSpec(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, any>;
}
