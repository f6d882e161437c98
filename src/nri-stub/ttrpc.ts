// The ttrpc message codec for one logical connection's byte stream (containerd/ttrpc 1.x
// framing, unchanged from 1.2.5 to 1.2.7). Pure: no I/O, no timers.
//
// Invariants:
//  - The decoder checks a message's length against its limit before buffering it.
//  - The first error is sticky: every later push throws the same error object.
//  - Each returned payload is a fresh copy; nothing aliases the caller's chunks.
//  - The decoder does not interpret type or flags; the RPC layers do.
import { OciMetadataError } from "../core/errors.js";

// Message header, 10 bytes:
//   offset 0  uint32 BE  payload length (header excluded)
//   offset 4  uint32 BE  stream id (odd: initiated by the client)
//   offset 8  uint8      message type (1 request, 2 response, 3 data)
//   offset 9  uint8      flags (0 for the unary calls NRI makes)
/** Size of the message header in bytes. */
export const TTRPC_HEADER_SIZE = 10;
/** Offset of the uint32 payload length. */
export const TTRPC_LENGTH_OFFSET = 0;
/** Offset of the uint32 stream id. */
export const TTRPC_STREAM_ID_OFFSET = 4;
/** Offset of the uint8 message type. */
export const TTRPC_TYPE_OFFSET = 8;
/** Offset of the uint8 flags. */
export const TTRPC_FLAGS_OFFSET = 9;

/** ttrpc message types. NRI makes unary calls only: Request and Response. */
export const MessageType = { Request: 1, Response: 2, Data: 3 } as const;

/** gRPC status codes as ttrpc carries them in Response.status.code. */
export const StatusCode = {
  OK: 0,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  ResourceExhausted: 8,
  Unimplemented: 12,
  Internal: 13,
} as const;

/** The names of the status codes above, for messages. */
export function statusName(code: number): string {
  const entry = Object.entries(StatusCode).find(([, value]) => value === code);
  return entry ? entry[0] : `code ${code}`;
}

/**
 * Largest payload we accept. A ttrpc receiver's default is 4 MiB, but containerd 1.7.24
 * (ttrpc 1.2.5) has no send-side check and can send a larger SynchronizeRequest (NRI issue
 * #102, protocol notes §3.1/§8.7); 64 MiB accepts those while bounding memory.
 */
export const MAX_RECEIVE_PAYLOAD = 64 << 20;
/** Largest payload we send: the runtime rejects messages over 4 MiB on receive. */
export const MAX_SEND_PAYLOAD_TTRPC = 4 << 20;

/** One ttrpc message. */
export interface Message {
  streamId: number;
  type: number;
  flags: number;
  payload: Uint8Array;
}

/** Reassembles messages from one logical connection's byte stream, split anywhere. */
export class TtrpcDecoder {
  readonly #header = new Uint8Array(TTRPC_HEADER_SIZE);
  #headerFill = 0;
  #payload: Uint8Array | undefined;
  #payloadFill = 0;
  #error: OciMetadataError | undefined;

  constructor(private readonly maxPayload = MAX_RECEIVE_PAYLOAD) {}

  /** Consumes bytes and returns every message they complete (in order). Throws the sticky error. */
  push(bytes: Uint8Array): Message[] {
    if (this.#error) throw this.#error;
    const messages: Message[] = [];
    let at = 0;
    while (at < bytes.length) {
      if (this.#payload === undefined) {
        // (1) Fill the header; once complete, check the length before allocating.
        const take = Math.min(TTRPC_HEADER_SIZE - this.#headerFill, bytes.length - at);
        this.#header.set(bytes.subarray(at, at + take), this.#headerFill);
        this.#headerFill += take;
        at += take;
        if (this.#headerFill < TTRPC_HEADER_SIZE) break;
        this.#startMessage();
      } else {
        // (2) Fill the payload.
        const take = Math.min(this.#payload.length - this.#payloadFill, bytes.length - at);
        this.#payload.set(bytes.subarray(at, at + take), this.#payloadFill);
        this.#payloadFill += take;
        at += take;
      }
      // (3) Emit a complete message (an empty payload completes with its header).
      if (this.#payload !== undefined && this.#payloadFill === this.#payload.length) {
        messages.push(this.#finish(this.#payload));
      }
    }
    return messages;
  }

  // Reads the completed header and allocates the payload, or fails for good.
  #startMessage(): void {
    const length = new DataView(this.#header.buffer).getUint32(TTRPC_LENGTH_OFFSET);
    if (length > this.maxPayload) {
      this.#error = new OciMetadataError(
        "io",
        `reading a ttrpc message: payload length ${length} exceeds the limit of ${this.maxPayload} bytes`,
      );
      throw this.#error;
    }
    this.#payload = new Uint8Array(length);
    this.#payloadFill = 0;
  }

  #finish(payload: Uint8Array): Message {
    const view = new DataView(this.#header.buffer);
    this.#payload = undefined;
    this.#headerFill = 0;
    return {
      streamId: view.getUint32(TTRPC_STREAM_ID_OFFSET),
      type: view.getUint8(TTRPC_TYPE_OFFSET),
      flags: view.getUint8(TTRPC_FLAGS_OFFSET),
      payload,
    };
  }
}

/** Encodes one message: header + payload. Throws for a payload the peer would refuse. */
export function encodeTtrpc(msg: Message): Uint8Array {
  if (msg.payload.length > MAX_SEND_PAYLOAD_TTRPC) {
    throw new OciMetadataError(
      "io",
      `encoding a ttrpc message: payload of ${msg.payload.length} bytes exceeds the peer's limit of ${MAX_SEND_PAYLOAD_TTRPC} bytes`,
    );
  }
  const bytes = new Uint8Array(TTRPC_HEADER_SIZE + msg.payload.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(TTRPC_LENGTH_OFFSET, msg.payload.length);
  view.setUint32(TTRPC_STREAM_ID_OFFSET, msg.streamId);
  view.setUint8(TTRPC_TYPE_OFFSET, msg.type);
  view.setUint8(TTRPC_FLAGS_OFFSET, msg.flags);
  bytes.set(msg.payload, TTRPC_HEADER_SIZE);
  return bytes;
}
