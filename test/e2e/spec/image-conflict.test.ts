// End-to-end: an image that ships a plain file where our mount goes must never keep a
// container from starting (issue 9, finding 4: runc failed the mount). A file at /ecs is a
// skip with the reason logged (the container runs without metadata); a file at
// /ecs/metadata/<name> moves the container to its next name. Each door that sees the rootfs:
// runc (inject), podman 4.3 (precreate), Docker 20.10 and 28.5 (the runtime wrapper).
// (NRI cannot see the image at CreateContainer: see docs/design.md.)
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs } from "../lib/bundle.js";
import { createDocker, type DockerVersion, dockerdPath } from "../lib/docker.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createPodman } from "../lib/podman.js";

const PRINT =
  'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; test -f "$ECS_CONTAINER_METADATA_FILE" && echo FILE=yes; true';
const work = mkdtempSync(join(tmpdir(), "ocimd-imgconf-"));
after(() => rmSync(work, { recursive: true, force: true }));

// A busybox rootfs that ships a file at `at` (e.g. "ecs"); returns its dir.
function rootfsWithFile(name: string, at: string): string {
  const dir = join(work, name);
  const rootfs = makeRootfs(dir);
  mkdirSync(join(rootfs, at, ".."), { recursive: true });
  writeFileSync(join(rootfs, at), "shipped by the image\n");
  return dir;
}

async function imageTar(name: string, at: string): Promise<string> {
  const dir = rootfsWithFile(name, at);
  await runOk("tar", ["-C", join(dir, "rootfs"), "-cf", join(dir, "image.tar"), "."]);
  return join(dir, "image.tar");
}

function logged(file: string, code: string): boolean {
  return (
    existsSync(file) &&
    readFileSync(file, "utf8")
      .split("\n")
      .some((l) => l.includes(`"reason":"${code}"`))
  );
}

describe("runc inject", { skip: requireTools(["runc", "busybox"]) }, () => {
  const cases: Array<[string, string, RegExp]> = [
    ["file-at-ecs", "ecs", /^ENV=unset$/m],
    ["file-at-ecs-metadata", "ecs/metadata", /^ENV=unset$/m],
    ["file-at-the-name", "ecs/metadata/web", /^ENV=\/ecs\/metadata\/web-ocimd-ic-fil\/ecs-container-metadata\.json$/m],
  ];
  for (const [name, at, expected] of cases) {
    it(`runc run [an image with a file at /${at} starts: ${name === "file-at-the-name" ? "next name" : "skipped"}]`, async () => {
      const dir = rootfsWithFile(`runc-${name}`, at);
      const bundle = await makeBundle(join(dir, "bundle"), {
        rootfs: join(dir, "rootfs"),
        args: ["sh", "-c", PRINT],
        annotations: { "oci-metadata.io/enabled": "true", "oci-metadata.io/name": "web" },
      });
      const id = `ocimd-ic-${name}`;
      const log = join(dir, "log");
      const env = { ...process.env, OCI_METADATA_HOST_ROOT: join(dir, "meta"), OCI_METADATA_LOG_FILE: log };
      await runOk(requireBinary(), ["inject", "--bundle", bundle, "--id", id], { env });
      const r = await run("runc", ["--root", join(dir, "runc"), "run", "--bundle", bundle, id], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, expected);
      if (name === "file-at-the-name") assert.match(r.stdout, /^FILE=yes$/m);
      else assert.ok(logged(log, "image-conflict"), "no log line with the reason");
    });
  }
});

describe("podman precreate", { skip: requireTools(["podman", "runc", "conmon", "busybox"]) }, () => {
  it("podman run [an image with a file at /ecs starts without metadata; one at /ecs/metadata/<name> gets the next name]", async () => {
    const p = await createPodman(requireBinary(), 160 + (process.pid % 40));
    try {
      for (const [image, at] of [
        ["localhost/ocimd-ic-ecs", "ecs"],
        ["localhost/ocimd-ic-name", "ecs/metadata/web"],
      ] as const) {
        await runOk(
          "podman",
          ["import", "--change", 'CMD ["/bin/sh"]', await imageTar(`podman-${at.replace(/\//g, "_")}`, at), image],
          { env: p.env },
        );
      }
      const skipped = await p.podman([
        "run",
        "--rm",
        "--annotation",
        "oci-metadata.io/enabled=true",
        "localhost/ocimd-ic-ecs",
        "sh",
        "-c",
        PRINT,
      ]);
      assert.equal(skipped.code, 0, skipped.stderr);
      assert.match(skipped.stdout, /^ENV=unset$/m);
      assert.ok(logged(p.logFile, "image-conflict"), "no log line with the reason");
      const moved = await p.podman([
        "run",
        "--rm",
        "--name",
        "web",
        "--annotation",
        "oci-metadata.io/enabled=true",
        "localhost/ocimd-ic-name",
        "sh",
        "-c",
        PRINT,
      ]);
      assert.equal(moved.code, 0, moved.stderr);
      assert.match(moved.stdout, /^ENV=\/ecs\/metadata\/web-[0-9a-f]{12}\/ecs-container-metadata\.json$/m);
      assert.match(moved.stdout, /^FILE=yes$/m);
    } finally {
      await p.destroy();
    }
  });
});

for (const version of ["20.10", "28.5"] as DockerVersion[]) {
  const skip = requireTools(
    ["runc", "ip", "busybox", "/usr/bin/docker"],
    dockerdPath(version) ? [] : [`dockerd ${version}`],
  );
  describe(`docker ${version} runtime wrapper`, { skip }, () => {
    it(`docker ${version} run [an image with a file at /ecs starts without metadata; one at /ecs/metadata/<name> gets the next name]`, async () => {
      const d = await createDocker(requireBinary(), version, version === "20.10" ? 142 : 143);
      try {
        for (const [image, at] of [
          ["localhost/ocimd-ic-ecs", "ecs"],
          ["localhost/ocimd-ic-name", "ecs/metadata/web"],
        ] as const) {
          const r = await d.docker([
            "import",
            "--change",
            'CMD ["/bin/sh"]',
            await imageTar(`docker${version}-${at.replace(/\//g, "_")}`, at),
            image,
          ]);
          assert.equal(r.code, 0, r.stderr);
        }
        const on = ["--runtime", "oci-metadata", "--label", "oci-metadata.io/enabled=true"];
        const skipped = await d.docker(["run", "--rm", ...on, "localhost/ocimd-ic-ecs", "sh", "-c", PRINT]);
        assert.equal(skipped.code, 0, skipped.stderr);
        assert.match(skipped.stdout, /^ENV=unset$/m);
        assert.ok(logged(join(d.dir, "oci-metadata.log"), "image-conflict"), "no log line with the reason");
        const moved = await d.docker([
          "run",
          "--rm",
          ...on,
          "--name",
          "web",
          "localhost/ocimd-ic-name",
          "sh",
          "-c",
          PRINT,
        ]);
        assert.equal(moved.code, 0, moved.stderr);
        assert.match(moved.stdout, /^ENV=\/ecs\/metadata\/web-[0-9a-f]{12}\/ecs-container-metadata\.json$/m);
        assert.match(moved.stdout, /^FILE=yes$/m);
      } finally {
        await d.destroy();
      }
    });
  });
}
