// precreate prints bytes, not text: podman uses its output as the container's config, so every
// byte it did not edit must come back as it came — invalid UTF-8 included, in each path: not
// opted in, opted in (edited), and a failure under failurePolicy ignore (issue 9, finding 6).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { requireBinary } from "../lib/binary.js";

const PODMAN = new URL("../../fixtures/spec-corpus/podman-4.3.json", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "ocimd-bytes-"));
after(() => rmSync(work, { recursive: true, force: true }));

// The podman fixture with an annotation whose value holds the bytes 0xff 0xe9 (not UTF-8).
function podmanConfig(enabled: boolean): Buffer {
  const text = readFileSync(PODMAN);
  const at = text.indexOf('"annotations":{') + '"annotations":{'.length;
  const extra = Buffer.concat([Buffer.from('"x-raw":"a'), Buffer.from([0xff, 0xe9]), Buffer.from('",')]);
  const out = Buffer.concat([text.subarray(0, at), extra, text.subarray(at)]);
  return enabled
    ? out
    : Buffer.from(
        out.toString("latin1").replace('"oci-metadata.io/enabled":"true"', '"oci-metadata.io/enabled":"no"'),
        "latin1",
      );
}

function precreate(input: Buffer): { code: number | null; stdout: Buffer; stderr: string } {
  const config = join(work, "config.json");
  writeFileSync(config, JSON.stringify({ hostRoot: join(work, "meta"), log: { level: "silent" } }));
  const r = spawnSync(requireBinary(), ["precreate", "--config", config], { input, env: { PATH: process.env.PATH } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe("precreate keeps bytes", () => {
  it("prints a not-opted-in config byte for byte, invalid UTF-8 included", () => {
    const input = podmanConfig(false);
    const r = precreate(input);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(input), "output differs from input");
  });

  it("keeps invalid UTF-8 in an edited config and only adds ours", () => {
    const input = podmanConfig(true);
    const r = precreate(input);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(Buffer.from([0x61, 0xff, 0xe9, 0x22])), "the raw bytes were changed");
    assert.ok(r.stdout.length > input.length && r.stdout.includes(Buffer.from("ECS_CONTAINER_METADATA_FILE=")));
  });

  it("prints unparsable input back byte for byte under failurePolicy ignore", () => {
    const input = Buffer.concat([
      Buffer.from('{"oci-metadata.io/enabled": "'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from("\n"),
    ]);
    const r = precreate(input);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(input), "output differs from input");
  });
});
