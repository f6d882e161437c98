// Issue 13's CLI findings, on the built binary: `inject --bundle /nonexistent` no longer exits
// 0 with only a log line; an env override's bad value is reported as the env var's, not as a
// config file's that does not exist; a typo in a config key gets a "did you mean".
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";
import { run } from "../lib/exec.js";

describe("operator-facing errors (issue 13)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ocimd-cli-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = (extra: Record<string, string>) => ({ ...process.env, OCI_METADATA_CONFIG: "", ...extra });

  it("inject --bundle /nonexistent [exit 2, one line naming the dir, under failurePolicy ignore too]", async () => {
    const r = await run(requireBinary(), ["inject", "--bundle", join(dir, "nope")], {
      env: env({ OCI_METADATA_FAILURE_POLICY: "ignore" }),
    });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr.split("\n")[0]!,
      /^oci-metadata: inject: ".*\/nope" is not a bundle \(no config\.json in it\)$/,
    );
  });

  it("a bad env override [names the env var, not a config file that does not exist]", async () => {
    const r = await run(requireBinary(), ["--config", join(dir, "absent.json"), "hooks-file"], {
      env: env({ OCI_METADATA_ENABLED: "sometimes" }),
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /reading config .*absent\.json: ENOENT/,
      "an explicitly named missing file is still reported as such",
    );
    writeFileSync(join(dir, "empty.json"), "{}");
    const e = await run(requireBinary(), ["hooks-file"], {
      env: env({ OCI_METADATA_ENABLED: "sometimes", OCI_METADATA_CONFIG: join(dir, "empty.json") }),
    });
    assert.equal(e.code, 1);
    assert.match(
      e.stderr,
      /reading \$OCI_METADATA_ENABLED \(environment\): enabled: expected one of always\|opt-in\|never, got "sometimes"/,
    );
    assert.doesNotMatch(e.stderr, /empty\.json/);
  });

  it("a typo in a config key [did you mean, and the known keys]", async () => {
    writeFileSync(join(dir, "typo.json"), JSON.stringify({ hostroot: "/x" }));
    const r = await run(requireBinary(), ["--config", join(dir, "typo.json"), "hooks-file"], { env: env({}) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown key "hostroot" \(did you mean "hostRoot"\?\); known: enabled, /);
  });
});
