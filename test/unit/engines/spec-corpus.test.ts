// The spec corpus (test/fixtures/spec-corpus: configs podman, Docker and containerd wrote on
// this machine, plus a hostile runc one) through every door that edits a config — inject,
// the runtime wrapper's create, precreate — run in-process on a temp bundle and hostRoot.
// Each output must be the input with only our additions: every original scalar keeps its
// exact source text (2^64-1, int64 maxima, 9007199254740993, 1e400), every object keeps its
// keys in order (duplicates too), the input's bytes all survive in order, and our mount, env
// var and hooks are there. (Regression: issue 9, finding 1.)
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { validateConfig } from "../../../src/core/config.js";
import { type JsonNode, parseJsonDoc } from "../../../src/core/json-lossless/index.js";
import { runtimeCreate } from "../../../src/engines/docker/runtime-create.js";
import { runPrecreate } from "../../../src/engines/podman/precreate.js";
import { runInject } from "../../../src/engines/runc/inject.js";
import { contextFor } from "../../../src/steps/context.js";

const CORPUS = new URL("../../fixtures/spec-corpus/", import.meta.url).pathname;
const FIXTURES = readdirSync(CORPUS)
  .filter((f) => f.endsWith(".json"))
  .sort();
const HOOK = { path: "/usr/local/bin/oci-metadata", extraArgs: ["--engine", "test"], timeout: 10 };
const work = mkdtempSync(join(tmpdir(), "ocimd-corpus-"));
after(() => rmSync(work, { recursive: true, force: true }));

type Door = (input: Uint8Array, dir: string) => Promise<Uint8Array>;
let n = 0;
const ctxIn = (dir: string) => contextFor(config(dir));
const config = (dir: string) =>
  validateConfig({ hostRoot: join(dir, "meta"), enabled: "always", log: { level: "silent" } });
// Writes the input as <dir>/bundle/config.json, runs a bundle door, returns the new file.
const bundleDoor =
  (run: (bundle: string, id: string, dir: string) => Promise<void>): Door =>
  async (input, dir) => {
    const bundle = join(dir, "bundle");
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, "config.json"), input);
    await run(bundle, `corpus-${++n}`, dir);
    return readFileSync(join(bundle, "config.json"));
  };
const DOORS: Record<string, Door> = {
  inject: bundleDoor((bundle, id, dir) => runInject(ctxIn(dir), { bundle, id }, HOOK)),
  "runtime create": bundleDoor((bundle, id, dir) => runtimeCreate(ctxIn(dir), bundle, id, HOOK)),
  precreate: (input, dir) => runPrecreate(ctxIn(dir), input, HOOK),
};
// precreate needs podman's layout (container id in the userdata mounts); the others take any spec.
const doorsFor = (fixture: string) =>
  Object.keys(DOORS).filter((d) => d !== "precreate" || fixture.startsWith("podman"));

describe("the spec corpus through every door", () => {
  it("holds configs from each engine here", () => {
    for (const prefix of ["podman-", "docker-20.10", "docker-28.5", "containerd-1.7", "containerd-2.1", "runc-"]) {
      assert.ok(
        FIXTURES.some((f) => f.startsWith(prefix)),
        `no ${prefix} fixture in ${FIXTURES.join(", ")}`,
      );
    }
  });
  for (const fixture of FIXTURES) {
    for (const door of doorsFor(fixture)) {
      it(`${door} keeps every byte of ${fixture} but adds ours`, async () => {
        const input = new Uint8Array(readFileSync(join(CORPUS, fixture)));
        const dir = mkdtempSync(join(work, "d-"));
        const output = new Uint8Array(await DOORS[door]!(input, dir));
        assertOnlyAdditions(input, output);
        const edited = JSON.parse(new TextDecoder().decode(output)) as {
          mounts: { source: string }[];
          process: { env: string[] };
          hooks: Record<string, unknown[]>;
        };
        assert.ok(
          edited.mounts.some((m) => m.source.startsWith(join(dir, "meta"))),
          "our mount is missing",
        );
        assert.ok(
          edited.process.env.some((e) => e.startsWith("ECS_CONTAINER_METADATA_FILE=")),
          "our env var is missing",
        );
        assert.ok(JSON.stringify(edited.hooks).includes(HOOK.path), "our hook is missing");
      });
    }
  }
});

// Every scalar of the input keeps its source text at the same path; objects keep their key
// order (new keys only after the old ones); arrays keep their elements (new ones only after);
// and the input's bytes appear in the output in order.
function assertOnlyAdditions(input: Uint8Array, output: Uint8Array): void {
  const a = parseJsonDoc(input);
  const b = parseJsonDoc(output);
  compareNodes(input, a.root, output, b.root, "$");
  let at = 0;
  for (const byte of output) if (at < input.length && byte === input[at]) at++;
  assert.equal(at, input.length, `the input's bytes are not all in the output (stopped at byte ${at})`);
}

function compareNodes(ia: Uint8Array, a: JsonNode, ib: Uint8Array, b: JsonNode, path: string): void {
  assert.equal(b.kind, a.kind, `${path}: kind changed`);
  if (a.kind === "scalar") {
    assert.equal(
      Buffer.from(ib.subarray(b.start, b.end)).toString("latin1"),
      Buffer.from(ia.subarray(a.start, a.end)).toString("latin1"),
      `${path}: literal changed`,
    );
    return;
  }
  if (b.kind === "scalar") return;
  assert.ok(b.items.length >= a.items.length, `${path}: lost members`);
  a.items.forEach((item, i) => {
    const other = b.items[i]!;
    assert.equal(other.key, item.key, `${path}: key order changed at ${i}`);
    compareNodes(ia, item.node, ib, other.node, `${path}/${item.key ?? i}`);
  });
}
