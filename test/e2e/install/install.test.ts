// install.sh (a thin wrapper over `oci-metadata configure`) against temp dirs: the podman
// hooks.d file, the Docker daemon.json runtime (other keys kept, idempotent, backed up), the
// containerd NRI drop-in, the systemd unit — and --uninstall takes each back.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { requireBinary } from "../lib/binary.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const INSTALL = fileURLToPath(new URL("../../../install.sh", import.meta.url));
const skip = requireTools(["bash", "podman", "dockerd", "containerd"]);

describe("install.sh", { skip }, () => {
  let dir: string;
  const args = () => [
    "--prefix",
    join(dir, "p"),
    "--hooks-dir",
    join(dir, "hooks.d"),
    "--docker-config",
    join(dir, "daemon.json"),
    "--containerd-config",
    join(dir, "containerd.toml"),
    "--containerd-dropin-dir",
    join(dir, "conf.d"),
    "--systemd-dir",
    join(dir, "systemd"),
    "--no-crio",
  ];
  const install = (...extra: string[]) => run("bash", [INSTALL, ...args(), ...extra]);
  const daemon = () => JSON.parse(readFileSync(join(dir, "daemon.json"), "utf8"));
  const backups = () => readdirSync(dir).filter((f) => f.startsWith("daemon.json.bak-oci-metadata-"));

  before(() => {
    requireBinary();
    dir = mkdtempSync(join(tmpdir(), "ocimd-install-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("install.sh [adds the runtime to daemon.json, keeps other keys, backs up the original once]", async () => {
    const original = { "log-level": "warn", runtimes: { other: { path: "/x" } } };
    writeFileSync(join(dir, "daemon.json"), JSON.stringify(original));
    const r = await install("--config", "/etc/oci-metadata/custom.json");
    assert.equal(r.code, 0, r.stderr);
    const d = daemon();
    assert.equal(d["log-level"], "warn");
    assert.deepEqual(d.runtimes.other, { path: "/x" });
    assert.equal(d.runtimes["oci-metadata"].path, join(dir, "p/bin/oci-metadata"));
    assert.deepEqual(d.runtimes["oci-metadata"].runtimeArgs.slice(0, 3), [
      "runtime",
      "--config",
      "/etc/oci-metadata/custom.json",
    ]);
    assert.equal(d["default-runtime"], undefined);
    assert.equal(backups().length, 1);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, backups()[0]!), "utf8")), original);
  });

  it("install.sh [running it again changes nothing and makes no new backup]", async () => {
    const before = readFileSync(join(dir, "daemon.json"), "utf8");
    assert.equal((await install("--config", "/etc/oci-metadata/custom.json")).code, 0);
    assert.equal(readFileSync(join(dir, "daemon.json"), "utf8"), before);
    assert.equal(backups().length, 1);
  });

  it("install.sh --docker-default-runtime [makes oci-metadata the default runtime]", async () => {
    assert.equal((await install("--docker-default-runtime")).code, 0);
    assert.equal(daemon()["default-runtime"], "oci-metadata");
  });

  it("install.sh [the hooks.d file is valid oci-hooks 1.0.0 JSON; a broken config gives an always-file]", async () => {
    const hook = JSON.parse(readFileSync(join(dir, "hooks.d", "50-oci-metadata.json"), "utf8"));
    assert.equal(hook.version, "1.0.0");
    assert.deepEqual(hook.stages, ["precreate"]);
    writeFileSync(join(dir, "bad.json"), '{"enabled": 5}');
    assert.equal((await install("--config", join(dir, "bad.json"))).code, 0);
    const always = JSON.parse(readFileSync(join(dir, "hooks.d", "50-oci-metadata.json"), "utf8"));
    assert.deepEqual(always.when, { always: true });
    assert.deepEqual(always.hook.args, ["oci-metadata", "precreate", "--config", join(dir, "bad.json")]);
    assert.deepEqual(readdirSync(join(dir, "hooks.d")), ["50-oci-metadata.json"], "no temp file left in the hooks dir");
  });

  it("install.sh [switches containerd's NRI on through one drop-in, installs the systemd unit]", async () => {
    const toml = readFileSync(join(dir, "containerd.toml"), "utf8");
    assert.equal(toml.match(/^imports = /gm)?.length, 1, "exactly one imports line after several installs");
    assert.match(readFileSync(join(dir, "conf.d", "99-oci-metadata.toml"), "utf8"), /disable = false/);
    const unit = readFileSync(join(dir, "systemd", "oci-metadata-nri.service"), "utf8");
    assert.match(unit, new RegExp(`ExecStart=${join(dir, "p/bin/oci-metadata")} nri`));
  });

  it("install.sh --uninstall [removes only what it added]", async () => {
    assert.equal((await install("--uninstall")).code, 0);
    // oci-metadata was the default: runc (dockerd's own) takes its place, so that a reload works.
    assert.deepEqual(daemon(), { "log-level": "warn", runtimes: { other: { path: "/x" } }, "default-runtime": "runc" });
    assert.equal(existsSync(join(dir, "p/bin/oci-metadata")), false);
    assert.equal(existsSync(join(dir, "hooks.d", "50-oci-metadata.json")), false);
    assert.equal(existsSync(join(dir, "systemd", "oci-metadata-nri.service")), false);
    assert.equal(existsSync(join(dir, "containerd.toml")), false, "the containerd config it created is gone");
    assert.equal(existsSync(join(dir, "conf.d")), false);
  });
});
