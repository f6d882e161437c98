// Tests src/core/names.ts: untrusted names become safe, bounded, stable path segments;
// safe names stay readable; different names do not share a segment.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fnv1a32, hash64, isSafeSegment, MAX_SEGMENT, SEGMENT_PATTERN, safeSegment } from "../../../src/core/names.js";

// Everything a produced segment must be, whatever the input.
function assertSafe(segment: string): void {
  assert.match(segment, SEGMENT_PATTERN);
  assert.ok(segment.length >= 1 && segment.length <= MAX_SEGMENT, `length ${segment.length}`);
  assert.notEqual(segment, ".");
  assert.notEqual(segment, "..");
  assert.ok(!segment.startsWith("."), `starts with a dot: ${segment}`);
  assert.ok(!segment.includes("/") && !segment.includes("\\"), `has a separator: ${segment}`);
}

describe("safeSegment", () => {
  const safe: Array<[string, string]> = [
    ["plain", "web"],
    ["dashes-dots-underscores", "my-app_1.2.3"],
    ["upper-case", "WebFrontend"],
    ["single-char", "a"],
    ["digits-only", "0123456789"],
    ["leading-dash", "-x"],
    ["leading-underscore", "_x"],
    ["inner-dots", "a..b"],
    ["trailing-dot", "a."],
    ["container-id", "ef3dabed9bef4f9e8d8f4d2c1b0a99887766554433221100ffeeddccbbaa9988"],
    ["exactly-max-length", "x".repeat(MAX_SEGMENT)],
  ];
  for (const [name, input] of safe) {
    it(`keeps a safe name as it is [${name}]`, () => {
      assert.equal(isSafeSegment(input), true);
      assert.equal(safeSegment(input), input);
    });
  }

  const hostile: Array<[string, string]> = [
    ["dotdot-path", "../../etc"],
    ["dotdot", ".."],
    ["dot", "."],
    ["hidden", ".hidden"],
    ["reserved-temp-prefix", ".tmp-ecs-container-metadata.json"],
    ["slash", "a/b"],
    ["absolute-path", "/etc/passwd"],
    ["backslash", "a\\b"],
    ["windows-drive", "C:\\Windows"],
    ["empty", ""],
    ["space", "my app"],
    ["newline", "a\nb"],
    ["control-chars", "a\u0001\u001f\u007fb"],
    ["nul", "a\u0000b"],
    ["only-nul", "\u0000"],
    ["latin-accents", "ünïcødé"],
    ["cjk", "日本語"],
    ["emoji", "\u{1F600}"],
    ["lone-surrogate", "a\ud800b"],
    ["ligature-nfkc", "\ufb01le"],
    ["fullwidth-dots", "\uff0e\uff0e"],
    ["one-over-max", "x".repeat(MAX_SEGMENT + 1)],
    ["four-kb", "a".repeat(4096)],
    ["four-kb-of-dots", ".".repeat(4096)],
    ["four-kb-of-slashes", "/".repeat(4096)],
    ["k8s-task", "default/web-7d9c/1f0e2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7"],
  ];
  for (const [name, input] of hostile) {
    it(`maps a hostile name to a bounded safe segment [${name}]`, () => {
      assert.equal(isSafeSegment(input), false);
      const out = safeSegment(input);
      assertSafe(out);
      assert.notEqual(out, input);
      assert.ok(out.endsWith(`-${hash64(input)}`), `${out} lacks the hash of the input`);
    });
  }

  // Pinned outputs: a segment names a dir on disk, so it must not change between releases
  // (pinned at the switch to the 64-bit hash, before the first release).
  const pinned: Array<[string, string, string]> = [
    ["dotdot-path", "../../etc", "__.._etc-cb7d5d3f4d4e70b1"],
    ["dotdot", "..", "_-a3d4a70de0dd7077"],
    ["dot", ".", "_-2b0c98f12376b423"],
    ["hidden", ".hidden", "_hidden-4747f18553938443"],
    ["empty", "", "_-811c9dc5050c5d1f"],
    ["slash", "a/b", "a_b-3a8e75c1c3759637"],
    ["nul", "a\u0000b", "a_b-10f3abd2c132ad24"],
    ["cjk", "日本", "_-5ffcbea48758e106"],
    ["ligature-nfkc", "\ufb01le", "file-19158c1fa3147905"],
  ];
  for (const [name, input, expected] of pinned) {
    it(`gives the same segment as every earlier release [${name}]`, () => assert.equal(safeSegment(input), expected));
  }

  it("keeps a readable prefix of a long hostile name and stays at the limit", () => {
    const out = safeSegment(`${"a".repeat(4096)}/`);
    assert.equal(out.length, MAX_SEGMENT);
    assert.equal(out, `${"a".repeat(MAX_SEGMENT - 17)}-${hash64(`${"a".repeat(4096)}/`)}`);
  });

  it("gives different segments to names that clean to the same text", () => {
    const names = ["a/b", "a:b", "a b", "a\u0000b", "a\nb", "a//b", "a\\b"];
    assert.equal(new Set(names.map(safeSegment)).size, names.length);
  });

  it("gives different segments to long names that differ only after the kept prefix", () => {
    const a = `${"x".repeat(200)}/1`;
    const b = `${"x".repeat(200)}/2`;
    assert.notEqual(safeSegment(a), safeSegment(b));
  });

  it(
    "never gives a safe name the segment of a different hostile name",
    
    () => {
      const hostileName = "a/b";
      const lookalike = safeSegment(hostileName); // "a_b-3a8e75c1", itself a safe name
      assert.notEqual(safeSegment(lookalike), safeSegment(hostileName));
    },
  );
});

