// The plugin side of NRI: a plain object of optional handlers in, a connected, registered
// and configured plugin out. The door sees pods, containers and adjustments, never a frame.
//
// Invariants:
//  - createStub refuses bad options and a plugin with no event handler (mask 0 = everything).
//  - start() (1) connects, (2) serves the plugin service at once, (3) calls RegisterPlugin
//    (5 s) and (4) resolves only when RegisterPlugin is answered OK *and* Configure has been
//    handled, in either order (both were seen live, protocol notes §12.3). Any failure closes
//    the connection and rejects.
//  - run() restarts after every loss with exponential backoff (min..max, back to min after a
//    successful start), and wakes early when the socket file appears in its dir (a restarted
//    runtime is joined at once, not a backoff later); it resolves once stop() is called.
//    Call start() or run(), not both. A failure to connect is logged at warn when it differs
//    from the previous one (with options.hint's advice), else at debug.
//  - With options.fd (a socket the runtime passed, NRI_PLUGIN_SOCKET) start() uses it and
//    run() does not reconnect: a runtime-launched plugin ends with its connection.
//  - stop() is final: it closes the live connection and wakes run() from its backoff.
import { existsSync, type FSWatcher, watch } from "node:fs";
import { connect as netConnect, Socket } from "node:net";
import { basename, dirname } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { describeValue, OciMetadataError, wrap } from "../core/errors.js";
import { NRI_PLUGIN_IDX_PATTERN, NRI_PLUGIN_NAME_PATTERN } from "../core/nri-plugin-name.js";
import { attachConnection, type LogFn, type NriConnection } from "./connection.js";
import { eventMask } from "./events.js";
import { RegisterPluginRequestSchema, Runtime } from "./gen/nri/api_pb.js";
import type { NriHandlers } from "./handlers.js";
import { PLUGIN_SERVICE, pluginMethods } from "./plugin-service.js";

/** Where and as whom to connect. */
export interface StubOptions {
  socketPath: string; // default /var/run/nri/nri.sock at the caller
  pluginName: string;
  pluginIdx: string; // exactly 2 digits
  /** Structured log sink (the caller passes pino-like functions); no console output. */
  log?: (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
  reconnect?: { minMs: number; maxMs: number }; // backoff for run()
  /** A connected socket's fd from the runtime (NRI_PLUGIN_SOCKET): no dialling, no reconnect. */
  fd?: number;
  /** Told when the plugin starts connecting, is registered and configured, or loses the connection. */
  onState?: (state: "connecting" | "registered" | "lost") => void;
  /** Advice for a failed connect, by errno (ENOENT, ECONNREFUSED, EACCES, ...). */
  hint?: (errno: string) => string | undefined;
}

/** A plugin's connection life cycle. */
export interface NriStub {
  /** Connects, registers, resolves once Configure has been handled (RegisterPlugin reply may come after Configure). */
  start(): Promise<void>;
  /** start() in a loop: on EOF/error waits with exponential backoff (min..max, reset after a successful start) and reconnects; resolves when stop() is called. */
  run(): Promise<void>;
  stop(): Promise<void>;
}

/** Budget for RegisterPlugin and for Configure to arrive (the runtime's own default is 5 s). */
export const REGISTRATION_TIMEOUT_MS = 5000;
const DEFAULT_RECONNECT = { minMs: 100, maxMs: 1000 };

/** Builds a stub for `handlers`; throws for bad options or a plugin that handles no event. */
export function createStub(handlers: NriHandlers, options: StubOptions): NriStub {
  const mask = eventMask(handlers);
  if (mask === 0)
    throw new OciMetadataError(
      "usage",
      "creating the NRI stub: the plugin has no event handler (createContainer, stopContainer or a state-change method)",
    );
  const stub = new Stub(handlers, options, mask, validate(options));
  return { start: () => stub.start(), run: () => stub.run(), stop: () => stub.stop() };
}

class Stub {
  readonly #log: LogFn;
  readonly #where: string;
  #stopped = false;
  #current: NriConnection | undefined;
  #wake = () => {};
  /** The socket's dir changed since the last attempt began: retry without waiting. */
  #dirChanged = false;

  constructor(
    private readonly handlers: NriHandlers,
    private readonly options: StubOptions,
    private readonly mask: number,
    private readonly backoff: { minMs: number; maxMs: number },
  ) {
    this.#log = options.log ?? (() => {});
    this.#where = `registering with the NRI runtime at ${options.socketPath} as ${options.pluginIdx}-${options.pluginName}`;
  }

