// The README's consumer recipes, run exactly as written there (the blocks after
// `<!-- recipe:NAME -->`) inside runc containers: sh in a busybox-only rootfs; Python and
// JavaScript with the host's /usr (python3, node) mounted read-only. Each prints the address
// the file gives, which must be the container's.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { makeBundle, makeRootfs } from "../lib/bundle.js";
import { run } from "../lib/exec.js";
import { requireTools } from "../lib/guard.js";
import { createTestNet, type TestNet } from "../lib/netns.js";

const skip = requireTools(["runc", "ip", "busybox", "/usr/bin/python3", "/usr/bin/node"]);

/** The code block that follows `<!-- recipe:name -->` in README.md. */
function recipe(name: string): string {
  const readme = readFileSync("README.md", "utf8");
  const m = new RegExp(`<!-- recipe:${name} -->\\n\`\`\`[a-z]+\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  assert.ok(m, `README.md has no recipe:${name} block`);
  return `${m[1]}\n`;
}

describe("README recipes", { skip }, () => {
  let work: string;
  let net: TestNet;
  let seq = 0;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "ocimd-recipes-"));
    net = await createTestNet(`rc${process.pid % 1000}`, ((process.pid + 13) % 200) + 1);
    mkdirSync(join(work, "recipes"));
    writeFileSync(join(work, "recipes", "recipe.sh"), recipe("sh"));
    writeFileSync(join(work, "recipes", "recipe.py"), recipe("python"));
    writeFileSync(join(work, "recipes", "recipe.js"), recipe("js"));
  });

  after(async () => {
    await net?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  // Runs args in a container with metadata; returns its stdout.
  async function runRecipe(args: string[], withUsr: boolean): Promise<string> {
    const id = `ocimd-recipe-${process.pid}-${++seq}`;
    const rootfs = makeRootfs(join(work, id, "fs"));
    if (withUsr) {
      symlinkSync("usr/lib", join(rootfs, "lib"));
      symlinkSync("usr/lib64", join(rootfs, "lib64"));
    }
    const mounts = [
      { destination: "/recipes", source: join(work, "recipes") },
      ...(withUsr ? [{ destination: "/usr", source: "/usr" }] : []),
    ];
    const bundle = await makeBundle(join(work, id), {
      rootfs,
      args,
      netns: net.path,
      annotations: { "oci-metadata.io/enabled": "true" },
      mounts,
      env: ["RECIPE_ONCE=1"],
    });
    const env = { ...process.env, OCI_METADATA_HOST_ROOT: join(work, "meta") };
    assert.equal((await run(requireBinary(), ["inject", "--bundle", bundle, "--id", id], { env })).code, 0);
    const r = await run("runc", ["--root", join(work, "runc"), "run", "--bundle", bundle, id], { env });
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  it("the sh recipe [busybox sh waits for READY and prints the container's address]", async () => {
    assert.equal((await runRecipe(["sh", "/recipes/recipe.sh"], false)).trim(), `my address: ${net.ipv4}`);
  });

  it("the Python recipe [prints the container's address]", async () => {
    assert.equal((await runRecipe(["/usr/bin/python3", "/recipes/recipe.py"], true)).trim(), `my address: ${net.ipv4}`);
  });

  it("the JavaScript recipe [prints the container's address]", async () => {
    assert.equal((await runRecipe(["/usr/bin/node", "/recipes/recipe.js"], true)).trim(), `my address: ${net.ipv4}`);
  });
});