describe("safeSegment properties", () => {
  const anyName = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary", maxLength: 300 }),
    fc.string({ unit: "grapheme", maxLength: 120 }),
    fc.string({ unit: fc.constantFrom(".", "/", "\\", "\u0000", "a", "-", "_"), maxLength: 300 }),
    fc.constantFrom("", ".", "..", "../..", ".tmp-x"),
  );

  it("always matches SEGMENT_PATTERN and stays within MAX_SEGMENT", () => {
    fc.assert(fc.property(anyName, (name) => assertSafe(safeSegment(name))), { numRuns: 2000 });
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const copy = [...name].join(""); // a different string object with the same content
        assert.equal(safeSegment(name), safeSegment(copy));
        assert.equal(safeSegment(name), safeSegment(name));
      }),
    );
  });

  it("changes every name that is not already safe", () => {
    fc.assert(fc.property(anyName, (name) => {
      if (!isSafeSegment(name)) assert.notEqual(safeSegment(name), name);
    }));
  });

  it("is injective on samples of distinct names", () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyName, { minLength: 2, maxLength: 60 }), (names) => {
        const segments = names.map(safeSegment);
        assert.equal(new Set(segments).size, names.length, JSON.stringify(names));
      }),
      { numRuns: 300 },
    );
  });
});

describe("isSafeSegment", () => {
  const cases: Array<[string, string, boolean]> = [
    ["plain", "web", true],
    ["max-length", "x".repeat(MAX_SEGMENT), true],
    ["over-max", "x".repeat(MAX_SEGMENT + 1), false],
    ["empty", "", false],
    ["dot", ".", false],
    ["dotdot", "..", false],
    ["leading-dot", ".x", false],
    ["slash", "a/b", false],
    ["space", "a b", false],
    ["unicode", "é", false],
    ["newline-at-end", "abc\n", false],
  ];
  for (const [name, input, expected] of cases) {
    it(`tells whether a name may be used as it is [${name}]`, () => assert.equal(isSafeSegment(input), expected));
  }
});

describe("fnv1a32", () => {
  // Published FNV-1a 32-bit test vectors.
  const vectors: Array<[string, string, string]> = [
    ["empty", "", "811c9dc5"],
    ["a", "a", "e40c292c"],
    ["foobar", "foobar", "bf9cf968"],
  ];
  for (const [name, input, expected] of vectors) {
    it(`matches the reference vector [${name}]`, () => assert.equal(fnv1a32(input), expected));
  }

  it("always returns 8 lower-case hex digits", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => assert.match(fnv1a32(s), /^[0-9a-f]{8}$/)));
  });
});
