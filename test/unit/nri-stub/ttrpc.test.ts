import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  encodeTtrpc,
  MAX_RECEIVE_PAYLOAD,
  MAX_SEND_PAYLOAD_TTRPC,
  MessageType,
  StatusCode,
  statusName,
  TTRPC_HEADER_SIZE,
  TtrpcDecoder,
} from "../../../src/nri-stub/ttrpc.js";

const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);

describe("ttrpc codec", () => {
  test("the header is length, stream id, type and flags", () => {
    const wire = encodeTtrpc({ streamId: 1, type: MessageType.Request, flags: 0, payload: new Uint8Array(59) });
    assert.equal(Buffer.from(wire.subarray(0, TTRPC_HEADER_SIZE)).toString("hex"), "0000003b000000010100");
  });

  test("a message round-trips through encodeTtrpc and TtrpcDecoder", () => {
    const msg = { streamId: 0xfffffffd, type: MessageType.Data, flags: 0x05, payload: payload(33) };
    assert.deepEqual(new TtrpcDecoder().push(encodeTtrpc(msg)), [msg]);
  });

  test("a message split at any position is reassembled", () => {
    const wire = encodeTtrpc({ streamId: 3, type: MessageType.Response, flags: 0, payload: payload(40) });
    for (let cut = 0; cut <= wire.length; cut++) {
      const decoder = new TtrpcDecoder();
      const out = [...decoder.push(wire.subarray(0, cut)), ...decoder.push(wire.subarray(cut))];
      assert.equal(out.length, 1, `cut at ${cut}`);
      assert.deepEqual(out[0]!.payload, payload(40));
    }
  });

  test("a message fed one byte at a time is reassembled", () => {
    const wire = encodeTtrpc({ streamId: 5, type: MessageType.Request, flags: 0, payload: payload(300) });
    const decoder = new TtrpcDecoder();
    const out = [];
    for (const b of wire) out.push(...decoder.push(Uint8Array.of(b)));
    assert.deepEqual(
      out.map((m) => [m.streamId, m.payload.length]),
      [[5, 300]],
    );
  });

  test("several messages in one push come out in order, empty payloads included", () => {
    const a = encodeTtrpc({ streamId: 1, type: MessageType.Response, flags: 0, payload: new Uint8Array(0) });
    const b = encodeTtrpc({ streamId: 3, type: MessageType.Response, flags: 0, payload: payload(2) });
    const out = new TtrpcDecoder().push(Buffer.concat([a, b, a]));
    assert.deepEqual(
      out.map((m) => [m.streamId, m.payload.length]),
      [
        [1, 0],
        [3, 2],
        [1, 0],
      ],
    );
  });

  test("accepts a message well above ttrpc's 4 MiB default on receive", () => {
    const big = new Uint8Array(TTRPC_HEADER_SIZE + 6_000_000);
    new DataView(big.buffer).setUint32(0, 6_000_000);
    new DataView(big.buffer).setUint32(4, 3);
    big[8] = MessageType.Request;
    assert.equal(new TtrpcDecoder().push(big)[0]!.payload.length, 6_000_000);
  });

  test("a length over the limit is a sticky error", () => {
    const decoder = new TtrpcDecoder();
    const header = new Uint8Array(TTRPC_HEADER_SIZE);
    new DataView(header.buffer).setUint32(0, MAX_RECEIVE_PAYLOAD + 1);
    const expected = "[io] reading a ttrpc message: payload length 67108865 exceeds the limit of 67108864 bytes";
    assert.throws(() => decoder.push(header), { message: expected });
    assert.throws(() => decoder.push(encodeTtrpc({ streamId: 1, type: 1, flags: 0, payload: payload(1) })), {
      message: expected,
    });
  });

  test("refuses to encode a payload the runtime would refuse (over 4 MiB)", () => {
    assert.throws(
      () => encodeTtrpc({ streamId: 1, type: 2, flags: 0, payload: new Uint8Array(MAX_SEND_PAYLOAD_TTRPC + 1) }),
      {
        message: "[io] encoding a ttrpc message: payload of 4194305 bytes exceeds the peer's limit of 4194304 bytes",
      },
    );
  });

  test("message types and status codes have their wire values", () => {
    assert.deepEqual(MessageType, { Request: 1, Response: 2, Data: 3 });
    assert.deepEqual(
      [
        StatusCode.OK,
        StatusCode.Unknown,
        StatusCode.InvalidArgument,
        StatusCode.DeadlineExceeded,
        StatusCode.Unimplemented,
        StatusCode.Internal,
      ],
      [0, 2, 3, 4, 12, 13],
    );
    assert.equal(statusName(12), "Unimplemented");
    assert.equal(statusName(14), "code 14");
  });
});
