// Tests src/core/oci-state.ts: the OCI state a hook gets on stdin, checked by hand, with errors
// that name the key, what was expected and what came.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isOciMetadataError } from "../../../src/core/errors.js";
import { parseState } from "../../../src/core/oci-state.js";

const base = { ociVersion: "1.0.2", id: "c1", status: "creating", pid: 42, bundle: "/run/b", annotations: { a: "1" } };
const text = (over: Record<string, unknown>) => JSON.stringify({ ...base, ...over });

function messageOf(input: string): string {
  try {
    parseState(input);
  } catch (err) {
    assert.ok(isOciMetadataError(err));
    assert.equal(err.code, "state-invalid");
    return err.message;
  }
  assert.fail(`expected ${input} to be refused`);
}

describe("parseState", () => {
  it("reads id, status, pid, bundle and the string annotations", () => {
    const state = parseState(text({ annotations: { a: "1", n: 2 } }));
    assert.deepEqual(state, { id: "c1", status: "creating", pid: 42, bundle: "/run/b", annotations: { a: "1" } });
  });

  it("takes bundlePath when bundle is absent (pre-1.0 runtimes)", () => {
    assert.equal(parseState(JSON.stringify({ id: "c1", bundlePath: "/old" })).bundle, "/old");
  });

  it("treats a pid of 0 (crun, no process) as no pid", () => {
    assert.equal(parseState(text({ pid: 0 })).pid, undefined);
    assert.equal(parseState(text({ pid: undefined })).pid, undefined);
  });

  it("ignores fields it does not know", () => {
    assert.equal(parseState(text({ rootfs: "/r", created: "now", owner: "" })).id, "c1");
  });

  const bad: Array<[string, string, string]> = [
    ["not-json", "{", "not valid JSON"],
    ["array", "[]", "(root): expected object, got [] (array)"],
    ["id-number", text({ id: 5 }), "id: expected string, got 5 (number)"],
    ["id-missing", text({ id: undefined }), "id: expected string, got undefined (undefined)"],
    ["id-empty", text({ id: "" }), 'id: expected at least 1 character(s), got "" (string)'],
    ["status-number", text({ status: 1 }), "status: expected string, got 1 (number)"],
    ["pid-string", text({ pid: "42" }), 'pid: expected number, got "42" (string)'],
    ["pid-fraction", text({ pid: 1.5 }), "pid: expected int, got 1.5 (number)"],
    ["pid-negative", text({ pid: -1 }), "pid: expected at least 0, got -1 (number)"],
    ["bundle-number", text({ bundle: 7 }), "bundle: expected string, got 7 (number)"],
    ["bundle-relative", text({ bundle: "run/b" }), 'bundle: expected an absolute path, got "run/b" (string)'],
    ["bundle-missing", text({ bundle: undefined }), "bundle: expected an absolute path, got undefined (undefined)"],
    ["annotations-list", text({ annotations: ["a"] }), 'annotations: expected record, got ["a"] (array)'],
  ];
  for (const [name, input, detail] of bad) {
    it(`refuses it and says why [${name}]`, () => {
      const message = messageOf(input);
      assert.ok(message.startsWith(`[state-invalid] reading the OCI state on stdin: ${detail}`), message);
    });
  }

  it("either reads any JSON or refuses it in one line", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        try {
          const s = parseState(JSON.stringify(raw));
          assert.ok(s.id.length > 0 && s.bundle.startsWith("/"));
        } catch (err) {
          assert.ok(isOciMetadataError(err) && err.code === "state-invalid");
          assert.doesNotMatch(err.message, /[\n\r]/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
