// A fake NRI runtime for tests: listens on a unix socket in a short temp dir and plays
// containerd's side of each accepted connection with the same framing (ttrpc client on mux
// connection 1, server on connection 2). It frames its writes like the runtime's Go writer:
// one frame with the first 4096 bytes of a message, one frame with the rest.
// Socket paths stay short: sun_path holds at most 107 bytes.

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { RequestSchema, type Response, ResponseSchema } from "../../../src/nri-stub/gen/ttrpc/ttrpc_pb.js";
import { type Frame, MuxDecoder } from "../../../src/nri-stub/mux.js";
import { MessageType, TtrpcDecoder } from "../../../src/nri-stub/ttrpc.js";

export const PLUGIN = "nri.pkg.api.v1alpha1.Plugin";
export const RUNTIME = "nri.pkg.api.v1alpha1.Runtime";

/** A short temp dir and a socket path in it; `cleanup` removes both. */
export function tempSocket(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "nri-"));
  return { path: join(dir, "s.sock"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A request the plugin made on connection 2. */
export interface PluginCall {
  streamId: number;
  service: string;
  method: string;
  payload: Uint8Array;
  timeoutNano: bigint;
}

/** Options of one runtime → plugin call. */
export interface CallOptions {
  service?: string;
  streamId?: number;
  timeoutNano?: bigint;
  metadata?: { key: string; value: string }[];
}

/** The runtime's side of one accepted connection. */
export class FakePeer {
  readonly raw: Uint8Array[] = [];
  readonly frames: Frame[] = [];
  readonly closed: Promise<void>;
  #nextStreamId = 1;
  readonly #mux = new MuxDecoder();
  readonly #fromServer = new TtrpcDecoder();
  readonly #fromClient = new TtrpcDecoder();
  readonly #replies = new Map<number, (res: Response) => void>();
  readonly #calls: PluginCall[] = [];
  #callWaiters: ((call: PluginCall) => void)[] = [];

  constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
  }

  /** Every byte the plugin wrote so far. */
  bytes(): Uint8Array {
    return Buffer.concat(this.raw);
  }

  /** The next request the plugin sends on connection 2. */
  nextCall(): Promise<PluginCall> {
    const queued = this.#calls.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#callWaiters.push(resolve));
  }

  /** Answers a plugin request (empty OK by default). */
  reply(streamId: number, res: { payload?: Uint8Array; status?: { code: number; message: string } } = {}): void {
    this.sendMessage(2, {
      streamId,
      type: MessageType.Response,
      payload: toBinary(ResponseSchema, create(ResponseSchema, res)),
    });
  }

  /** Calls the plugin on connection 1 and resolves with its decoded Response. */
  call(method: string, payload: Uint8Array, opts: CallOptions = {}): Promise<Response> {
    const streamId = opts.streamId ?? this.#nextStreamId;
    this.#nextStreamId = streamId + 2;
    const req = create(RequestSchema, {
      service: opts.service ?? PLUGIN,
      method,
      payload,
      timeoutNano: opts.timeoutNano ?? 2_000_000_000n,
      metadata: opts.metadata ?? [],
    });
    const answered = new Promise<Response>((resolve) => this.#replies.set(streamId, resolve));
    this.sendMessage(1, { streamId, type: MessageType.Request, payload: toBinary(RequestSchema, req) });
    return answered;
  }

  /**
   * Sends one ttrpc message on `connId`, framed as Go does: 4096 bytes, then the rest. The
   * header is built here, without our encoder's 4 MiB send limit: containerd 1.7.24 has none.
   */
  sendMessage(connId: number, msg: { streamId: number; type: number; payload: Uint8Array }): void {
    const bytes = Buffer.alloc(10 + msg.payload.length);
    bytes.writeUInt32BE(msg.payload.length, 0);
    bytes.writeUInt32BE(msg.streamId, 4);
    bytes.writeUInt8(msg.type, 8);
    bytes.set(msg.payload, 10);
    for (const part of [bytes.subarray(0, 4096), bytes.subarray(4096)]) {
      if (part.length > 0) this.socket.write(frame(connId, part));
    }
  }

  #onData(chunk: Uint8Array): void {
    this.raw.push(Uint8Array.from(chunk));
    for (const f of this.#mux.push(chunk)) {
      this.frames.push(f);
      const decoder = f.connId === 1 ? this.#fromServer : this.#fromClient;
      for (const msg of decoder.push(f.payload)) {
        if (f.connId === 1) this.#replies.get(msg.streamId)?.(fromBinary(ResponseSchema, msg.payload));
        else this.#onCall(msg.streamId, msg.payload);
      }
    }
  }

  #onCall(streamId: number, payload: Uint8Array): void {
    const req = fromBinary(RequestSchema, payload);
    const call = {
      streamId,
      service: req.service,
      method: req.method,
      payload: req.payload,
      timeoutNano: req.timeoutNano,
    };
    const waiter = this.#callWaiters.shift();
    if (waiter) waiter(call);
    else this.#calls.push(call);
  }
}

/** One mux frame: header + payload (any size, unlike our own writer). */
export function frame(connId: number, payload: Uint8Array): Uint8Array {
  const out = Buffer.alloc(8 + payload.length);
  out.writeUInt32BE(connId, 0);
  out.writeUInt32BE(payload.length, 4);
  out.set(payload, 8);
  return out;
}

/** Listens like the runtime: removes a stale socket file first, then accepts plugins. */
export class FakeRuntime {
  #server: Server | undefined;
  #waiters: ((peer: FakePeer) => void)[] = [];
  readonly #peers: FakePeer[] = [];

  constructor(readonly path: string) {}

  /** Starts listening (again), recreating the socket file. */
  async listen(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((socket) => this.#onConnection(new FakePeer(socket)));
    await new Promise<void>((resolve) => server.listen(this.path, resolve));
    this.#server = server;
  }

  /** The next accepted connection. */
  accept(): Promise<FakePeer> {
    const queued = this.#peers.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops listening and removes the socket file (existing connections stay). */
  close(): void {
    const server = this.#server;
    this.#server = undefined;
    server?.close(); // stops accepting now; its callback would wait for open connections
    rmSync(this.path, { force: true });
  }

  #onConnection(peer: FakePeer): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(peer);
    else this.#peers.push(peer);
  }
}