  async start(): Promise<void> {
    const stopped = () => new OciMetadataError("usage", `${this.#where}: the stub was stopped`);
    if (this.#stopped) throw stopped();
    this.options.onState?.("connecting");
    const socket = this.options.fd === undefined ? await connectTo(this.options.socketPath) : adopt(this.options.fd); // (1)
    if (this.#stopped) {
      socket.destroy();
      throw stopped();
    }
    let configured: (err?: unknown) => void = () => {};
    const whenConfigured = new Promise<void>(
      (resolve, reject) => (configured = (err) => (err === undefined ? resolve() : reject(err))),
    );
    const shutdown = () =>
      setImmediate(() => conn.close(new OciMetadataError("io", "NRI connection closed: the runtime called Shutdown")));
    const methods = pluginMethods(this.handlers, this.mask, { log: this.#log, configured, shutdown });
    const conn: NriConnection = attachConnection(socket, { [PLUGIN_SERVICE]: methods }, this.#log); // (2)
    this.#current = conn;
    const request = toBinary(
      RegisterPluginRequestSchema,
      create(RegisterPluginRequestSchema, { pluginName: this.options.pluginName, pluginIdx: this.options.pluginIdx }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.all([conn.call(Runtime.typeName, "RegisterPlugin", request, REGISTRATION_TIMEOUT_MS), whenConfigured]), // (3) + (4)
        conn.closed.then((err) => Promise.reject(err)),
        new Promise(
          (_, reject) =>
            (timer = setTimeout(
              () => reject(new OciMetadataError("io", `no Configure within ${REGISTRATION_TIMEOUT_MS} ms`)),
              REGISTRATION_TIMEOUT_MS,
            )),
        ),
      ]);
    } catch (err) {
      const e = wrap(this.#where, err);
      conn.close(e);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    this.options.onState?.("registered");
    this.#log("info", "NRI: plugin registered and configured", {
      socket: this.options.socketPath,
      plugin: `${this.options.pluginIdx}-${this.options.pluginName}`,
      events: this.mask,
    });
  }

  async run(): Promise<void> {
    if (this.options.fd !== undefined) return this.#runOnce();
    let delay = this.backoff.minMs;
    let lastError = "";
    const watcher = this.#watchSocketDir();
    try {
      while (!this.#stopped) {
        // The socket was just (re)created: a runtime between bind and listen refuses, so retry
        // from the shortest delay, not from where the backoff had grown to.
        if (this.#dirChanged) delay = this.backoff.minMs;
        this.#dirChanged = false;
        try {
          await this.start();
          delay = this.backoff.minMs;
          lastError = "";
          const lost = await this.#current!.closed;
          this.options.onState?.("lost");
          if (this.#stopped) break;
          this.#log("warn", "NRI: connection lost, reconnecting", { error: lost.message, retryInMs: delay });
        } catch (err) {
          if (this.#stopped) break;
          const e = OciMetadataError.from(err);
          const errno = (e.cause as { code?: unknown } | undefined)?.code;
          const hint = typeof errno === "string" ? this.options.hint?.(errno) : undefined;
          const repeated = e.message === lastError;
          lastError = e.message;
          this.#log(repeated ? "debug" : "warn", "NRI: connecting failed, retrying", {
            error: e.message,
            ...(hint ? { hint } : {}),
            retryInMs: delay,
          });
        }
        // A socket that appeared while we were connecting counts too (no wake is lost).
        if (!this.#dirChanged) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, delay);
            this.#wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
        }
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
    } finally {
      watcher?.close();
    }
  }

  // One connection on the runtime's fd; errors end run() (the runtime never restarts us).
  async #runOnce(): Promise<void> {
    await this.start();
    const lost = await this.#current!.closed;
    this.options.onState?.("lost");
    if (!this.#stopped) this.#log("info", "NRI: the runtime closed the connection", { error: lost.message });
  }

  // Wakes the backoff when the socket file (re)appears; undefined when the dir cannot be watched.
  #watchSocketDir(): FSWatcher | undefined {
    const name = basename(this.options.socketPath);
    try {
      const w = watch(dirname(this.options.socketPath), { persistent: false }, (_event, file) => {
        // Only an appearing socket counts (its removal when the runtime stops does not).
        if ((file === null || String(file) === name) && existsSync(this.options.socketPath)) {
          this.#log("debug", "NRI: the socket appeared, connecting now", { socket: this.options.socketPath });
          this.#dirChanged = true;
          this.#wake();
        }
      });
      w.on("error", () => w.close());
      return w;
    } catch {
      return undefined; // no dir yet: the capped backoff still retries
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake();
    const conn = this.#current;
    if (!conn) return;
    conn.close(new OciMetadataError("io", "NRI connection closed: the stub was stopped"));
    await conn.closed;
  }
}

// Checks the options the runtime would otherwise refuse late (or never).
function validate(options: StubOptions): { minMs: number; maxMs: number } {
  if (typeof options.pluginIdx !== "string" || !NRI_PLUGIN_IDX_PATTERN.test(options.pluginIdx)) {
    throw new OciMetadataError(
      "config-invalid",
      `NRI pluginIdx: expected exactly 2 digits such as "10", got ${describeValue(options.pluginIdx)}`,
    );
  }
  if (typeof options.pluginName !== "string" || !NRI_PLUGIN_NAME_PATTERN.test(options.pluginName)) {
    throw new OciMetadataError(
      "config-invalid",
      `NRI pluginName: expected a plain name of 1-64 characters [A-Za-z0-9._-], got ${describeValue(options.pluginName)}`,
    );
  }
  const { minMs, maxMs } = options.reconnect ?? DEFAULT_RECONNECT;
  if (!(minMs > 0 && maxMs >= minMs)) {
    throw new OciMetadataError(
      "config-invalid",
      `NRI reconnect: expected 0 < minMs <= maxMs, got ${describeValue(options.reconnect)}`,
    );
  }
  return { minMs, maxMs };
}

// Takes over the runtime's end of a socketpair. Bun (1.4) leaves `new Socket({ fd })` closed but
// opens the fd through connect({ fd }); Node takes only the former.
function adopt(fd: number): Socket {
  try {
    if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined")
      return netConnect({ fd } as unknown as { path: string });
    return new Socket({ fd, readable: true, writable: true });
  } catch (err) {
    throw new OciMetadataError(
      "io",
      `using the NRI socket on fd ${fd} (NRI_PLUGIN_SOCKET): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

// Connects to a unix socket; rejects with what went wrong.
function connectTo(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ path });
    const onError = (err: Error) =>
      reject(new OciMetadataError("io", `connecting to ${path}: ${err.message}`, { cause: err }));
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}
