// Socket glue: one connected stream socket to an NRI runtime, demultiplexed into the plugin
// service (mux connection 1, we serve) and the runtime service (connection 2, we call).
//
// Invariants:
//  - Serving starts at once: handlers are in place before anything is written or read.
//  - Each message goes out as one socket write of frames of at most 4096 payload bytes,
//    never sharing a frame with another message (mux.ts).
//  - The first error (malformed frame or message, protocol violation, socket error, EOF,
//    explicit close) is kept; it closes the socket, rejects every pending and later call,
//    and resolves `closed`. Nothing is written after that.
//  - Frames for connection ids other than 1 and 2 are dropped, as the runtime's mux does.
//  - At most MAX_QUEUED_BYTES wait to be written: a runtime that stops reading gets the
//    connection closed (socket destroyed, the queue freed), not a plugin that grows forever.
import type { Socket } from "node:net";
import { OciMetadataError } from "../core/errors.js";
import { encodeMux, MuxDecoder, PLUGIN_SERVICE_CONN, RUNTIME_SERVICE_CONN } from "./mux.js";
import { RpcClient } from "./rpc-client.js";
import { RpcServer, type ServiceTable } from "./rpc-server.js";
import { TtrpcDecoder } from "./ttrpc.js";

/** Structured log sink (pino-like). */
export type LogFn = (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;

/** A live NRI connection: serving on connection 1, calling on connection 2. */
export interface NriConnection {
  /** Calls the runtime (connection 2); rejects on a non-OK status, timeout or close. */
  call(service: string, method: string, payload: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Closes everything; idempotent, the first reason is kept. Pending writes are flushed first. */
  close(reason?: OciMetadataError): void;
  /** Resolves with the first error once the connection is closed. */
  readonly closed: Promise<OciMetadataError>;
}

/** How long a closing socket may take to flush before it is destroyed. */
const FLUSH_GRACE_MS = 1000;
/** Bytes we let wait for the runtime to read before we give up on it (issue 9: 347 MB after
 * 300k unread replies). Far above anything a live runtime leaves unread: a reply is a few KB,
 * and the runtime waits for each one. */
export const MAX_QUEUED_BYTES = 16 << 20;

/** Options of attachConnection. */
export interface ConnectionOptions {
  /** Close the connection when more than this many bytes wait to be written. */
  maxQueuedBytes?: number;
}

/** Takes over a connected socket: serves `services` on connection 1, calls on connection 2. */
export function attachConnection(
  socket: Socket,
  services: ServiceTable,
  log: LogFn = () => {},
  opts: ConnectionOptions = {},
): NriConnection {
  const maxQueued = opts.maxQueuedBytes ?? MAX_QUEUED_BYTES;
  let error: OciMetadataError | undefined;
  let settle: (err: OciMetadataError) => void = () => {};
  const closed = new Promise<OciMetadataError>((resolve) => (settle = resolve));
  const mux = new MuxDecoder();

  const writer = (connId: number) => (bytes: Uint8Array) => {
    if (error || socket.destroyed) return;
    const out = concat(encodeMux(connId, bytes));
    // A runtime that stops reading: close rather than buffer without limit (nothing queued
    // would ever be read; the plugin reconnects and Synchronize catches up).
    if (socket.writableLength + out.length > maxQueued) {
      const why = `NRI connection: the runtime stopped reading (${socket.writableLength} bytes queued, limit ${maxQueued}); closing`;
      close(new OciMetadataError("io", why), { flush: false });
      return;
    }
    socket.write(out);
  };
  const server = new RpcServer(services, writer(PLUGIN_SERVICE_CONN));
  const client = new RpcClient(writer(RUNTIME_SERVICE_CONN));
  const decoders = new Map([
    [PLUGIN_SERVICE_CONN, new TtrpcDecoder()],
    [RUNTIME_SERVICE_CONN, new TtrpcDecoder()],
  ]);

  function close(reason = new OciMetadataError("io", "NRI connection closed"), how = { flush: true }): void {
    if (error) return;
    error = reason;
    client.fail(reason);
    if (!how.flush) {
      socket.destroy(); // what is queued would never be read: free it now
      settle(reason);
      return;
    }
    socket.end();
    const timer = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS).unref();
    socket.once("close", () => clearTimeout(timer));
    if (socket.destroyed) clearTimeout(timer);
    settle(reason);
  }

  // (1) socket bytes → mux frames, (2) frames → ttrpc messages per connection,
  // (3) messages → server (connection 1) or client (connection 2).
  function onData(chunk: Uint8Array): void {
    if (error) return;
    try {
      for (const frame of mux.push(chunk)) {
        const decoder = decoders.get(frame.connId);
        if (!decoder) {
          log("debug", "NRI: dropped a frame for an unknown connection", {
            connId: frame.connId,
            bytes: frame.payload.length,
          });
          continue;
        }
        for (const msg of decoder.push(frame.payload)) {
          if (error) return;
          if (frame.connId === PLUGIN_SERVICE_CONN) server.handle(msg);
          else if (!client.handle(msg))
            log("debug", "NRI: dropped a reply for no pending call", { streamId: msg.streamId });
        }
      }
    } catch (err) {
      close(OciMetadataError.from(err));
    }
  }

  socket.on("data", onData);
  socket.on("end", () => close(new OciMetadataError("io", "NRI connection closed by the runtime (EOF)")));
  socket.on("error", (err) => close(new OciMetadataError("io", `NRI connection: ${err.message}`, { cause: err })));
  socket.on("close", () => close(new OciMetadataError("io", "NRI connection closed")));

  return {
    call: (service, method, payload, timeoutMs) => client.call(service, method, payload, timeoutMs),
    close,
    closed,
  };
}

// Joins a message's frames so one write carries them all.
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
