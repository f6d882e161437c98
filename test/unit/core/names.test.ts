// Tests src/core/names.ts: untrusted names become safe, bounded, stable path segments;
// safe names stay readable; different names do not share a segment.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  isSafeSegment,
  MAX_SEGMENT,
  NAME_HASH_HEX,
  nameHash,
  SEGMENT_PATTERN,
  safeSegment,
} from "../../../src/core/names.js";
import { sha256Hex } from "../../../src/core/sha256.js";

// Everything a produced segment must be, whatever the input.
function assertSafe(segment: string): void {
  assert.match(segment, SEGMENT_PATTERN);
  assert.ok(segment.length >= 1 && segment.length <= MAX_SEGMENT, `length ${segment.length}`);
  assert.notEqual(segment, ".");
  assert.notEqual(segment, "..");
  assert.ok(!segment.startsWith("."), `starts with a dot: ${segment}`);
  assert.ok(!segment.includes("/") && !segment.includes("\\"), `has a separator: ${segment}`);
}

const PINNED: Array<[string, string, string]> = [
  ["dotdot-path", "../../etc", "__.._etc-07fd282969fe236bbe0ec170a4715ab6"],
  ["dotdot", "..", "_-c7d10ceafb0974092160e3ed2f2c029a"],
  ["dot", ".", "_-075d3ddf5a3a826e13a92288e853bc4b"],
  ["hidden", ".hidden", "_hidden-18eae0b559f01698769ab387bad94898"],
  ["empty", "", "_-e3b0c44298fc1c149afbf4c8996fb924"],
  ["slash", "a/b", "a_b-6df7cee24c7627c8517c73bf5f10ca67"],
  ["nul", "a\u0000b", "a_b-d06c13d806836ab3011b178376b23276"],
  ["cjk", "日本", "_-be56ce74e60acf7ed274ad41d2a5bc4a"],
  ["ligature-nfkc", "\ufb01le", "file-a2f4dcbc93acf1952948c3c486d9c23f"],
  ["leading-dash", "-rf", "_rf-f876c2547ebd6604639b8f7a33d0bd35"],
];

describe("safeSegment", () => {
  const safe: Array<[string, string]> = [
    ["plain", "web"],
    ["dashes-dots-underscores", "my-app_1.2.3"],
    ["upper-case", "WebFrontend"],
    ["single-char", "a"],
    ["digits-only", "0123456789"],
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
    ["leading-dash-option", "-rf"],
    ["leading-double-dash", "--help"],
    ["only-dash", "-"],
  ];
  for (const [name, input] of hostile) {
    it(`maps a hostile name to a bounded safe segment [${name}]`, () => {
      assert.equal(isSafeSegment(input), false);
      const out = safeSegment(input);
      assertSafe(out);
      assert.notEqual(out, input);
      assert.ok(out.endsWith(`-${nameHash(input)}`), `${out} lacks the hash of the input`);
      assert.ok(!out.startsWith("-"), `${out} starts with a dash`);
    });
  }

  // Pinned outputs: a segment names a dir on disk, so it must not change between releases
  // (pinned at the switch to the 128-bit SHA-256 hash, before the first release; running
  // containers find their dir from their spec's mount, never by hashing again).
  const pinned: Array<[string, string, string]> = PINNED;
  for (const [name, input, expected] of pinned) {
    it(`gives the same segment as every earlier release [${name}]`, () => assert.equal(safeSegment(input), expected));
  }

  it("keeps a readable prefix of a long hostile name and stays at the limit", () => {
    const out = safeSegment(`${"a".repeat(4096)}/`);
    assert.equal(out.length, MAX_SEGMENT);
    assert.equal(out, `${"a".repeat(MAX_SEGMENT - NAME_HASH_HEX - 1)}-${nameHash(`${"a".repeat(4096)}/`)}`);
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

  it("never gives a safe name the segment of a different hostile name", () => {
    const hostileName = "a/b";
    const lookalike = safeSegment(hostileName); // "a_b-<32 hex>", itself a safe name
    assert.notEqual(safeSegment(lookalike), safeSegment(hostileName));
    // The 64-bit form of earlier builds is hashed too.
    assert.notEqual(safeSegment("a_b-3a8e75c1c3759637"), "a_b-3a8e75c1c3759637");
  });
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
    fc.assert(
      fc.property(anyName, (name) => assertSafe(safeSegment(name))),
      { numRuns: 2000 },
    );
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
    fc.assert(
      fc.property(anyName, (name) => {
        if (!isSafeSegment(name)) assert.notEqual(safeSegment(name), name);
      }),
    );
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

describe("nameHash", () => {
  it("no longer collides where the 64-bit FNV pair did (issue 9: collided in 66k tries)", () => {
    // Found by a birthday search over 2-unit CJK suffixes: both names cleaned to "web-_" and
    // the old two FNV-1a hashes gave both 1b20232f80857199, so they shared one dir.
    const [a, b] = ["web-\u578e\u73d9\u4e00", "web-\u5787\u4ed5\u4621"];
    assert.notEqual(a, b);
    assert.notEqual(safeSegment(a), safeSegment(b));
    assert.equal(safeSegment(a).slice(0, 5), safeSegment(b).slice(0, 5));
  });

  it("hashes UTF-16 code units losslessly: a lone surrogate is not U+FFFD", () => {
    assert.notEqual(nameHash("a\ud800b"), nameHash("a\ufffdb"));
    assert.equal(nameHash("ab"), sha256Hex(new Uint8Array([0x61, 0, 0x62, 0])).slice(0, NAME_HASH_HEX));
  });
});

describe("sha256Hex", () => {
  // FIPS 180-4 example vectors.
  const vectors: Array<[string, string, string]> = [
    ["empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "two-blocks",
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
  ];
  for (const [name, input, expected] of vectors) {
    it(`matches the reference vector [${name}]`, () =>
      assert.equal(sha256Hex(new TextEncoder().encode(input)), expected));
  }

  it("agrees with node:crypto on any bytes, across block boundaries", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        assert.equal(sha256Hex(data), createHash("sha256").update(data).digest("hex"));
      }),
      { numRuns: 1000 },
    );
  });
});
