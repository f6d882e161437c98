import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { afterEach, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { create, toBinary } from "@bufbuild/protobuf";
import { attachConnection, type NriConnection } from "../../../src/nri-stub/connection.js";
import { RequestSchema } from "../../../src/nri-stub/gen/ttrpc/ttrpc_pb.js";
import { type ServiceTable, statusError } from "../../../src/nri-stub/rpc-server.js";
import { encodeTtrpc, MessageType } from "../../../src/nri-stub/ttrpc.js";
import { type FakePeer, FakeRuntime, frame, tempSocket } from "./fake-runtime.js";

const TEST = "test.Svc";
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
let cleanups: (() => Promise<void> | void)[] = [];

// A connection attached to a client socket, and the fake runtime's side of it.
async function setup(
  services: ServiceTable,
  opts?: { maxQueuedBytes?: number },
): Promise<{ conn: NriConnection; peer: FakePeer; socket: Socket }> {
  const tmp = tempSocket();
  const rt = new FakeRuntime(tmp.path);
  await rt.listen();
  const socket = connect({ path: tmp.path });
  await new Promise((resolve) => socket.once("connect", resolve));
  const conn = attachConnection(socket, services, undefined, opts);
  const peer = await rt.accept();
  cleanups.push(async () => {
    conn.close();
    rt.close();
    tmp.cleanup();
  });
  return { conn, peer, socket };
}

afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

describe("NRI connection", () => {
  test("serves connection 1 and calls on connection 2 at once, replies matched out of order", async () => {
    const { conn, peer } = await setup({ [TEST]: { Echo: async (p) => (await sleep(dec(p) === "slow" ? 30 : 0), p) } });
    const served = [
      peer.call("Echo", enc("slow"), { service: TEST }),
      peer.call("Echo", enc("fast"), { service: TEST }),
    ];
    const calls = [conn.call("rt.Svc", "A", enc("a"), 1000), conn.call("rt.Svc", "B", enc("b"), 1000)];
    const [first, second] = [await peer.nextCall(), await peer.nextCall()];
    assert.deepEqual([first.streamId, first.method, second.streamId, second.method], [1, "A", 3, "B"]);
    peer.reply(3, { payload: enc("reply-b") });
    peer.reply(1, { payload: enc("reply-a") });
    assert.deepEqual((await Promise.all(calls)).map(dec), ["reply-a", "reply-b"]);
    assert.deepEqual(
      (await Promise.all(served)).map((r) => dec(r.payload)),
      ["slow", "fast"],
    );
  });

  test("answers an unknown service and an unknown method with Unimplemented and Go's message", async () => {
    const { peer } = await setup({ [TEST]: { Echo: (p) => p } });
    const svc = await peer.call("Echo", new Uint8Array(0), { service: "no.Such" });
    assert.deepEqual([svc.status?.code, svc.status?.message], [12, "service no.Such"]);
    const method = await peer.call("Foo", new Uint8Array(0), { service: TEST });
    assert.deepEqual([method.status?.code, method.status?.message], [12, "method Foo"]);
  });

  test("a handler error answers Unknown with its message, or the numeric code it carries", async () => {
    const { peer } = await setup({
      [TEST]: {
        Plain: () => Promise.reject(new Error("boom")),
        Coded: () => Promise.reject(statusError(4, "too slow")),
      },
    });
    const plain = await peer.call("Plain", new Uint8Array(0), { service: TEST });
    assert.deepEqual([plain.status?.code, plain.status?.message], [2, "boom"]);
    const coded = await peer.call("Coded", new Uint8Array(0), { service: TEST });
    assert.deepEqual([coded.status?.code, coded.status?.message], [4, "too slow"]);
  });

  test("accepts metadata and stream ids that skip; refuses even and reused ids with InvalidArgument", async () => {
    const seen: unknown[] = [];
    const { peer } = await setup({ [TEST]: { Echo: (p, info) => (seen.push(info.metadata, info.timeoutMs), p) } });
    const md = [{ key: "containerd-namespace-ttrpc", value: "k8s.io" }];
    const ok = await peer.call("Echo", enc("x"), {
      service: TEST,
      streamId: 5,
      metadata: md,
      timeoutNano: 1_957_000_000n,
    });
    assert.equal(dec(ok.payload), "x");
    assert.deepEqual(seen, [md, 1957]);
    const even = await peer.call("Echo", enc("x"), { service: TEST, streamId: 8 });
    assert.deepEqual(
      [even.status?.code, even.status?.message],
      [3, "StreamID must be odd for client initiated streams"],
    );
    const reused = await peer.call("Echo", enc("x"), { service: TEST, streamId: 5 });
    assert.deepEqual(
      [reused.status?.code, reused.status?.message],
      [3, "StreamID cannot be re-used and must increment"],
    );
    assert.equal(dec((await peer.call("Echo", enc("y"), { service: TEST, streamId: 11 })).payload), "y");
  });

  test("a timed-out call keeps its stream id; the next call uses the next odd id", async () => {
    const { conn, peer } = await setup({});
    await assert.rejects(conn.call("rt.Svc", "Slow", new Uint8Array(0), 20), {
      message: "[io] calling rt.Svc/Slow: no reply within 20 ms",
    });
    assert.equal((await peer.nextCall()).streamId, 1);
    peer.reply(1); // late: dropped
    const next = conn.call("rt.Svc", "Next", new Uint8Array(0), 1000);
    const call = await peer.nextCall();
    assert.deepEqual([call.streamId, call.method], [3, "Next"]);
    peer.reply(3, { status: { code: 2, message: 'invalid plugin index "1", must be 2 digits' } });
    await assert.rejects(next, {
      message: '[runtime] calling rt.Svc/Next: Unknown (2): invalid plugin index "1", must be 2 digits',
    });
  });

  test("writes a large reply in frames of at most 4096 payload bytes that hold no other message", async () => {
    const big = new Uint8Array(20_000).fill(7);
    const { peer } = await setup({ [TEST]: { Big: () => big, Small: () => enc("s") } });
    const replies = await Promise.all([
      peer.call("Big", new Uint8Array(0), { service: TEST }),
      peer.call("Small", new Uint8Array(0), { service: TEST }),
    ]);
    assert.deepEqual(replies[0]!.payload, big);
    const sizes = peer.frames.filter((f) => f.connId === 1).map((f) => f.payload.length);
    assert.ok(
      sizes.every((n) => n <= 4096),
      `frame sizes ${sizes}`,
    );
    assert.ok(sizes.length >= 6);
    // Walk the frames: each message starts at a frame start and ends at a frame end.
    let left = 0;
    for (const f of peer.frames.filter((f) => f.connId === 1)) {
      if (left === 0) left = 10 + new DataView(f.payload.buffer, f.payload.byteOffset).getUint32(0);
      left -= f.payload.length;
      assert.ok(left >= 0, "a frame crosses a message boundary");
    }
    assert.equal(left, 0);
  });

  test("accepts a 6 MB request framed as the runtime does (4096 bytes, then one frame with the rest)", async () => {
    const { peer } = await setup({ [TEST]: { Size: (p) => enc(String(p.length)) } });
    const res = await peer.call("Size", new Uint8Array(6_000_000), { service: TEST });
    assert.equal(dec(res.payload), "6000000");
  });

  test("a reply over the runtime's 4 MiB limit is answered with ResourceExhausted instead", async () => {
    const { peer } = await setup({ [TEST]: { Huge: () => new Uint8Array(5_000_000) } });
    const res = await peer.call("Huge", new Uint8Array(0), { service: TEST });
    assert.equal(res.status?.code, 8);
    assert.match(
      res.status?.message ?? "",
      /^encoding a ttrpc message: payload of 500\d{4} bytes exceeds the peer's limit of 4194304 bytes$/,
    );
  });

  test("serves a request whose bytes arrive one at a time", async () => {
    const { peer } = await setup({ [TEST]: { Echo: (p) => p } });
    const req = toBinary(RequestSchema, create(RequestSchema, { service: TEST, method: "Echo", payload: enc("hi") }));
    const wire = frame(1, encodeTtrpc({ streamId: 1, type: MessageType.Request, flags: 0, payload: req }));
    const answered = new Promise<void>((resolve) => peer.socket.on("data", () => resolve()));
    for (const b of wire) {
      peer.socket.write(Uint8Array.of(b));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await answered;
    assert.equal(peer.frames.length, 1);
    assert.equal(dec(peer.frames[0]!.payload.subarray(-2)), "hi");
  });

  test("an oversize frame closes the connection and rejects pending calls with the same error", async () => {
    const { conn, peer } = await setup({});
    const pending = conn.call("rt.Svc", "Wait", new Uint8Array(0), 5000);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(1, 0);
    header.writeUInt32BE(0xffffffff, 4);
    peer.socket.write(header);
    const err = await conn.closed;
    assert.equal(
      err.message,
      "[io] reading an NRI mux frame: payload length 4294967295 exceeds the limit of 67108864 bytes",
    );
    await assert.rejects(pending, (e) => e === err);
    await assert.rejects(conn.call("rt.Svc", "After", new Uint8Array(0), 5000), (e) => e === err);
    await peer.closed;
  });

  test("EOF from the runtime closes the connection", async () => {
    const { conn, peer } = await setup({});
    peer.socket.end();
    assert.equal((await conn.closed).message, "[io] NRI connection closed by the runtime (EOF)");
  });

  test("a Response on the served connection is a protocol error that closes it", async () => {
    const { conn, peer } = await setup({});
    peer.sendMessage(1, { streamId: 1, type: MessageType.Response, payload: new Uint8Array(0) });
    assert.equal((await conn.closed).message, "[io] serving ttrpc: unexpected message type 2 on stream 1");
  });

  test("a runtime that stops reading gets the connection closed, not an unbounded write queue (issue 9)", async () => {
    const limit = 1 << 20;
    const reply = new Uint8Array(64 << 10);
    let handled = 0;
    const { conn, peer, socket } = await setup(
      { [TEST]: { Big: async () => (handled++, reply) } },
      { maxQueuedBytes: limit },
    );
    peer.socket.pause(); // the runtime stops reading
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, socket.writableLength)), 1);
    const n = 64; // 4 MiB of replies, 4 x the limit
    for (let i = 0; i < n; i++) {
      const req = toBinary(
        RequestSchema,
        create(RequestSchema, { service: TEST, method: "Big", payload: new Uint8Array(0) }),
      );
      peer.socket.write(
        frame(1, encodeTtrpc({ streamId: 2 * i + 1, type: MessageType.Request, flags: 0, payload: req })),
      );
    }
    const closed = await Promise.race([
      conn.closed,
      (async () => {
        while (handled < n) await sleep(5);
        await sleep(50);
        return undefined;
      })(),
    ]);
    clearInterval(watch);
    peak = Math.max(peak, socket.writableLength);
    assert.ok(closed, `closed while ${socket.writableLength} bytes were queued (peak ${peak})`);
    assert.match(closed.message, /the runtime stopped reading/);
    assert.ok(peak <= limit + reply.length + 1024, `queue peaked at ${peak} bytes (limit ${limit})`);
  });
});
