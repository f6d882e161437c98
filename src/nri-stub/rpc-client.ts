// The ttrpc client side of one logical connection (NRI: the runtime service on mux connection
// 2, where the plugin registers). Knows envelopes, stream ids and pending calls; the socket
// glue feeds it decoded messages and gives it a `send`.
//
// Invariants:
//  - Stream ids are odd, start at 1 and strictly increase for the life of the client (one
//    client per connection); a timed-out call never frees its id (protocol notes §3.2, §8.8).
//  - Replies are matched by stream id, in any order; a reply for no pending call is dropped.
//  - The deadline is enforced locally and not sent as timeout_nano, so a call's bytes are
//    exactly service, method and payload (protocol notes §10).
//  - After `fail`, every pending and later call rejects with that first error.
//  - A message that is not a Response is a protocol error: `handle` throws, the caller closes.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { OciMetadataError } from "../core/errors.js";
import { RequestSchema, ResponseSchema } from "./gen/ttrpc/ttrpc_pb.js";
import { encodeTtrpc, type Message, MessageType, statusName } from "./ttrpc.js";

interface Pending {
  what: string;
  resolve: (payload: Uint8Array) => void;
  reject: (err: OciMetadataError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Makes unary calls over one logical connection. */
export class RpcClient {
  #nextStreamId = 1;
  readonly #pending = new Map<number, Pending>();
  #error: OciMetadataError | undefined;

  constructor(private readonly send: (bytes: Uint8Array) => void) {}

  /** Calls `service/method`; resolves with the reply payload, rejects on a non-OK status or timeout. */
  call(service: string, method: string, payload: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const what = `calling ${service}/${method}`;
    if (this.#error) return Promise.reject(this.#error);
    const streamId = this.#nextStreamId;
    this.#nextStreamId += 2;
    const body = toBinary(RequestSchema, create(RequestSchema, { service, method, payload }));
    let bytes: Uint8Array;
    try {
      bytes = encodeTtrpc({ streamId, type: MessageType.Request, flags: 0, payload: body });
    } catch (err) {
      return Promise.reject(OciMetadataError.from(err));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(streamId);
        reject(new OciMetadataError("io", `${what}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(streamId, { what, resolve, reject, timer });
      this.send(bytes);
    });
  }

  /** Settles the call a Response belongs to; returns false when no call was waiting for it. */
  handle(msg: Message): boolean {
    if (msg.type !== MessageType.Response) {
      throw new OciMetadataError(
        "io",
        `calling over ttrpc: unexpected message type ${msg.type} on stream ${msg.streamId}`,
      );
    }
    const call = this.#pending.get(msg.streamId);
    if (!call) return false;
    this.#pending.delete(msg.streamId);
    clearTimeout(call.timer);
    let res: ReturnType<typeof fromBinary<typeof ResponseSchema>>;
    try {
      res = fromBinary(ResponseSchema, msg.payload);
    } catch (err) {
      call.reject(
        new OciMetadataError("io", `${call.what}: undecodable response: ${OciMetadataError.from(err).rawMessage}`, {
          cause: err,
        }),
      );
      return true;
    }
    const code = res.status?.code ?? 0;
    if (code === 0) call.resolve(res.payload);
    else
      call.reject(
        new OciMetadataError("runtime", `${call.what}: ${statusName(code)} (${code}): ${res.status?.message ?? ""}`),
      );
    return true;
  }

  /** Rejects every pending call, and every later one, with `err` (the first one wins). */
  fail(err: OciMetadataError): void {
    this.#error ??= err;
    for (const call of this.#pending.values()) {
      clearTimeout(call.timer);
      call.reject(this.#error);
    }
    this.#pending.clear();
  }
}
