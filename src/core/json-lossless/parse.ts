// Parses JSON *bytes* into two views of one document: the plain value every reader and every
// spec edit uses (as JSON.parse would build it), and a tree of source spans that says where
// each value sits in the bytes, so render.ts can write back everything an edit did not touch.
// Invariants:
//  - accepts exactly RFC 8259 JSON text (what JSON.parse accepts), nesting ≤ MAX_DEPTH;
//  - plain objects are built as JSON.parse builds them: a later duplicate key wins, a
//    "__proto__" key is an own property (never the prototype);
//  - bytes are never decoded outside string literals, so invalid UTF-8 inside a string
//    (read as U+FFFD in the value) still survives in the source spans.
// Pure: bytes in, objects out; throws SyntaxError("… at byte N").

/** Deeper nesting is refused (engines refuse it too: Go's encoding/json stops at 10000). */
export const MAX_DEPTH = 1000;

/** A scalar's source span and its value (numbers as JSON.parse reads them: may be rounded). */
export interface ScalarNode {
  kind: "scalar";
  start: number;
  end: number;
  value: string | number | boolean | null;
}

/** One array element or object member; `lead` is where the whitespace before it starts. */
export interface Item {
  lead: number;
  /** Start of the element, or of the member's key. */
  start: number;
  key?: string;
  /** Where the member's key ends (its ':' and whitespace follow), for new members' style. */
  keyEnd?: number;
  node: JsonNode;
}

export interface ContainerNode {
  kind: "array" | "object";
  start: number;
  end: number;
  items: Item[];
}

export type JsonNode = ScalarNode | ContainerNode;

/** A parsed document: its bytes, its plain value, and the span of every original value. */
export interface JsonDoc {
  readonly source: Uint8Array;
  readonly value: unknown;
  readonly root: JsonNode;
  /** The node each original object and array was parsed from (edits keep the identities). */
  readonly nodeOf: WeakMap<object, ContainerNode>;
}

const utf8 = new TextDecoder("utf-8");
// windows-1252 maps every ASCII byte to the same char and each byte to one char.
const asciiView = new TextDecoder("latin1");
const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) SPACE[c] = 1;
// Fast paths, matched natively on the latin1 view (one char per byte, ASCII unchanged): a run
// of whitespace, a string of printable ASCII without escapes, a number. A hook or a
// before-create step parses one config in a short-lived process whose code never gets hot, so
// a byte loop costs several times what the regular expression does (~2x on a 10 KB config).
// Anything they do not match goes the byte-by-byte way below, which words the errors.
const WS = /[ \t\n\r]*/y;
const PLAIN_STRING = /"[\x20\x21\x23-\x5b\x5d-\x7f]*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// Bytes after a matched number that the byte loop would take up (and word an error about).
const NUMBER_TAIL = new Set([0x2e, 0x65, 0x45, 0x2b, 0x2d, ...Array.from({ length: 10 }, (_, i) => 0x30 + i)]);

/** Parses a JSON text given as bytes (or as a string, which is encoded to UTF-8 first). */
export function parseJsonDoc(input: Uint8Array | string): JsonDoc {
  const source = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const p = new Parser(source);
  p.skipSpace();
  const { node, value } = p.value(0);
  p.skipSpace();
  if (p.at < source.length) p.fail("unexpected data after the JSON value");
  return { source, value, root: node, nodeOf: p.nodeOf };
}

class Parser {
  at = 0;
  readonly nodeOf = new WeakMap<object, ContainerNode>();
  /** The bytes as one string, char = byte for ASCII; only ASCII ranges are ever sliced from it. */
  private readonly ascii: string;
  constructor(readonly b: Uint8Array) {
    this.ascii = asciiView.decode(b);
  }

  fail(what: string): never {
    throw new SyntaxError(`${what} at byte ${this.at}`);
  }

  skipSpace(): void {
    if (this.at >= this.b.length || SPACE[this.b[this.at]!] !== 1) return;
    WS.lastIndex = this.at;
    WS.test(this.ascii);
    this.at = WS.lastIndex;
  }

