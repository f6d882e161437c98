// The CLI's contract with a person and with runtimes: strict options, help for every command,
// usage errors exit 2 with one line, and commands that need no config run without one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { COMMANDS } from "../../../src/cli/commands.js";
import { parseCommandArgs, splitCommandLine } from "../../../src/cli/parse.js";
import { main } from "../../../src/cli/run.js";

async function run(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const write = process.stderr.write;
  const saved = { ...process.env };
  Object.assign(process.env, { OCI_METADATA_CONFIG: "/nonexistent/oci-metadata-test.json", ...env });
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv, (s) => {
      out += s;
    });
    return { code, out, err };
  } finally {
    process.stderr.write = write;
    process.env = saved;
  }
}

describe("cli", () => {
  for (const name of Object.keys(COMMANDS)) {
    it(`prints help for ${name} with --help and with help ${name}`, async () => {
      const a = await run([name, "--help"]);
      const b = await run(["help", name]);
      assert.equal(a.code, 0);
      assert.match(a.out, new RegExp(`^Usage: oci-metadata ${name}\\b`));
      assert.equal(b.out, a.out);
    });
  }

  it("rejects an unknown option with exit 2 and one line naming it", async () => {
    const r = await run(["schema", "--frobnicate"]);
    assert.equal(r.code, 2);
    assert.equal(r.out, "");
    assert.equal(r.err.split("\n")[0], "oci-metadata: schema: unknown option '--frobnicate'");
  });

  it("answers -v and --version with the version and commit", async () => {
    for (const flag of ["-v", "--version"]) {
      const r = await run([flag]);
      assert.equal(r.code, 0);
      assert.match(r.out, /^oci-metadata \d+\.\d+\.\d+ \(commit [^)]+\)\n$/);
    }
  });

  it("calls help for an unknown command a usage error", async () => {
    const r = await run(["help", "nope"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command "nope"/);
  });

  it("runs schema with a broken config it does not need", async () => {
    const r = await run(["schema"], { OCI_METADATA_ENABLED: "bogus" });
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.out).title, "oci-metadata container metadata file");
  });

  it("reports an interactive failure as one human line, not a JSON log line", async () => {
    const r = await run(["show", "/nonexistent/dir/x"], { OCI_METADATA_HOST_ROOT: "/nonexistent-root" });
    assert.notEqual(r.code, 0);
    assert.equal(
      r.err
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("{")).length,
      0,
    );
  });

  it("refuses a missing positional with the usage line", async () => {
    const r = await run(["hook"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /hook takes 1 argument, got 0/);
  });

  it("prints its own help for `runtime --help` without reaching runc", async () => {
    const r = await run(["runtime", "--help"], { OCI_METADATA_RUNTIME: "/nonexistent/runc" });
    assert.equal(r.code, 0);
    assert.match(r.out, /^Usage: oci-metadata runtime/);
  });
});

describe("splitCommandLine", () => {
  it("takes --config before the command in both forms", () => {
    assert.equal(splitCommandLine(["--config", "/a", "show", "x"]).configPath, "/a");
    assert.equal(splitCommandLine(["--config=/b", "show"]).configPath, "/b");
  });

  it("never mistakes a bundle named like a command for the command", () => {
    const args = parseCommandArgs("inject", COMMANDS.inject!, ["--bundle", "create"]);
    assert.equal(args.values.bundle, "create");
  });

  it("refuses --config without a value", () => {
    assert.throws(() => splitCommandLine(["--config"]), /--config needs a value/);
  });
});
