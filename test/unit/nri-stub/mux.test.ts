import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  encodeMux,
  MAX_FRAME_PAYLOAD,
  MAX_SEND_PAYLOAD,
  MUX_HEADER_SIZE,
  MuxDecoder,
} from "../../../src/nri-stub/mux.js";
import { frame } from "./fake-runtime.js";

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

describe("MuxDecoder", () => {
  test("reassembles a frame fed one byte at a time", () => {
    const wire = frame(2, bytes(300));
    const decoder = new MuxDecoder();
    const out = [];
    for (const b of wire) out.push(...decoder.push(Uint8Array.of(b)));
    assert.equal(out.length, 1);
    assert.equal(out[0]!.connId, 2);
    assert.deepEqual(out[0]!.payload, bytes(300));
  });

  test("returns coalesced frames of both connections in order", () => {
    const wire = concat([frame(1, bytes(10, 1)), frame(2, bytes(20, 2)), frame(1, bytes(5, 3))]);
    const out = new MuxDecoder().push(wire);
    assert.deepEqual(
      out.map((f) => [f.connId, f.payload.length]),
      [
        [1, 10],
        [2, 20],
        [1, 5],
      ],
    );
    assert.deepEqual(out[1]!.payload, bytes(20, 2));
  });

  test("reassembles frames split at every position of a two-frame chunk", () => {
    const wire = concat([frame(1, bytes(7)), frame(2, bytes(9))]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const decoder = new MuxDecoder();
      const out = [...decoder.push(wire.subarray(0, cut)), ...decoder.push(wire.subarray(cut))];
      assert.deepEqual(
        out.map((f) => f.payload.length),
        [7, 9],
        `cut at ${cut}`,
      );
    }
  });

  test("returns a zero-length frame", () => {
    assert.deepEqual(new MuxDecoder().push(frame(1, new Uint8Array(0))), [{ connId: 1, payload: new Uint8Array(0) }]);
  });

  test("accepts a 5 MB frame as the runtime sends the rest of a big message", () => {
    const payload = bytes(5_000_000);
    const out = new MuxDecoder().push(frame(1, payload));
    assert.equal(out[0]!.payload.length, 5_000_000);
  });

  test("does not alias the caller's chunk", () => {
    const wire = frame(1, bytes(4));
    const [f] = new MuxDecoder().push(wire);
    wire.fill(0);
    assert.deepEqual(f!.payload, bytes(4));
  });

  test("fails on a length over the limit before the payload arrives, and stays failed", () => {
    const decoder = new MuxDecoder();
    const header = Buffer.alloc(MUX_HEADER_SIZE);
    header.writeUInt32BE(1, 0);
    header.writeUInt32BE(MAX_FRAME_PAYLOAD + 1, 4);
    const expected = {
      message: "[io] reading an NRI mux frame: payload length 67108865 exceeds the limit of 67108864 bytes",
    };
    let first: unknown;
    assert.throws(() => {
      try {
        decoder.push(header);
      } catch (err) {
        first = err;
        throw err;
      }
    }, expected);
    assert.throws(
      () => decoder.push(frame(1, bytes(3))),
      (err) => err === first,
    );
  });
});

describe("encodeMux", () => {
  test("a message over 4096 bytes becomes frames of at most 4096 payload bytes", () => {
    const message = bytes(10_000);
    const frames = encodeMux(2, message);
    assert.deepEqual(
      frames.map((f) => f.length - MUX_HEADER_SIZE),
      [4096, 4096, 1808],
    );
    for (const f of frames) assert.ok(f.length - MUX_HEADER_SIZE <= MAX_SEND_PAYLOAD);
    const back = new MuxDecoder().push(concat(frames));
    assert.ok(back.every((f) => f.connId === 2));
    assert.deepEqual(concat(back.map((f) => f.payload)), message);
  });

  test("a message of exactly 4096 bytes is one frame", () => {
    assert.equal(encodeMux(1, bytes(4096)).length, 1);
  });

  test("writes the header as big-endian connection id and length", () => {
    assert.deepEqual(Buffer.from(encodeMux(2, Uint8Array.of(0xaa))[0]!).toString("hex"), "0000000200000001aa");
  });

  test("an empty message makes no frame", () => {
    assert.deepEqual(encodeMux(1, new Uint8Array(0)), []);
  });
});
