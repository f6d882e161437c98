// The ttrpc server side of one logical connection (NRI: the plugin service on mux connection
// 1, called by the runtime). Knows envelopes and dispatch; the socket glue feeds it decoded
// messages and gives it a `send`.
//
// Invariants:
//  - Every Request gets exactly one Response on its own stream id, unless the connection
//    closed meanwhile (then `send` drops it).
//  - Stream ids must be odd and increasing; gaps are fine (ttrpc 1.2.7 uses up an id when it
//    refuses an oversized send locally, protocol notes §12.3). Violations are answered with
//    InvalidArgument, as the Go server does, and do not close the connection.
//  - Unknown service → Unimplemented `service <name>`; unknown method → `method <name>`.
//  - A handler error becomes its numeric `code` (1..16) if it carries one, else Unknown (2).
//  - A message that is not a Request is a protocol error: `handle` throws, the caller closes.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { OciMetadataError } from "../core/errors.js";
import { type KeyValue, RequestSchema, ResponseSchema } from "./gen/ttrpc/ttrpc_pb.js";
import { encodeTtrpc, type Message, MessageType, StatusCode } from "./ttrpc.js";

/** What a handler learns about the request besides its payload. */
export interface RequestInfo {
  /** Epoch ms when the request was decoded. */
  receivedAt: number;
  /** The request's relative deadline in ms (timeout_nano), 0 when it has none. */
  timeoutMs: number;
  /** ttrpc metadata (containerd sends `containerd-namespace-ttrpc` on event calls). */
  metadata: { key: string; value: string }[];
}

/** A unary method: request payload bytes → reply payload bytes. */
export type MethodHandler = (payload: Uint8Array, info: RequestInfo) => Uint8Array | Promise<Uint8Array>;

/** Handlers by fully qualified service name, then method name. */
export type ServiceTable = Record<string, Record<string, MethodHandler>>;

/** Serves the requests of one logical connection. */
export class RpcServer {
  #lastStreamId = 0;

  constructor(
    private readonly services: ServiceTable,
    private readonly send: (bytes: Uint8Array) => void,
  ) {}

  /** Handles one decoded message; the reply is sent when the handler settles. */
  handle(msg: Message, now = Date.now()): void {
    if (msg.type !== MessageType.Request) {
      throw new OciMetadataError("io", `serving ttrpc: unexpected message type ${msg.type} on stream ${msg.streamId}`);
    }
    if (msg.streamId % 2 === 0)
      return this.#status(
        msg.streamId,
        StatusCode.InvalidArgument,
        "StreamID must be odd for client initiated streams",
      );
    if (msg.streamId <= this.#lastStreamId)
      return this.#status(msg.streamId, StatusCode.InvalidArgument, "StreamID cannot be re-used and must increment");
    this.#lastStreamId = msg.streamId;
    let req: ReturnType<typeof fromBinary<typeof RequestSchema>>;
    try {
      req = fromBinary(RequestSchema, msg.payload);
    } catch (err) {
      return this.#status(
        msg.streamId,
        StatusCode.InvalidArgument,
        `unmarshal request error: ${OciMetadataError.from(err).rawMessage}`,
      );
    }
    const service = this.services[req.service];
    if (!service) return this.#status(msg.streamId, StatusCode.Unimplemented, `service ${req.service}`);
    const method = Object.hasOwn(service, req.method) ? service[req.method] : undefined;
    if (!method) return this.#status(msg.streamId, StatusCode.Unimplemented, `method ${req.method}`);
    const info: RequestInfo = {
      receivedAt: now,
      timeoutMs: Number(req.timeoutNano / 1_000_000n),
      metadata: req.metadata.map(pair),
    };
    Promise.resolve()
      .then(() => method(req.payload, info))
      .then(
        (payload) => this.#reply(msg.streamId, payload),
        (err: unknown) => this.#status(msg.streamId, codeOf(err), messageOf(err)),
      );
  }

  // Sends a successful Response; a reply too big for the peer becomes ResourceExhausted.
  #reply(streamId: number, payload: Uint8Array): void {
    let bytes: Uint8Array;
    try {
      bytes = encodeTtrpc({
        streamId,
        type: MessageType.Response,
        flags: 0,
        payload: toBinary(ResponseSchema, create(ResponseSchema, { payload })),
      });
    } catch (err) {
      return this.#status(streamId, StatusCode.ResourceExhausted, OciMetadataError.from(err).rawMessage);
    }
    this.send(bytes);
  }

  #status(streamId: number, code: number, message: string): void {
    const body = toBinary(ResponseSchema, create(ResponseSchema, { status: { code, message } }));
    this.send(encodeTtrpc({ streamId, type: MessageType.Response, flags: 0, payload: body }));
  }
}

/** An error that a handler throws to answer with a specific status code. */
export function statusError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function pair(kv: KeyValue): { key: string; value: string } {
  return { key: kv.key, value: kv.value };
}

// A numeric gRPC code carried by the error, else Unknown.
function codeOf(err: unknown): number {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === "number" && Number.isInteger(code) && code >= 1 && code <= 16 ? code : StatusCode.Unknown;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
