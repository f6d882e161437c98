// End-to-end: configs with numbers JSON.parse cannot hold go through each door that edits a
// config and then through the real engine. The container must start, and the kernel must hold
// exactly the values the engine asked for: /proc/self/limits inside the container shows
// RLIMIT_CORE unlimited (2^64-1 in the spec), RLIMIT_FSIZE 9007199254740993 (2^53+1) and
// RLIMIT_CPU 9223372036854775807 (int64 max). Before lossless editing runc refused the
// rounded 18446744073709552000 (issue 9, finding 1) and 2^53+1 became 2^53.
// Engines: runc (inject, on the hostile corpus fixture), podman 4.3 (precreate),
// Docker 20.10 and 28.5 (the runtime wrapper's create).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseJsonDoc, renderJsonDoc } from "../../../src/core/json-lossless/index.js";
import { requireBinary } from "../lib/binary.js";
import { makeRootfs } from "../lib/bundle.js";
import { createDocker, type DockerVersion, dockerdPath } from "../lib/docker.js";
import { run, runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createPodman } from "../lib/podman.js";

const FIXTURE = new URL("../../fixtures/spec-corpus/runc-hostile.json", import.meta.url).pathname;
const PRINT =
  'echo "ENV=$ECS_CONTAINER_METADATA_FILE"; test -f "$ECS_CONTAINER_METADATA_FILE" && echo FILE=yes; cat /proc/self/limits';
// The engines' --ulimit values: unlimited core, 2^53+1 file size, int64-max cpu seconds.
const ULIMITS = [
  "core=-1:-1",
  "fsize=9007199254740993:9007199254740993",
  "cpu=9223372036854775807:9223372036854775807",
];

// The container's own view: env var set, file present, and the three limits exact.
function assertExact(stdout: string): void {
  assert.match(stdout, /^ENV=\/ecs\/metadata\/[^\n]+\/ecs-container-metadata\.json$/m, stdout);
  assert.match(stdout, /^FILE=yes$/m, "the metadata file is not there");
  assert.match(stdout, /^Max core file size\s+unlimited\s+unlimited\s/m, stdout);
  assert.match(stdout, /^Max file size\s+9007199254740993\s+9007199254740993\s/m, stdout);
  assert.match(stdout, /^Max cpu time\s+9223372036854775807\s+9223372036854775807\s/m, stdout);
}

// The host's hard limits for nofile/nproc: podman replaces its defaults once --ulimit is given,
// and this machine cannot raise a hard limit.
async function baseUlimits(): Promise<string[]> {
  const [nofile, nproc] = (await runOk("bash", ["-c", "echo $(ulimit -Hn) $(ulimit -Hu)"])).stdout
    .trim()
    .split(" ")
    .map(Number);
  const pidMax = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8"));
  return [`nofile=${nofile}:${nofile}`, `nproc=${Math.min(nproc!, pidMax)}:${Math.min(nproc!, pidMax)}`];
}

describe("runc inject", { skip: requireTools(["runc", "busybox"]) }, () => {
  const work = mkdtempSync(join(tmpdir(), "ocimd-bignum-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("runc run [the hostile corpus config, injected, starts and the kernel holds its exact rlimits]", async () => {
    const bin = requireBinary();
    makeRootfs(work);
    // The fixture made runnable here: process args, no terminal; everything else as it is.
    const doc = parseJsonDoc(new Uint8Array(readFileSync(FIXTURE)));
    const spec = doc.value as { process: { args: string[]; terminal: boolean } };
    spec.process.args = ["sh", "-c", PRINT];
    spec.process.terminal = false;
    writeFileSync(join(work, "config.json"), renderJsonDoc(doc));
    const id = `ocimd-bignum-${process.pid}`;
    const env = { ...process.env, OCI_METADATA_HOST_ROOT: join(work, "meta") };
    await runOk(bin, ["inject", "--bundle", work, "--id", id], { env });
    const text = readFileSync(join(work, "config.json"), "latin1");
    for (const literal of [
      "18446744073709551615",
      "9007199254740993",
      "9223372036854775807",
      "1e400",
      '"2": "two",\n\t\t"1": "one"',
      "caf\xe9",
    ]) {
      assert.ok(text.includes(literal), `inject lost ${JSON.stringify(literal)}`);
    }
    const r = await run("runc", ["--root", join(work, "runc"), "run", "--bundle", work, id], { env });
    assert.equal(r.code, 0, r.stderr);
    assertExact(r.stdout);
  });
});

describe("podman precreate", { skip: requireTools(["podman", "runc", "conmon", "busybox"]) }, () => {
  it("podman run --ulimit [an opted-in container starts and the kernel holds the exact rlimits]", async () => {
    const p = await createPodman(requireBinary(), 150 + (process.pid % 50));
    try {
      const limits = [...(await baseUlimits()), ...ULIMITS].flatMap((u) => ["--ulimit", u]);
      const r = await p.podman([
        "run",
        "--rm",
        "--annotation",
        "oci-metadata.io/enabled=true",
        ...limits,
        p.image,
        "sh",
        "-c",
        PRINT,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assertExact(r.stdout);
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
    it(`docker ${version} run --ulimit [an opted-in container starts and the kernel holds the exact rlimits]`, async () => {
      const d = await createDocker(requireBinary(), version, version === "20.10" ? 140 : 141);
      try {
        const limits = ULIMITS.flatMap((u) => ["--ulimit", u]);
        const r = await d.docker([
          "run",
          "--rm",
          "--runtime",
          "oci-metadata",
          "--label",
          "oci-metadata.io/enabled=true",
          ...limits,
          d.image,
          "sh",
          "-c",
          PRINT,
        ]);
        assert.equal(r.code, 0, r.stderr);
        assertExact(r.stdout);
      } finally {
        await d.destroy();
      }
    });
  });
}
