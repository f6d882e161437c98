// CRI-O's config format (crio.conf(5)): [crio.nri] enable_nri, nri_listen; drop-ins in
// crio.conf.d read in lexical order after crio.conf. No CRI-O runs on the test machines.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "smol-toml";
import { configureCrio, crioDropInText, crioFiles, crioNri } from "../../../../src/ops/configure/crio.js";
import { defaultPaths } from "../../../../src/ops/configure/engine-paths.js";
import { applyChange } from "../../../../src/ops/configure/file-change.js";
import type { ConfigureRequest } from "../../../../src/ops/configure/types.js";

describe("CRI-O NRI drop-in", () => {
  const dir = mkdtempSync(join(tmpdir(), "ocimd-crio-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = { ...defaultPaths(), crioConfig: join(dir, "crio.conf"), crioDropinDir: join(dir, "crio.conf.d") };
  const req = (uninstall: boolean): ConfigureRequest => ({
    engine: "crio",
    uninstall,
    dryRun: false,
    setAsDefault: false,
    reload: false,
    bin: "/usr/bin/oci-metadata",
    paths,
  });
  const io = (said: string[]) => ({
    dryRun: false,
    async change(c: Parameters<typeof applyChange>[0]) {
      await applyChange(c);
      return c.before !== c.after;
    },
    say: (l: string) => said.push(l),
  });

  it("the drop-in is [crio.nri] enable_nri = true", () => {
    assert.deepEqual(JSON.parse(JSON.stringify(parse(crioDropInText()))), { crio: { nri: { enable_nri: true } } });
  });

  it("a later drop-in wins over crio.conf; nri_listen names the socket", () => {
    const s = crioNri([
      { path: "/etc/crio/crio.conf", table: parse('[crio.nri]\nenable_nri = false\nnri_listen = "/run/x.sock"\n') },
      { path: "/etc/crio/crio.conf.d/10-a.conf", table: parse("[crio.nri]\nenable_nri = true\n") },
    ]);
    assert.deepEqual(s, { enabled: true, where: "/etc/crio/crio.conf.d/10-a.conf", socket: "/run/x.sock" });
  });

  it("configure writes the drop-in (main file untouched), is idempotent, and uninstall removes it", async () => {
    mkdirSync(paths.crioDropinDir);
    const main = "# CRI-O\n[crio.nri]\nenable_nri = false\n";
    writeFileSync(paths.crioConfig, main);
    const said: string[] = [];
    assert.equal(await configureCrio(req(false), io(said)), 0);
    assert.equal(crioNri(await crioFiles({ paths })).enabled, true);
    assert.equal(readFileSync(paths.crioConfig, "utf8"), main);
    assert.ok(said.some((l) => /systemctl restart crio/.test(l)));
    said.length = 0;
    await configureCrio(req(false), io(said));
    assert.ok(said.some((l) => /already switched on/.test(l)));
    await configureCrio(req(true), io(said));
    assert.deepEqual(readdirSync(paths.crioDropinDir), []);
    assert.equal(crioNri(await crioFiles({ paths })).enabled, false);
  });

  it("warns when a later drop-in switches NRI off again", async () => {
    writeFileSync(join(paths.crioDropinDir, "zz-off.conf"), "[crio.nri]\nenable_nri = false\n");
    const said: string[] = [];
    await configureCrio(req(false), io(said));
    assert.ok(
      said.some((l) => /zz-off\.conf comes after .* NRI stays off/.test(l)),
      said.join("\n"),
    );
  });
});
