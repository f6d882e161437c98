// The runtime wrapper's hand-over, with stand-ins for runc: it becomes the runtime (same pid,
// argv, stdio, extra fds, signals, exit status), and its own errors land in runc's --log file
// in runc's JSON format, under either failure policy.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { run } from "../lib/exec.js";

describe("runtime wrapper hand-over", () => {
  let bin: string;
  let dir: string;
  before(() => {
    bin = requireBinary();
    dir = mkdtempSync(join(tmpdir(), "ocimd-rt-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runtime [passes argv, stdout and the exit status through unchanged]", async () => {
    const r = await run(bin, [
      "runtime",
      "--runtime",
      "/bin/sh",
      "-c",
      'echo "argv0=$0 args=$*"; exit 7',
      "x",
      "a b",
      "c",
    ]);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, "argv0=x args=a b c\n");
    assert.equal(r.stderr, "");
  });

  it("runtime [keeps inherited fds above 2 (--preserve-fds)]", async () => {
    const out = join(dir, "fd3.txt");
    const fd = openSync(out, "w");
    const child = spawn(bin, ["runtime", "--runtime", "/bin/sh", "-c", "echo via-fd3 >&3"], {
      stdio: ["ignore", "ignore", "ignore", fd],
    });
    const code = await new Promise((r) => child.on("exit", r));
    closeSync(fd);
    assert.equal(code, 0);
    assert.equal(readFileSync(out, "utf8"), "via-fd3\n");
  });

  it("runtime [becomes the runtime: same pid, and a signal reaches it]", async () => {
    const child = spawn(bin, ["runtime", "--runtime", "/bin/sleep", "30"], { stdio: "ignore" });
    let exe = "";
    for (let i = 0; i < 100 && !exe.endsWith("sleep"); i++) {
      await new Promise((r) => setTimeout(r, 20));
      exe = readlinkSync(`/proc/${child.pid}/exe`);
    }
    assert.match(exe, /sleep$/, "the wrapper's pid now runs the runtime");
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    assert.match(status, /^SigIgn:\s+0+$/m, "no ignored signals handed on (Bun ignores SIGPIPE)");
    child.kill("SIGTERM");
    const [, signal] = await new Promise<[number | null, string | null]>((r) => child.on("exit", (c, s) => r([c, s])));
    assert.equal(signal, "SIGTERM");
  });

  it("runtime create [an error goes to runc's --log as JSON; fail stops, ignore hands over]", async () => {
    const bundle = join(dir, "bundle");
    rmSync(bundle, { recursive: true, force: true });
    await run("mkdir", ["-p", bundle]);
    writeFileSync(join(bundle, "config.json"), "{ not json");
    const log = join(dir, "log.json");
    const args = (policy: string) => ({
      env: { ...process.env, OCI_METADATA_FAILURE_POLICY: policy, OCI_METADATA_HOST_ROOT: join(dir, "meta") },
    });
    const argv = [
      "runtime",
      "--runtime",
      "/bin/true",
      "--log",
      log,
      "--log-format",
      "json",
      "create",
      "--bundle",
      bundle,
      "ctr1",
    ];
    const failed = await run(bin, argv, args("fail"));
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout + failed.stderr, "", "nothing on the container's stdio");
    const first = JSON.parse(readFileSync(log, "utf8").trim().split("\n")[0]!);
    assert.equal(first.level, "error");
    assert.match(first.msg, /^oci-metadata: \[spec-invalid\] reading .*config\.json: not valid JSON/);
    assert.ok(!Number.isNaN(Date.parse(first.time)));
    const ignored = await run(bin, argv, args("ignore"));
    assert.equal(ignored.code, 0, "/bin/true ran");
    assert.equal(JSON.parse(readFileSync(log, "utf8").trim().split("\n")[1]!).level, "warning");
  });
});
