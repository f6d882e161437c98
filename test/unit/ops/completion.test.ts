// The bash completion script offers what the CLI accepts: every option of configure and
// doctor (from their option tables), and it is valid bash that completes a real line.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CONFIGURE_OPTIONS } from "../../../src/ops/configure/cli-spec.js";
import { DOCTOR_OPTIONS } from "../../../src/ops/doctor/cli-spec.js";

const SCRIPT = fileURLToPath(new URL("../../../packaging/oci-metadata.bash-completion", import.meta.url));

function complete(line: string): string[] {
  const words = line.split(" ");
  const program = `source ${SCRIPT}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _oci_metadata; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["-c", program], { encoding: "utf8" }).split("\n").filter(Boolean);
}

describe("bash completion", () => {
  for (const [name, options] of [
    ["configure", CONFIGURE_OPTIONS],
    ["doctor", DOCTOR_OPTIONS],
  ] as const) {
    it(`offers every ${name} option`, () => {
      const offered = complete(`oci-metadata ${name} --`);
      for (const flag of Object.keys(options))
        assert.ok(offered.includes(`--${flag}`), `--${flag} missing from ${offered.join(" ")}`);
    });
  }

  it("completes commands, then engines after --runtime", () => {
    assert.deepEqual(complete("oci-metadata con"), ["configure"]);
    assert.deepEqual(complete("oci-metadata --config /x configure --runtime d"), ["docker"]);
  });

  it("is syntactically valid bash", () => {
    assert.equal(readFileSync(SCRIPT, "utf8").includes("complete -F _oci_metadata oci-metadata"), true);
    execFileSync("bash", ["-n", SCRIPT]);
  });
});
