// End-to-end on real podman (issue 9 finding 3): a podman create that fails after our
// precreate claimed a dir leaves that dir behind; gc keeps it during the grace period and
// removes it after, while a running podman container's dir stays however old it is.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { runOk } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createPodman, type Podman } from "../lib/podman.js";

const skip = requireTools(
  ["podman", "runc", "conmon", "busybox", "iptables"],
  ["/usr/lib/cni/bridge"].filter((p) => !existsSync(p)),
);
const OPT_IN = ["--annotation", "oci-metadata.io/enabled=true"];
const FILE = "ecs-container-metadata.json";
const HOUR_AGO = new Date(Date.now() - 3600_000);

describe("podman gc", { skip }, () => {
  let bin: string;
  let p: Podman;

  before(async () => {
    bin = requireBinary();
    p = await createPodman(bin, 150 + (process.pid % 50));
    mkdirSync(p.hostRoot, { recursive: true });
    writeFileSync(join(p.hostRoot, ".gc-stamp"), ""); // no poststop starts its own gc here
  });
  after(async () => {
    await p?.destroy();
  });

  const gc = (...flags: string[]) => runOk(bin, ["--config", p.configPath, "gc", ...flags]);
  const age = (dir: string) => {
    for (const x of [join(dir, FILE), dir]) if (existsSync(x)) utimesSync(x, HOUR_AGO, HOUR_AGO);
  };
  const dirsLeft = () =>
    readdirSync(p.hostRoot)
      .filter((t) => t !== ".gc-stamp")
      .flatMap((t) => readdirSync(join(p.hostRoot, t)).map((n) => `${t}/${n}`));

  it("podman run [a running container's dir is kept by gc, however old]", async () => {
    const r = await p.podman(["run", "-d", "--name", "gc-live", ...OPT_IN, p.image, "sleep", "300"]);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(p.hostRoot, "default", "gc-live");
    assert.ok(existsSync(join(dir, FILE)));
    age(dir);
    const out = await gc("--verbose");
    assert.match(out.stdout, /kept .*gc-live \(podman [0-9a-f]{64}\): mounted in a live container/);
    assert.ok(existsSync(join(dir, FILE)));
    await runOk("podman", ["--hooks-dir", p.hooksDir, "rm", "-f", "-t", "0", "gc-live"], { env: p.env });
    assert.equal(existsSync(dir), false, "poststop removed it");
  });

  it("podman run [create fails after our precreate: the claimed dir leaks; gc keeps it in the grace period, removes it after]", async () => {
    // A second precreate hook, after ours, that fails: podman gives up after we claimed.
    const failing = join(p.dir, "fail-precreate.sh");
    writeFileSync(failing, "#!/bin/sh\ncat >/dev/null\necho 'refused by a later hook' >&2\nexit 1\n");
    chmodSync(failing, 0o755);
    const hook = { version: "1.0.0", hook: { path: failing }, when: { always: true }, stages: ["precreate"] };
    writeFileSync(join(p.hooksDir, "90-fail.json"), JSON.stringify(hook));
    try {
      const r = await p.podman(["run", "--rm", "--name", "gc-fail", ...OPT_IN, p.image, "true"]);
      assert.notEqual(r.code, 0, "podman refused the container");
    } finally {
      writeFileSync(join(p.hooksDir, "90-fail.json"), "");
      await runOk("rm", ["-f", join(p.hooksDir, "90-fail.json")]);
    }
    const dir = join(p.hostRoot, "default", "gc-fail");
    assert.ok(existsSync(join(dir, FILE)), "the leak: our claim outlived the failed create");
    const young = await gc("--verbose");
    assert.match(young.stdout, /kept .*gc-fail.*: changed \d+ s ago/);
    age(dir);
    const out = await gc();
    assert.match(out.stdout, /removed .*gc-fail \(podman [0-9a-f]{64}\): podman: not running/);
    assert.deepEqual(dirsLeft(), []);
  });
});
