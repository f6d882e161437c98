// The runtime commands' hand-read command lines: exactly the shapes runtimes and engines run are
// taken, everything else is left to the full parser (which accepts or refuses it like any
// command), and main.ts sends exactly these commands to the fast entry.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseFixedArgv } from "../../../src/cli/fast-argv.js";
import { FAST_COMMANDS, runFastCommand } from "../../../src/cli/fast-entry.js";
import { hookCommand } from "../../../src/steps/hook-command.js";

const HOOK = { options: ["engine", "config"], positionals: 1 };
const INJECT = { options: ["bundle", "id", "config"], positionals: 0 };

describe("parseFixedArgv", () => {
  it("reads every hook line steps/hook-command.ts registers", () => {
    process.env.OCI_METADATA_HOOK_PATH = "/usr/bin/oci-metadata";
    try {
      for (const [config, engine] of [
        [undefined, "runc"],
        ["/etc/oci-metadata/config.json", "podman"],
        ["rel/config.json", "docker"],
      ] as const) {
        const words = ["createRuntime", ...(hookCommand(config, ["--engine", engine]).extraArgs ?? [])];
        const got = parseFixedArgv(words, HOOK);
        assert.deepEqual(got?.positionals, ["createRuntime"]);
        assert.equal(got?.values.engine, engine);
        assert.equal(got?.values.config, config === undefined ? undefined : words[words.indexOf("--config") + 1]);
      }
    } finally {
      delete process.env.OCI_METADATA_HOOK_PATH;
    }
  });

  it("takes both option forms, in any order", () => {
    assert.deepEqual(parseFixedArgv(["--config=/c.json", "poststop", "--engine=crun"], HOOK), {
      values: { config: "/c.json", engine: "crun" },
      positionals: ["poststop"],
    });
    assert.deepEqual(parseFixedArgv(["--id", "c1", "--bundle=/b"], INJECT), {
      values: { id: "c1", bundle: "/b" },
      positionals: [],
    });
  });

  it("leaves every other line to the full parser", () => {
    for (const words of [
      [],
      ["createRuntime", "poststop"],
      ["--help"],
      ["createRuntime", "-h"],
      ["createRuntime", "--engine"],
      ["createRuntime", "--engine="],
      ["createRuntime", "--engine", "--config", "x"],
      ["createRuntime", "--engine", "a", "--engine", "b"],
      ["createRuntime", "--frobnicate", "x"],
      ["createRuntime", "--bundle", "x"],
      ["createRuntime", "--", "x"],
      ["createRuntime", "-e", "runc"],
      ["createRuntime", "--__proto__", "x"],
    ]) {
      assert.equal(parseFixedArgv(words, HOOK), undefined, JSON.stringify(words));
    }
    assert.equal(parseFixedArgv(["--bundle", "/b", "extra"], INJECT), undefined);
  });
});

describe("runFastCommand", () => {
  async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => {
      err += s;
      return true;
    }) as typeof process.stderr.write;
    try {
      const code = await runFastCommand(argv, (s: string | Uint8Array) => {
        out += s;
      });
      return { code, out, err };
    } finally {
      process.stderr.write = write;
    }
  }

  it("sends a line it does not read to the full CLI: help, and strict usage errors", async () => {
    for (const name of FAST_COMMANDS) {
      const help = await run([name, "--help"]);
      assert.equal(help.code, 0);
      assert.match(help.out, new RegExp(`^Usage: oci-metadata ${name}\\b`));
    }
    const bad = await run(["hook", "createRuntime", "--frobnicate"]);
    assert.equal(bad.code, 2);
    assert.equal(bad.err.split("\n")[0], "oci-metadata: hook: unknown option '--frobnicate'");
  });

  it("refuses inject without a bundle the way the full CLI does (usage, exit 2)", async () => {
    const saved = process.env.OCI_METADATA_CONFIG;
    const dir = mkdtempSync(join(tmpdir(), "om-fast-"));
    writeFileSync(join(dir, "config.json"), "{}");
    process.env.OCI_METADATA_CONFIG = join(dir, "config.json");
    try {
      const r = await run(["inject", "--bundle", "/nonexistent/bundle"]);
      assert.equal(r.code, 2);
      assert.match(r.err, /^oci-metadata: /);
    } finally {
      if (saved === undefined) delete process.env.OCI_METADATA_CONFIG;
      else process.env.OCI_METADATA_CONFIG = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves exactly the commands main.ts sends it", () => {
    const main = readFileSync(new URL("../../../src/main.ts", import.meta.url), "utf8");
    const set = /const FAST = new Set\(\[([^\]]*)\]\)/.exec(main)?.[1];
    assert.deepEqual(JSON.parse(`[${set}]`).sort(), [...FAST_COMMANDS].sort());
  });
});
