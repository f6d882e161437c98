// The compiled binary on hostile input that no engine is needed for (issue 9 findings 5, 6):
// stdin held open, FIFOs where files should be, corrupt and hostile files under the root.
// No timing is asserted: a step that would wait forever is shown to end (the writer keeps its
// end open for the whole test; a killed process would have no exit code).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { run } from "../lib/exec.js";

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Runs the binary with `input` on a stdin that stays open until the process ends (or 30 s).
function withOpenStdin(bin: string, args: string[], input: string, env: NodeJS.ProcessEnv): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.stdin.on("error", () => undefined);
    child.stdin.write(input); // and never end it
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(killer);
      child.stdin.destroy();
      resolve({ code, stdout, stderr });
    });
  });
}

describe("cli safety", () => {
  let bin: string;
  let work: string;
  const root = () => join(work, "root");
  let env: NodeJS.ProcessEnv;

  before(() => {
    bin = requireBinary();
    work = mkdtempSync(join(tmpdir(), "ocimd-safety-"));
    env = { ...process.env, OCI_METADATA_HOST_ROOT: root(), OCI_METADATA_LOG_FILE: join(work, "log.json") };
    delete env.OCI_METADATA_CONFIG;
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  function bundle(name: string, spec: unknown): string {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "config.json"), JSON.stringify(spec));
    return dir;
  }

  it("hook [stdin stays open after the state: the hook ends without waiting for EOF]", async () => {
    const b = bundle("b-open", { ociVersion: "1.0.2", process: { env: [] }, mounts: [] });
    const state = JSON.stringify({
      ociVersion: "1.0.2",
      id: "open-1",
      status: "creating",
      pid: process.pid,
      bundle: b,
    });
    const r = await withOpenStdin(bin, ["hook", "createRuntime"], state, env);
    assert.equal(r.code, 0, r.stderr);
  });

  it("hook [stdin stays open with half a state: gives up with state-invalid, exit 0 under ignore, 1 under fail]", async () => {
    const half = '{"ociVersion":"1.0.2","id":"half-1","sta';
    const { OCI_METADATA_LOG_FILE: _, ...toStderr } = env;
    const ignore = await withOpenStdin(bin, ["hook", "createRuntime"], half, toStderr);
    assert.equal(ignore.code, 0);
    assert.match(ignore.stderr, /\[state-invalid\] reading stdin: no complete JSON/);
    const fail = await withOpenStdin(bin, ["hook", "createRuntime"], half, {
      ...env,
      OCI_METADATA_FAILURE_POLICY: "fail",
    });
    assert.equal(fail.code, 1);
  });

  it("inject [config.json is a FIFO: refused at once with one line, nothing claimed]", async () => {
    const dir = join(work, "b-fifo");
    mkdirSync(dir);
    execFileSync("mkfifo", [join(dir, "config.json")]);
    const r = await run(bin, ["inject", "--bundle", dir], {
      env: { ...env, OCI_METADATA_FAILURE_POLICY: "fail" },
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[spec-invalid\] reading .*config\.json: not a regular file/);
    assert.equal(existsSync(root()) && readdirSync(root()).length > 0, false);
  });

  it("inject [an identity file that is a FIFO: left out at once, no hang]", async () => {
    const fifo = join(work, "cluster-fifo");
    execFileSync("mkfifo", [fifo]);
    const cfg = join(work, "fifo-config.json");
    writeFileSync(
      cfg,
      JSON.stringify({
        hostRoot: root(),
        identity: { cluster: { file: fifo } },
        log: { file: join(work, "log.json") },
      }),
    );
    const b = bundle("b-idfifo", {
      ociVersion: "1.0.2",
      process: { env: [] },
      mounts: [],
      annotations: { "oci-metadata.io/enabled": "true", "oci-metadata.io/task": "idfifo" },
    });
    const r = await run(bin, ["--config", cfg, "inject", "--bundle", b, "--id", "idfifo-1"], {
      env,
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(root(), "idfifo", "idfifo-1", "ecs-container-metadata.json"), "utf8"));
    assert.equal(doc.Cluster, undefined, "the unreadable source is left out");
  });

  it("inject [a step that fails after the claim (the bundle dir is immutable): the claim is released at once]", async () => {
    const b = bundle("b-immutable", {
      ociVersion: "1.0.2",
      process: { env: [] },
      mounts: [],
      annotations: { "oci-metadata.io/enabled": "true", "oci-metadata.io/task": "immutable" },
    });
    execFileSync("chattr", ["+i", b]); // writing the edited config.json next to it fails (EPERM)
    try {
      const failEnv = { ...env, OCI_METADATA_FAILURE_POLICY: "fail" };
      const r = await run(bin, ["inject", "--bundle", b, "--id", "imm-1"], { env: failEnv, timeoutMs: 30_000 });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /writing .*config\.json: EPERM/);
    } finally {
      execFileSync("chattr", ["-i", b]);
    }
    assert.equal(existsSync(join(root(), "immutable")), false, "no dir left behind");
  });

  describe("show", () => {
    before(() => {
      mkdirSync(join(root(), "t", "evil"), { recursive: true });
      writeFileSync(
        join(root(), "t", "evil", "ecs-container-metadata.json"),
        JSON.stringify({
          ContainerID: "evil-1",
          ContainerName: "x\u001b]0;owned\u0007\nMetadataFileStatus: READY\u009b31m",
        }),
      );
      mkdirSync(join(root(), "t", "corrupt"));
      writeFileSync(join(root(), "t", "corrupt", "ecs-container-metadata.json"), "{ not json");
      mkdirSync(join(root(), "t", "fifo"));
      execFileSync("mkfifo", [join(root(), "t", "fifo", "ecs-container-metadata.json")]);
    });

    it("show [control characters are escaped: no terminal escape, no forged READY line]", async () => {
      const r = await run(bin, ["show", "evil-1"], { env, timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      assert.equal(r.stdout.split("\n").filter((l) => l.startsWith("MetadataFileStatus")).length, 0);
      assert.match(r.stdout, /ContainerName: x\\x1b\]0;owned\\x07\\x0aMetadataFileStatus: READY\\x9b31m/);
      const json = await run(bin, ["show", "evil-1", "--json"], { env, timeoutMs: 30_000 });
      assert.doesNotMatch(json.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      assert.equal(JSON.parse(json.stdout).ContainerName, "x\u001b]0;owned\u0007\nMetadataFileStatus: READY\u009b31m");
    });

    it("show [corrupt and special files elsewhere are skipped with a note naming them]", async () => {
      const r = await run(bin, ["show", "evil-1"], { env, timeoutMs: 30_000 });
      assert.match(r.stderr, /note: skipped .*t\/corrupt\/ecs-container-metadata\.json: not a JSON object/);
      assert.match(r.stderr, /note: skipped .*t\/fifo\/ecs-container-metadata\.json: missing or not a regular file/);
    });

    it("show [a FIFO named as PATH is refused without blocking, exit 1]", async () => {
      const r = await run(bin, ["show", join(root(), "t", "fifo")], { env, timeoutMs: 30_000 });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not a regular file/);
    });

    it("show [not found is exit 1, not a usage error]", async () => {
      const r = await run(bin, ["show", "no-such-container"], { env, timeoutMs: 30_000 });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\[not-found\] show no-such-container: no container with that id or name/);
      const p = await run(bin, ["show", join(work, "nowhere")], { env, timeoutMs: 30_000 });
      assert.equal(p.code, 1);
    });
  });
});
