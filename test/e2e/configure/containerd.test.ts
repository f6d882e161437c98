// configure --runtime containerd against private containerds, driven by CRI like a kubelet:
//   1.7.24 whose config has the NRI section with disable = true: configure writes a drop-in
//   that the main config imports (one line added, comments kept), a restart brings up the NRI
//   socket, the plugin connects, pods get READY metadata, doctor says wired; uninstall brings
//   the main config back byte for byte and pods run as before.
//   2.1.9 whose NRI section does not mention disable: NRI is on by default — configure checks
//   that, writes nothing, and the plugin works as is; 2.1.9 with disable = true: as 1.7.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import {
  type Containerd,
  type ContainerdVersion,
  containerdBinaries,
  createContainerd,
  type NriSwitch,
} from "../lib/containerd.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";

const TOOLS = [
  "/usr/sbin/runc",
  "ip",
  "tar",
  "/usr/lib/cni/bridge",
  "/usr/lib/cni/host-local",
  "/usr/lib/cni/loopback",
];
const CASES: { version: ContainerdVersion; n: number; nriDisable: NriSwitch }[] = [
  { version: "1.7", n: 64, nriDisable: true },
  { version: "2.1", n: 65, nriDisable: "unset" },
  { version: "2.1", n: 66, nriDisable: true },
];
const ON = { "oci-metadata.io/enabled": "true" };
const PRINT = [
  "sh",
  "-c",
  'echo "ENV=${ECS_CONTAINER_METADATA_FILE:-unset}"; cat "$ECS_CONTAINER_METADATA_FILE" 2>/dev/null; true',
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const canConnect = (path: string) =>
  new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });

for (const { version, n, nriDisable } of CASES) {
  const writes = version === "1.7" || nriDisable === true;
  const skip = requireTools(TOOLS, containerdBinaries(version) ? [] : [`containerd ${version}`]);

  describe(`configure --runtime containerd on containerd ${version} (NRI disable: ${nriDisable})`, { skip }, () => {
    let cd: Containerd;
    let plugin: ChildProcess | undefined;
    let original = "";
    let dropinDir = "";
    let config = "";
    const flags = () => [
      "--containerd-config",
      cd.configPath,
      "--containerd-dropin-dir",
      dropinDir,
      "--containerd-bin",
      cd.binaries.containerd,
    ];
    const configure = (...args: string[]) =>
      run(requireBinary(), ["configure", "--runtime", "containerd", ...flags(), ...args]);
    const doctor = () => run(requireBinary(), ["doctor", "--runtime", "containerd", "--config", config, ...flags()]);

    async function runPrint(pod: string): Promise<{ env: string; doc?: Record<string, unknown> }> {
      const podId = await cd.runPod(pod, { annotations: ON });
      const id = await cd.createContainer(podId, undefined, { name: "app", command: PRINT });
      await cd.startContainer(id);
      assert.equal(await cd.waitExited(id), 0);
      const [first, ...rest] = (await cd.logs(id)).split("\n");
      await cd.removePod(podId);
      const body = rest.join("\n").trim();
      return { env: first!.replace(/^ENV=/, ""), doc: body ? JSON.parse(body) : undefined };
    }

    async function startPlugin(): Promise<void> {
      const log = join(cd.dir, "oci-metadata.log");
      plugin = spawn(requireBinary(), ["nri", "--config", config, "--socket", cd.nriSocket], { stdio: "ignore" });
      for (
        let i = 0;
        i < 200 && !(existsSync(log) && readFileSync(log, "utf8").includes("reconciled with the runtime"));
        i++
      )
        await sleep(50);
      assert.match(readFileSync(log, "utf8"), /reconciled with the runtime/);
    }

    before(async () => {
      cd = await createContainerd(version, n, { nriDisable });
      original = readFileSync(cd.configPath, "utf8");
      dropinDir = join(cd.dir, "conf.d");
      config = join(cd.dir, "oci-metadata.json");
      writeFileSync(
        config,
        JSON.stringify({
          hostRoot: join(cd.dir, "meta", "root"),
          log: { file: join(cd.dir, "oci-metadata.log"), level: "info" },
        }),
      );
    });
    after(async () => {
      plugin?.kill("SIGTERM");
      await cd?.destroy();
    });

    it(`containerd ${version} doctor before configure [exit 1, with the fix]`, async () => {
      const r = await doctor();
      assert.equal(r.code, 1, r.stdout);
      if (writes)
        assert.match(
          r.stdout,
          /problem \[containerd\]: NRI is off \(.*config\.toml: disable = true\) — fix: oci-metadata configure --runtime containerd/,
        );
      else assert.match(r.stdout, /problem \[containerd\]: the oci-metadata NRI plugin is not connected/);
    });

    it(`containerd ${version} configure [${writes ? "a drop-in switches NRI on; the main config gains one imports line" : "NRI is on by default: nothing is written"}]`, async () => {
      const r = await configure();
      assert.equal(r.code, 0, r.stderr);
      if (!writes) {
        assert.match(r.stdout, /NRI is already on by default in 2\.x/);
        assert.equal(readFileSync(cd.configPath, "utf8"), original);
        assert.equal(existsSync(dropinDir), false);
        return;
      }
      assert.match(r.stdout, /restart containerd/);
      const main = readFileSync(cd.configPath, "utf8");
      assert.equal(
        main.replace(`imports = [${JSON.stringify(join(dropinDir, "*.toml"))}]\n`, ""),
        original,
        "only the imports line was added",
      );
      assert.match(readFileSync(join(dropinDir, "99-oci-metadata.toml"), "utf8"), /disable = false/);
      const again = await configure();
      assert.match(again.stdout, /NRI is already on/);
      assert.equal(readFileSync(cd.configPath, "utf8"), main, "idempotent");
      await cd.restart();
    });

    it(`containerd ${version} [the plugin connects; a pod gets READY metadata; doctor says wired]`, async () => {
      assert.ok(existsSync(cd.nriSocket), "containerd listens on its NRI socket");
      await startPlugin();
      const c = await runPrint("configured");
      assert.equal(c.env, "/ecs/metadata/app/ecs-container-metadata.json");
      assert.equal(c.doc?.MetadataFileStatus, "READY");
      const d = await doctor();
      assert.equal(d.code, 0, d.stdout);
      assert.match(d.stdout, /^containerd \S+: wired — registered: .*; NRI on; plugin connected/m);
    });

    it(`containerd ${version} configure --uninstall [config as before; pods run as before, without metadata]`, async () => {
      plugin?.kill("SIGTERM");
      plugin = undefined;
      const r = await configure("--uninstall");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(cd.configPath, "utf8"), original, "main config byte for byte as before");
      assert.equal(existsSync(join(dropinDir, "99-oci-metadata.toml")), false);
      await cd.restart();
      if (writes) assert.equal(await canConnect(cd.nriSocket), false, "NRI off again, as before");
      const c = await runPrint("after-uninstall");
      assert.equal(c.env, "unset");
    });
  });
}
