// Writes a parsed document back after its plain value was edited, copying the source bytes of
// everything the edits did not change. Invariants:
//  - no edit → the output is the input, byte for byte;
//  - bytes outside a changed value are copied: number literals (2^64-1, 1e400), key order
//    (integer-like keys too, which a JS object would reorder), duplicate keys, whitespace,
//    escapes, invalid UTF-8 inside strings;
//  - an original object or array is recognised by identity (JsonDoc.nodeOf), so edits work
//    in place; a new member or element is appended after the last one, with that one's
//    leading whitespace, and is written compactly by JSON.stringify;
//  - a scalar whose value changed, or a value that replaced another (null → []), is written
//    anew; a container that lost a member is rebuilt compactly around its children's source.
// What is not kept: the literal of an original *number* that an edit moved to another place
// (it is re-written from its JS value). Our spec edits only add and replace, never move.
import type { ContainerNode, Item, JsonDoc, JsonNode } from "./parse.js";

const encoder = new TextEncoder();

/** The document's bytes with the current state of doc.value. */
export function renderJsonDoc(doc: JsonDoc): Uint8Array {
  const out = new Output(doc.source);
  out.copy(0, doc.root.start); // whitespace around the value is kept too
  write(doc, doc.root, doc.value, out);
  out.copy(doc.root.end, doc.source.length);
  return out.finish();
}

/** The document's text (UTF-8 decoded; invalid bytes become U+FFFD). */
export function renderJsonText(doc: JsonDoc): string {
  return new TextDecoder().decode(renderJsonDoc(doc));
}

// Writes `value` where `node` was: the source where unchanged, new text where not.
function write(doc: JsonDoc, node: JsonNode, value: unknown, out: Output): void {
  if (node.kind === "scalar") {
    if (sameScalar(node.value, value)) out.copy(node.start, node.end);
    else writeFresh(doc, value, out);
  } else if (typeof value !== "object" || value === null || doc.nodeOf.get(value) !== node) {
    writeFresh(doc, value, out);
  } else if (node.kind === "array") {
    writeArray(doc, node, value as unknown[], out);
  } else {
    writeObject(doc, node, value as Record<string, unknown>, out);
  }
}

function writeArray(doc: JsonDoc, node: ContainerNode, value: unknown[], out: Output): void {
  if (value.length < node.items.length) {
    // Elements were removed: compact, each remaining one from its old place's source if it still fits.
    writeList(out, "[", "]", value, (v, i) => writeHinted(doc, node.items[i]?.node, v, out));
    return;
  }
  let at = node.start;
  node.items.forEach((item, i) => {
    out.copy(at, item.node.start);
    write(doc, item.node, value[i], out);
    at = item.node.end;
  });
  appendItems(
    doc,
    node,
    value.slice(node.items.length).map((v) => [undefined, v]),
    at,
    out,
  );
}

function writeObject(doc: JsonDoc, node: ContainerNode, value: Record<string, unknown>, out: Output): void {
  const last = new Map<string, Item>();
  for (const item of node.items) last.set(item.key!, item);
  for (const key of last.keys()) {
    if (!Object.hasOwn(value, key) || value[key] === undefined) {
      // A member was removed: compact, in source order, the remaining values from their source.
      const present = (k: string) => Object.hasOwn(value, k) && value[k] !== undefined;
      const keys = [...last.keys(), ...Object.keys(value)].filter((k, i, all) => present(k) && all.indexOf(k) === i);
      writeList(out, "{", "}", keys, (k) => writeMember(doc, k, last.get(k)?.node, value[k], out));
      return;
    }
  }
  let at = node.start;
  for (const item of node.items) {
    // An earlier duplicate of a key is copied as it is (readers take the last one).
    if (last.get(item.key!) !== item) continue;
    out.copy(at, item.node.start);
    write(doc, item.node, value[item.key!], out);
    at = item.node.end;
  }
  const added = Object.keys(value).filter((k) => !last.has(k) && value[k] !== undefined);
  appendItems(
    doc,
    node,
    added.map((k) => [k, value[k]]),
    at,
    out,
  );
}

// New members after the last one (`at` = its end), each led by the last one's whitespace.
function appendItems(
  doc: JsonDoc,
  node: ContainerNode,
  added: [string | undefined, unknown][],
  at: number,
  out: Output,
): void {
  const lastItem = node.items[node.items.length - 1];
  if (added.length > 0) {
    const end = lastItem ? lastItem.node.end : node.start + 1;
    out.copy(at, end);
    added.forEach(([key, v], i) => {
      if (lastItem) {
        out.text(",");
        out.copy(lastItem.lead, lastItem.start);
      } else if (i > 0) out.text(",");
      if (key === undefined) {
        writeFresh(doc, v, out);
        return;
      }
      out.text(JSON.stringify(key));
      // The last member's `:` with its spacing, when there is one.
      if (lastItem?.keyEnd !== undefined) out.copy(lastItem.keyEnd, lastItem.node.start);
      else out.text(":");
      writeFresh(doc, v, out);
    });
    at = end;
  }
  out.copy(at, node.end);
}

// `"key":value` (or just the value for an array element).
function writeMember(
  doc: JsonDoc,
  key: string | undefined,
  node: JsonNode | undefined,
  value: unknown,
  out: Output,
): void {
  if (key !== undefined) out.text(`${JSON.stringify(key)}:`);
  writeHinted(doc, node, value, out);
}

function writeHinted(doc: JsonDoc, node: JsonNode | undefined, value: unknown, out: Output): void {
  if (node) write(doc, node, value, out);
  else writeFresh(doc, value, out);
}

// A value the edits made. Original containers inside it are still written from source.
function writeFresh(doc: JsonDoc, value: unknown, out: Output): void {
  if (typeof value !== "object" || value === null) {
    out.text(JSON.stringify(value) ?? "null");
    return;
  }
  const node = doc.nodeOf.get(value);
  if (node) write(doc, node, value, out);
  else if (Array.isArray(value)) writeList(out, "[", "]", value, (v) => writeFresh(doc, v, out));
  else {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    writeList(out, "{", "}", keys, (k) => writeMember(doc, k, undefined, obj[k], out));
  }
}

function writeList<T>(
  out: Output,
  open: string,
  close: string,
  list: readonly T[],
  each: (x: T, i: number) => void,
): void {
  out.text(open);
  list.forEach((x, i) => {
    if (i > 0) out.text(",");
    each(x, i);
  });
  out.text(close);
}

function sameScalar(a: ScalarValue, b: unknown): boolean {
  return typeof b === typeof a && Object.is(a, b);
}
type ScalarValue = string | number | boolean | null;

// Collects output: adjacent source ranges merge, so an unedited document is one range.
class Output {
  private parts: Uint8Array[] = [];
  private from = 0;
  private to = 0;
  private size = 0;
  constructor(private readonly source: Uint8Array) {}

  copy(from: number, to: number): void {
    if (to <= from) return;
    if (from === this.to && this.to > this.from) this.to = to;
    else {
      this.flush();
      this.from = from;
      this.to = to;
    }
  }

  text(s: string): void {
    this.flush();
    this.push(encoder.encode(s));
  }

  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0]!;
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }

  private flush(): void {
    if (this.to > this.from) this.push(this.source.subarray(this.from, this.to));
    this.from = this.to = 0;
  }

  private push(p: Uint8Array): void {
    this.parts.push(p);
    this.size += p.length;
  }
}
