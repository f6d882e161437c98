// The hook's hand-read command line: exactly the shapes oci-metadata registers are taken, and
// everything else is left to the full parser (which accepts or refuses it like any command).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHookArgv } from "../../../src/cli/hook-argv.js";
import { runHookCommand } from "../../../src/cli/hook-fast.js";
import { hookCommand } from "../../../src/steps/hook-command.js";

describe("parseHookArgv", () => {
  it("reads every line steps/hook-command.ts registers", () => {
    process.env.OCI_METADATA_HOOK_PATH = "/usr/bin/oci-metadata";
    for (const [config, engine] of [
      [undefined, "runc"],
      ["/etc/oci-metadata/config.json", "podman"],
      ["rel/config.json", "docker"],
    ] as const) {
      const words = ["createRuntime", ...(hookCommand(config, ["--engine", engine]).extraArgs ?? [])];
      const got = parseHookArgv(words);
      assert.equal(got?.stage, "createRuntime");
      assert.equal(got?.engine, engine);
      assert.equal(got?.config, config === undefined ? undefined : words[words.indexOf("--config") + 1]);
    }
    delete process.env.OCI_METADATA_HOOK_PATH;
  });

  it("takes both option forms, in any order", () => {
    assert.deepEqual(parseHookArgv(["--config=/c.json", "poststop", "--engine=crun"]), {
      stage: "poststop",
      engine: "crun",
      config: "/c.json",
    });
    assert.deepEqual(parseHookArgv(["poststart"]), { stage: "poststart", engine: undefined, config: undefined });
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
      ["createRuntime", "--", "x"],
      ["createRuntime", "-e", "runc"],
    ]) {
      assert.equal(parseHookArgv(words), undefined, JSON.stringify(words));
    }
  });
});

describe("runHookCommand", () => {
  async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => {
      err += s;
      return true;
    }) as typeof process.stderr.write;
    try {
      const code = await runHookCommand(argv, (s) => {
        out += s;
      });
      return { code, out, err };
    } finally {
      process.stderr.write = write;
    }
  }

  it("sends a line it does not read to the full CLI: help, and strict usage errors", async () => {
    const help = await run(["hook", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: oci-metadata hook\b/);
    const bad = await run(["hook", "createRuntime", "--frobnicate"]);
    assert.equal(bad.code, 2);
    assert.equal(bad.err.split("\n")[0], "oci-metadata: hook: unknown option '--frobnicate'");
  });
});
