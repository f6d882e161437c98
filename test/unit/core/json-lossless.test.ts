// Tests src/core/json-lossless: the parser accepts what JSON.parse accepts and builds the same
// value; rendering copies every byte an edit did not touch (numbers, order, duplicates,
// whitespace, invalid UTF-8), and an edited document reads back as the edited value.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MAX_DEPTH, parseJsonDoc, renderJsonDoc, renderJsonText } from "../../../src/core/json-lossless/index.js";

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

// Same value AND same key order as JSON.parse gives.
function assertSameAsJsonParse(text: string): void {
  const ours = parseJsonDoc(text).value;
  const theirs = JSON.parse(text) as unknown;
  assert.deepStrictEqual(ours, theirs);
  assert.equal(JSON.stringify(ours), JSON.stringify(theirs));
}

describe("parseJsonDoc", () => {
  const valid: Array<[string, string]> = [
    ["object", '{"a":1,"b":[true,false,null],"c":{"d":"e"}}'],
    ["whitespace-everywhere", ' \t\n\r{ "a" : [ 1 , 2 ] , "b" : { } , "c" : [ ] } \n'],
    ["escapes", '["\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\ud83d\\ude00\\ud800"]'],
    ["unicode", '{"ключ":"値","emoji":"😀"}'],
    ["numbers", "[0,-0,1.5,-2e10,3E+2,4e-2,18446744073709551615,1e400,-1e400,9007199254740993]"],
    ["duplicate-keys-last-wins", '{"a":1,"b":2,"a":3}'],
    ["proto-key-is-own", '{"__proto__":{"polluted":true},"x":1}'],
    ["integer-like-keys", '{"b":1,"2":2,"a":3,"1":4}'],
    ["top-level-scalar", '"just a string"'],
  ];
  for (const [name, text] of valid) {
    it(`builds the value JSON.parse builds [${name}]`, () => assertSameAsJsonParse(text));
  }

  it("never lets a __proto__ key reach the prototype", () => {
    const value = parseJsonDoc('{"__proto__":{"polluted":true}}').value as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(value), ["__proto__"]);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ["empty", "", /unexpected end of input at byte 0/],
    ["trailing-comma-array", "[1,]", /unexpected byte 0x5d at byte 3/],
    ["trailing-comma-object", '{"a":1,}', /expected a string key at byte 7/],
    ["leading-zero", "[01]", /expected ',' or ']' at byte 2/],
    ["lone-minus", "-", /expected a digit at byte 1/],
    ["bare-dot", "[1.]", /expected a digit after '.' at byte 3/],
    ["raw-newline-in-string", '["a\nb"]', /control character in a string at byte 3/],
    ["bad-escape", '["\\x41"]', /invalid escape in a string at byte 1/],
    ["unterminated-string", '["abc', /unterminated string/],
    ["single-quotes", "{'a':1}", /expected a string key/],
    ["data-after-value", "{} {}", /unexpected data after the JSON value at byte 3/],
    ["bom", "\uFEFF{}", /unexpected byte 0xef at byte 0/],
    ["nan", "[NaN]", /unexpected byte 0x4e/],
    ["truncated-literal", "[tru]", /expected true/],
  ];
  for (const [name, text, message] of invalid) {
    it(`refuses what JSON.parse refuses [${name}]`, () => {
      assert.throws(() => JSON.parse(text));
      assert.throws(
        () => parseJsonDoc(text),
        (err: Error) => err instanceof SyntaxError && message.test(err.message),
      );
    });
  }

  it(`accepts nesting up to ${MAX_DEPTH} and refuses one level more`, () => {
    const nested = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    assert.doesNotThrow(() => parseJsonDoc(nested(MAX_DEPTH)));
    assert.throws(() => parseJsonDoc(nested(MAX_DEPTH + 1)), /nesting deeper than 1000/);
    assert.throws(() => parseJsonDoc(nested(100_000)), /nesting deeper than 1000/);
  });

  it("reads invalid UTF-8 inside a string as U+FFFD, as a UTF-8 decoder does", () => {
    const doc = parseJsonDoc(new Uint8Array([0x5b, 0x22, 0x61, 0xff, 0xc3, 0x22, 0x5d]));
    assert.deepEqual(doc.value, ["a\uFFFD\uFFFD"]);
  });

  it("agrees with JSON.parse on any JSON value, however it is laid out (fuzz)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 0, 1, 2, "\t", " \n"), (v, indent) => {
        assertSameAsJsonParse(JSON.stringify(v, null, indent as string | number | undefined));
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts and refuses exactly what JSON.parse does on mangled input (fuzz)", () => {
    const mangled = fc
      .tuple(
        fc.jsonValue(),
        fc.nat(),
        fc.nat(),
        fc.constantFrom("", ",", "]", "}", '"', "\\", "-", "0", ".", "e", " ", "\u0001", "x", "[", "{"),
      )
      .map(([v, at, cut, insert]) => {
        const s = JSON.stringify(v);
        const i = at % (s.length + 1);
        return s.slice(0, i) + insert + s.slice(i + (cut % 3));
      });
    fc.assert(
      fc.property(fc.oneof(mangled, fc.string(), fc.string({ unit: "binary" })), (text) => {
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          assert.throws(() => parseJsonDoc(text), SyntaxError);
          return;
        }
        assert.deepStrictEqual(parseJsonDoc(text).value, expected);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("renderJsonDoc", () => {
  it("returns the input bytes when nothing was edited (fuzz over layouts)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, "\t"), (v, indent) => {
        const src = bytes(`\n${JSON.stringify(v, null, indent)} \n`);
        assert.deepEqual(renderJsonDoc(parseJsonDoc(src)), src);
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps number literals, duplicate keys and integer-like key order around an edit", () => {
    const src =
      '{\n  "b": 18446744073709551615,\n  "2": 1e400,\n  "1": [9007199254740993, -0, 1E+2],\n  "b": -9223372036854775808,\n  "list": []\n}\n';
    const doc = parseJsonDoc(src);
    (doc.value as { list: unknown[] }).list.push("added");
    assert.equal(
      renderJsonText(doc),
      '{\n  "b": 18446744073709551615,\n  "2": 1e400,\n  "1": [9007199254740993, -0, 1E+2],\n  "b": -9223372036854775808,\n  "list": ["added"]\n}\n',
    );
  });

  it("appends members with the last member's whitespace and separator", () => {
    const doc = parseJsonDoc('{\n\t"mounts": [\n\t\t{"a": 1}\n\t],\n\t"x" : 1\n}');
    const v = doc.value as { mounts: unknown[]; hooks?: unknown };
    v.mounts.push({ b: 2 }, { c: 3 });
    v.hooks = { poststop: [{ path: "/bin/x", timeout: 10 }] };
    assert.equal(
      renderJsonText(doc),
      '{\n\t"mounts": [\n\t\t{"a": 1},\n\t\t{"b":2},\n\t\t{"c":3}\n\t],\n\t"x" : 1,\n\t"hooks" : {"poststop":[{"path":"/bin/x","timeout":10}]}\n}',
    );
  });

  it("replaces a changed scalar and a value whose type changed, nothing else", () => {
    const doc = parseJsonDoc('{"env":["A=1","B=\\u0032"],"mounts":null,"n":1e400}');
    const v = doc.value as { env: string[]; mounts: unknown };
    v.env[0] = "A=ours";
    v.mounts = [{ destination: "/m" }];
    assert.equal(renderJsonText(doc), '{"env":["A=ours","B=\\u0032"],"mounts":[{"destination":"/m"}],"n":1e400}');
  });

  it("rebuilds a container that lost a member in source order, its other values from source", () => {
    const doc = parseJsonDoc('{"z": [18446744073709551615], "2": 1, "drop": true, "a": {"k": 1e400}}');
    delete (doc.value as Record<string, unknown>).drop;
    assert.equal(renderJsonText(doc), '{"z":[18446744073709551615],"2":1,"a":{"k": 1e400}}');
    const arr = parseJsonDoc('[1e400, {"x": 18446744073709551615}, 3]');
    (arr.value as unknown[]).pop();
    assert.equal(renderJsonText(arr), '[1e400,{"x": 18446744073709551615}]');
  });

  it("copies invalid UTF-8 inside strings byte for byte while editing elsewhere", () => {
    const src = new Uint8Array([...bytes('{"a":"x'), 0xff, 0xfe, 0xc3, ...bytes('","env":[]}')]);
    const doc = parseJsonDoc(src);
    (doc.value as { env: string[] }).env.push("E=1");
    assert.deepEqual(
      renderJsonDoc(doc),
      new Uint8Array([...bytes('{"a":"x'), 0xff, 0xfe, 0xc3, ...bytes('","env":["E=1"]}')]),
    );
  });

  it("keeps an object under a __proto__ key as data", () => {
    const doc = parseJsonDoc('{"__proto__":{"a":1}}');
    (doc.value as Record<string, unknown>).x = 1;
    assert.equal(renderJsonText(doc), '{"__proto__":{"a":1},"x":1}');
  });

  it("reads back as the edited value after random edits, big literals untouched (fuzz)", () => {
    const BIG = ["18446744073709551615", "9223372036854775807", "-9223372036854775808", "9007199254740993", "1e400"];
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.jsonValue()), { maxLength: 6 }),
        fc.constantFrom(undefined, 1, "\t"),
        (v, edits, indent) => {
          const src = `{"big":[${BIG.join(",")}],"body":${JSON.stringify(v, null, indent)}}`;
          const doc = parseJsonDoc(src);
          const root = doc.value as { big: unknown; body: unknown };
          for (const [pick, kind, added] of edits) editSomewhere(root, pick, kind, added);
          const out = renderJsonText(doc);
          const reread = JSON.parse(out) as { big: unknown; body: unknown };
          assert.deepStrictEqual(reread.body, JSON.parse(JSON.stringify(root.body)));
          assert.ok(out.startsWith(`{"big":[${BIG.join(",")}],`), out);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1500) },
    );
  });
});

