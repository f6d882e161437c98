// The NRI multiplexer's frame codec: one unix stream socket carries several logical
// connections, each an ordered byte stream cut into frames. Pure: no I/O, no timers.
//
// Invariants:
//  - The decoder checks a frame's length against MAX_FRAME_PAYLOAD before buffering it.
//  - The first error is sticky: every later push throws the same error object.
//  - Each returned payload is a fresh copy; nothing aliases the caller's chunks.
//  - encodeMux never puts bytes of two messages in one frame and never writes a frame with
//    more than MAX_SEND_PAYLOAD bytes (the runtime's reader fails on bigger ones: its Go
//    mux reads each frame into a 4096-byte bufio buffer and returns ENOMEM otherwise, NRI
//    v0.6.1 and v0.8.0 pkg/net/multiplex/mux.go, containerd/nri issue #102).
import { OciMetadataError } from "../core/errors.js";

// Frame header, 8 bytes, big-endian:
//   offset 0  uint32  connection id (0 is reserved; 1 = plugin service, 2 = runtime service)
//   offset 4  uint32  payload length N
//   offset 8  N bytes payload (any slice of that connection's byte stream)
/** Size of the frame header in bytes. */
export const MUX_HEADER_SIZE = 8;
/** Offset of the uint32 connection id. */
export const MUX_CONN_ID_OFFSET = 0;
/** Offset of the uint32 payload length. */
export const MUX_LENGTH_OFFSET = 4;

/** Logical connection on which the runtime calls the plugin (the plugin is the ttrpc server). */
export const PLUGIN_SERVICE_CONN = 1;
/** Logical connection on which the plugin calls the runtime (the plugin is the ttrpc client). */
export const RUNTIME_SERVICE_CONN = 2;

/** Largest frame payload we send: the runtime's per-connection read buffer. */
export const MAX_SEND_PAYLOAD = 4096;
/**
 * Largest frame payload we accept. The runtime sends a message over 4096 bytes as one
 * 4096-byte frame plus one frame with the whole rest (3.8 MB seen live in a split sync;
 * its writer caps frames at 4 MiB + 10 in NRI v0.8.0 and 16 MiB in v0.6.1); 64 MiB leaves
 * room for v0.6.1's unsplit syncs above 4 MiB while bounding memory.
 */
export const MAX_FRAME_PAYLOAD = 64 << 20;

/** One frame's payload and the logical connection it belongs to. */
export interface Frame {
  connId: number;
  payload: Uint8Array;
}

/** Reassembles frames from socket chunks split or coalesced anywhere. */
export class MuxDecoder {
  readonly #header = new Uint8Array(MUX_HEADER_SIZE);
  #headerFill = 0;
  #connId = 0;
  #payload: Uint8Array | undefined;
  #payloadFill = 0;
  #error: OciMetadataError | undefined;

  constructor(private readonly maxPayload = MAX_FRAME_PAYLOAD) {}

  /** Consumes a chunk and returns every frame it completes (in order). Throws the sticky error. */
  push(chunk: Uint8Array): Frame[] {
    if (this.#error) throw this.#error;
    const frames: Frame[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#payload === undefined) {
        // (1) Fill the header; once complete, check the length before allocating.
        const take = Math.min(MUX_HEADER_SIZE - this.#headerFill, chunk.length - at);
        this.#header.set(chunk.subarray(at, at + take), this.#headerFill);
        this.#headerFill += take;
        at += take;
        if (this.#headerFill < MUX_HEADER_SIZE) break;
        this.#startFrame();
      } else {
        // (2) Fill the payload.
        const take = Math.min(this.#payload.length - this.#payloadFill, chunk.length - at);
        this.#payload.set(chunk.subarray(at, at + take), this.#payloadFill);
        this.#payloadFill += take;
        at += take;
      }
      // (3) Emit a complete frame (zero-length frames complete at once).
      if (this.#payload !== undefined && this.#payloadFill === this.#payload.length) {
        frames.push({ connId: this.#connId, payload: this.#payload });
        this.#payload = undefined;
        this.#headerFill = 0;
      }
    }
    return frames;
  }

  // Reads the completed header and allocates the payload, or fails for good.
  #startFrame(): void {
    const view = new DataView(this.#header.buffer);
    const length = view.getUint32(MUX_LENGTH_OFFSET);
    if (length > this.maxPayload) {
      this.#error = new OciMetadataError(
        "io",
        `reading an NRI mux frame: payload length ${length} exceeds the limit of ${this.maxPayload} bytes`,
      );
      throw this.#error;
    }
    this.#connId = view.getUint32(MUX_CONN_ID_OFFSET);
    this.#payload = new Uint8Array(length);
    this.#payloadFill = 0;
  }
}

/**
 * Frames one whole message (or any byte run that must not share a frame) for `connId`:
 * frames of at most MAX_SEND_PAYLOAD bytes, each header + payload in one array.
 */
export function encodeMux(connId: number, bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += MAX_SEND_PAYLOAD) {
    const part = bytes.subarray(at, Math.min(at + MAX_SEND_PAYLOAD, bytes.length));
    const frame = new Uint8Array(MUX_HEADER_SIZE + part.length);
    const view = new DataView(frame.buffer);
    view.setUint32(MUX_CONN_ID_OFFSET, connId);
    view.setUint32(MUX_LENGTH_OFFSET, part.length);
    frame.set(part, MUX_HEADER_SIZE);
    frames.push(frame);
  }
  return frames;
}