  value(depth: number): { node: JsonNode; value: unknown } {
    const c = this.b[this.at];
    if (c === 0x7b || c === 0x5b) return this.container(depth + 1, c === 0x7b);
    const start = this.at;
    let value: string | number | boolean | null;
    if (c === 0x22) value = this.string();
    else if (c === 0x74) value = this.word("true", true);
    else if (c === 0x66) value = this.word("false", false);
    else if (c === 0x6e) value = this.word("null", null);
    else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) value = this.number();
    else this.fail(c === undefined ? "unexpected end of input" : `unexpected byte 0x${c.toString(16)}`);
    return { node: { kind: "scalar", start, end: this.at, value }, value };
  }

  // `{…}` or `[…]`; members go on the value as own properties, as JSON.parse puts them.
  container(depth: number, isObject: boolean): { node: ContainerNode; value: unknown } {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const node: ContainerNode = { kind: isObject ? "object" : "array", start: this.at, end: 0, items: [] };
    const value: Record<string, unknown> | unknown[] = isObject ? {} : [];
    const close = isObject ? 0x7d : 0x5d;
    this.at++;
    for (let first = true; ; first = false) {
      const lead = this.at;
      this.skipSpace();
      if (first && this.b[this.at] === close) break;
      const start = this.at;
      let key: string | undefined;
      let keyEnd: number | undefined;
      if (isObject) {
        if (this.b[this.at] !== 0x22) this.fail("expected a string key");
        key = this.string();
        keyEnd = this.at;
        this.skipSpace();
        if (this.b[this.at] !== 0x3a) this.fail("expected ':'");
        this.at++;
        this.skipSpace();
      }
      const child = this.value(depth);
      node.items.push({ lead, start, key, keyEnd, node: child.node });
      if (key === undefined) (value as unknown[]).push(child.value);
      else setOwn(value as Record<string, unknown>, key, child.value);
      this.skipSpace();
      const c = this.b[this.at];
      if (c === 0x2c) this.at++;
      else if (c === close) break;
      else this.fail(c === undefined ? "unexpected end of input" : `expected ',' or '${String.fromCharCode(close)}'`);
    }
    this.at++;
    node.end = this.at;
    this.nodeOf.set(value, node);
    return { node, value };
  }

  // A string literal: raw control bytes are refused, escapes are checked by JSON.parse.
  string(): string {
    const b = this.b;
    const start = this.at;
    PLAIN_STRING.lastIndex = start;
    if (PLAIN_STRING.test(this.ascii)) {
      this.at = PLAIN_STRING.lastIndex;
      return this.ascii.slice(start + 1, this.at - 1);
    }
    let plain = true;
    let j = start + 1;
    for (;;) {
      const c = b[j];
      if (c === undefined) this.fail("unterminated string");
      if (c === 0x22) break;
      if (c < 0x20) {
        this.at = j;
        this.fail("control character in a string");
      }
      if (c === 0x5c) {
        plain = false;
        j += 2;
      } else {
        if (c >= 0x80) plain = false;
        j++;
      }
    }
    this.at = j + 1;
    if (plain) return this.ascii.slice(start + 1, j);
    const text = utf8.decode(b.subarray(start, j + 1));
    try {
      return JSON.parse(text) as string;
    } catch {
      this.at = start;
      return this.fail("invalid escape in a string");
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — the literal itself stays in the source.
  number(): number {
    const start = this.at;
    NUMBER.lastIndex = start;
    if (NUMBER.test(this.ascii) && !NUMBER_TAIL.has(this.b[NUMBER.lastIndex] ?? 0)) {
      this.at = NUMBER.lastIndex;
      return Number(this.ascii.slice(start, this.at));
    }
    if (this.b[this.at] === 0x2d) this.at++;
    if (this.b[this.at] === 0x30) this.at++;
    else if (!this.digits()) this.fail("expected a digit");
    if (this.b[this.at] === 0x2e) {
      this.at++;
      if (!this.digits()) this.fail("expected a digit after '.'");
    }
    if (this.b[this.at] === 0x65 || this.b[this.at] === 0x45) {
      this.at++;
      if (this.b[this.at] === 0x2b || this.b[this.at] === 0x2d) this.at++;
      if (!this.digits()) this.fail("expected a digit in the exponent");
    }
    return Number(this.ascii.slice(start, this.at));
  }

  digits(): boolean {
    const from = this.at;
    while (this.b[this.at]! >= 0x30 && this.b[this.at]! <= 0x39) this.at++;
    return this.at > from;
  }

  word<T>(text: string, value: T): T {
    for (let k = 0; k < text.length; k++) {
      if (this.b[this.at + k] !== text.charCodeAt(k)) this.fail(`expected ${text}`);
    }
    this.at += text.length;
    return value;
  }
}

// Defines obj[key] as JSON.parse does: an own, enumerable, writable property, even "__proto__".
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