// One random in-place edit somewhere in `root.body`: add a member, push, replace, or delete.
function editSomewhere(root: { body: unknown }, pick: number, kind: number, added: unknown): void {
  const containers: unknown[] = [];
  const visit = (x: unknown) => {
    if (typeof x !== "object" || x === null) return;
    containers.push(x);
    for (const c of Object.values(x)) visit(c);
  };
  visit(root.body);
  const target = containers[pick % Math.max(containers.length, 1)];
  if (target === undefined) {
    root.body = added;
    return;
  }
  if (Array.isArray(target)) {
    if (kind % 3 === 0) target.push(added);
    else if (kind % 3 === 1 && target.length > 0) target[pick % target.length] = added;
    else target.pop();
    return;
  }
  const obj = target as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (kind % 3 === 0) obj[`k${kind}`] = added;
  else if (kind % 3 === 1 && keys.length > 0) obj[keys[pick % keys.length]!] = added;
  else if (keys.length > 0) delete obj[keys[pick % keys.length]!];
}

describe("renderJsonDoc regressions", () => {
  it("drops a removed member named like an Object.prototype method (fuzz find: toString)", () => {
    const doc = parseJsonDoc('{"toString":[],"a":1}');
    delete (doc.value as Record<string, unknown>)["toString"];
    assert.equal(renderJsonText(doc), '{"a":1}');
  });
});
