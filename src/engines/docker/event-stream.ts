// One subscription to dockerd's event stream over its unix socket. `onOpen` runs once dockerd
// has answered 200 (the subscription is live: from here on no event is missed), `onEvent` for
// every decoded event. Resolves when dockerd ends the stream (it stopped), rejects when the
// socket cannot be reached or answers an error; the caller reconnects.
import { request } from "node:http";
import { OciMetadataError } from "../../core/errors.js";
import { createEventDecoder } from "./pure/docker-events.js";

export interface EventStreamHandlers {
  onOpen(): void;
  onEvent(event: unknown): void;
}

/** Streams `path` (an /events query) until the connection ends; `signal` closes it. */
export function streamEvents(
  socketPath: string,
  path: string,
  handlers: EventStreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (msg: string, cause?: unknown) =>
      reject(new OciMetadataError("io", `GET ${path.split("?")[0]} on ${socketPath}: ${msg}`, { cause }));
    const req = request({ socketPath, path, method: "GET", headers: { Host: "docker" }, signal }, (res) => {
      if ((res.statusCode ?? 500) >= 300) {
        res.resume();
        return fail(`HTTP ${res.statusCode}`);
      }
      handlers.onOpen();
      const decoder = createEventDecoder();
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        for (const event of decoder.push(chunk)) handlers.onEvent(event);
      });
      res.on("end", () => resolve());
      res.on("error", (err) => (signal.aborted ? resolve() : fail(err.message, err)));
    });
    req.on("error", (err) => (signal.aborted ? resolve() : fail(err.message, err)));
    req.end();
  });
}
