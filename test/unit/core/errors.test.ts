// Tests src/core/errors.ts: the one error type, its one-line `[code] …` messages, `from`,
// `wrap`, the cross-realm brand and describeValue.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runInNewContext } from "node:vm";
import { describeValue, isOciMetadataError, OciMetadataError, oneLine, wrap } from "../../../src/core/errors.js";

describe("OciMetadataError", () => {
  it("prefixes the message with its code in brackets", () => {
    const err = new OciMetadataError("path-escape", "locating /x: not under /root");
    assert.equal(err.message, "[path-escape] locating /x: not under /root");
    assert.equal(err.rawMessage, "locating /x: not under /root");
    assert.equal(err.code, "path-escape");
    assert.equal(err.name, "OciMetadataError");
    assert.ok(err instanceof Error);
  });

  it("collapses newlines and control characters so the message is one line", () => {
    const err = new OciMetadataError("io", "reading a\nb\r\n\tc\u0000d\u007f \n");
    assert.equal(err.message, "[io] reading a b c d");
    assert.equal(err.rawMessage, "reading a b c d");
    assert.doesNotMatch(err.message, /[\u0000-\u001f\u007f]/);
  });

  it("keeps the cause it was given", () => {
    const cause = new Error("inner");
    assert.equal(new OciMetadataError("io", "outer", { cause }).cause, cause);
  });
});

describe("oneLine", () => {
  const cases: Array<[string, string, string]> = [
    ["plain-text", "abc", "abc"],
    ["newline", "a\nb", "a b"],
    ["crlf-run", "a\r\n\r\nb", "a b"],
    ["tab", "a\tb", "a b"],
    ["nul", "a\u0000b", "a b"],
    ["del", "a\u007fb", "a b"],
    ["leading-and-trailing", "\n a \n", "a"],
    ["unicode-kept", "ünï\ncødé", "ünï cødé"],
  ];
  for (const [name, input, expected] of cases) {
    it(`collapses control characters [${name}]`, () => assert.equal(oneLine(input), expected));
  }
});

describe("OciMetadataError.from", () => {
  it("returns our own error unchanged", () => {
    const err = new OciMetadataError("spec-invalid", "x");
    assert.equal(OciMetadataError.from(err), err);
    assert.equal(OciMetadataError.from(err, "io"), err);
  });

  it("turns an errno error (string code) into an io error with the cause kept", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: "ENOENT" });
    const err = OciMetadataError.from(enoent, "runtime");
    assert.equal(err.code, "io");
    assert.equal(err.message, "[io] ENOENT: no such file or directory, open '/x'");
    assert.equal(err.cause, enoent);
  });

  it("uses internal for a plain Error by default and the given code otherwise", () => {
    const plain = new TypeError("boom");
    assert.equal(OciMetadataError.from(plain).code, "internal");
    assert.equal(OciMetadataError.from(plain, "runtime").code, "runtime");
    assert.equal(OciMetadataError.from(plain).message, "[internal] boom");
  });

  it("turns a thrown non-Error into a message with its string form", () => {
    assert.equal(OciMetadataError.from("just a string").message, "[internal] just a string");
    assert.equal(OciMetadataError.from(42, "usage").message, "[usage] 42");
    assert.equal(OciMetadataError.from(undefined).message, "[internal] undefined");
    assert.equal(OciMetadataError.from("x").cause, "x");
  });

  it("makes a multi-line foreign message one line", () => {
    assert.equal(OciMetadataError.from(new Error("line 1\nline 2")).message, "[internal] line 1 line 2");
  });
});

describe("wrap", () => {
  it("prefixes what was being done and keeps the code", () => {
    const inner = new OciMetadataError("symlink-refused", "using /r/t: is a symlink");
    const err = wrap("creating the metadata dir", inner);
    assert.equal(err.message, "[symlink-refused] creating the metadata dir: using /r/t: is a symlink");
    assert.equal(err.code, "symlink-refused");
  });

  it("nests layers in order, outermost first", () => {
    const err = wrap("running hook createRuntime", wrap("writing /r/t/n/f", new OciMetadataError("io", "disk full")));
    assert.equal(err.message, "[io] running hook createRuntime: writing /r/t/n/f: disk full");
  });

  it("keeps the original cause of a foreign error", () => {
    const enoent = Object.assign(new Error("ENOENT: gone"), { code: "ENOENT" });
    const err = wrap("reading /x", enoent);
    assert.equal(err.message, "[io] reading /x: ENOENT: gone");
    assert.equal(err.cause, enoent);
  });

  it("uses the given code for a foreign error without errno", () => {
    assert.equal(
      wrap("parsing state", new Error("bad"), "state-invalid").message,
      "[state-invalid] parsing state: bad",
    );
  });

  it("points the cause at our error when that error had none", () => {
    const inner = new OciMetadataError("usage", "no bundle");
    assert.equal(wrap("inject", inner).cause, inner);
  });

  it("keeps a wrapped message on one line even when doing has a newline", () => {
    assert.equal(wrap("a\nb", new Error("c")).message, "[internal] a b: c");
  });
});

describe("isOciMetadataError", () => {
  it("is true for our errors and false for anything else", () => {
    assert.equal(isOciMetadataError(new OciMetadataError("io", "x")), true);
    for (const other of [new Error("x"), null, undefined, "x", 1, {}, { code: "io", message: "[io] x" }]) {
      assert.equal(isOciMetadataError(other), false, String(other));
    }
  });

  it("recognises the brand without instanceof (another bundle or realm)", () => {
    // Symbol.for is shared across realms, so a brand set in another vm context still matches.
    const foreign = runInNewContext(`({ [Symbol.for("oci-metadata.error")]: true, code: "io", message: "[io] x" })`);
    assert.equal(foreign instanceof OciMetadataError, false);
    assert.equal(isOciMetadataError(foreign), true);
  });

  it("is false for a brand that is not exactly true", () => {
    assert.equal(isOciMetadataError({ [Symbol.for("oci-metadata.error")]: "yes" }), false);
  });
});

describe("describeValue", () => {
  const cases: Array<[string, unknown, string]> = [
    ["string", "sometimes", `"sometimes" (string)`],
    ["number", 3, "3 (number)"],
    ["boolean", false, "false (boolean)"],
    ["null", null, "null (null)"],
    ["undefined", undefined, "undefined (undefined)"],
    ["array", [1, "a"], `[1,"a"] (array)`],
    ["object", { a: 1 }, `{"a":1} (object)`],
    ["bigint", 10n, "10 (bigint)"],
    ["string-with-newline", "a\nb", `"a\\nb" (string)`],
  ];
  for (const [name, value, expected] of cases) {
    it(`shows the value and its type [${name}]`, () => assert.equal(describeValue(value), expected));
  }

  it("trims long values to 80 characters ending in ...", () => {
    const shown = describeValue("x".repeat(500));
    assert.equal(shown, `"${"x".repeat(76)}... (string)`);
    assert.equal(shown.length, 80 + " (string)".length);
  });

  it("does not throw on a circular value", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.equal(describeValue(circular), "[object Object] (object)");
  });
});
