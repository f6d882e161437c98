// The NRI plugin service (nri.pkg.api.v1alpha1.Plugin) of one connection: decodes each
// runtime request, calls the matching NriHandlers method, encodes the reply. Policy (what to
// do when a handler fails or is slow) is the handlers' business; this file only transports.
//
// Invariants:
//  - Configure answers with the mask from the handlers present, never more (events.ts).
//  - Synchronize chunks with `more` are answered at once with {more: true} and no updates;
//    the handler runs once, on the final chunk, with every pod and container (NRI v0.7.0+
//    split sync; a runtime before v0.7.0 sends one chunk without `more`).
//  - Requests without a handler (events not subscribed, UpdateContainer) get an empty OK.
//  - ctx.deadline = receipt + the request's timeout, else Configure's request_timeout, else 2 s.
//  - A payload that does not decode is answered with Internal, as Go's ttrpc does.
import {
  create,
  type DescMessage,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import type { LogFn } from "./connection.js";
import { CONTAINER_EVENTS, POD_EVENTS } from "./events.js";
import {
  ConfigureRequestSchema,
  ConfigureResponseSchema,
  type Container,
  ContainerSchema,
  CreateContainerRequestSchema,
  CreateContainerResponseSchema,
  EmptySchema,
  Plugin,
  type PodSandbox,
  PodSandboxSchema,
  StateChangeEventSchema,
  StopContainerRequestSchema,
  StopContainerResponseSchema,
  SynchronizeRequestSchema,
  SynchronizeResponseSchema,
  UpdateContainerResponseSchema,
} from "./gen/nri/api_pb.js";
import type { CallContext, NriHandlers } from "./handlers.js";
import { type MethodHandler, type RequestInfo, statusError } from "./rpc-server.js";
import { StatusCode } from "./ttrpc.js";

/** The service name the runtime calls on mux connection 1. */
export const PLUGIN_SERVICE = Plugin.typeName;

/** Reply budget when neither the request nor Configure names one (NRI's default). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 2000;

/** What the stub learns from one connection's plugin service. */
export interface SessionEvents {
  log: LogFn;
  /** Configure was answered (no argument) or failed. */
  configured(err?: unknown): void;
  /** The runtime called Shutdown; the reply is sent before the connection closes. */
  shutdown(): void;
}

/** The Plugin service's methods for one connection (each connection has its own sync state). */
export function pluginMethods(
  handlers: NriHandlers,
  mask: number,
  session: SessionEvents,
): Record<string, MethodHandler> {
  let requestTimeoutMs = 0;
  let pods: PodSandbox[] = [];
  let containers: Container[] = [];
  const ctxOf = (info: RequestInfo): CallContext => ({
    deadline:
      info.receivedAt +
      (info.timeoutMs > 0 ? info.timeoutMs : requestTimeoutMs > 0 ? requestTimeoutMs : DEFAULT_REQUEST_TIMEOUT_MS),
  });

  const methods: Record<string, MethodHandler> = {
    async Configure(payload) {
      try {
        const req = decode(ConfigureRequestSchema, payload);
        requestTimeoutMs = Number(req.requestTimeout);
        const info = {
          config: req.config,
          runtimeName: req.runtimeName,
          runtimeVersion: req.runtimeVersion,
          requestTimeoutMs,
        };
        session.log("debug", "NRI: Configure", {
          runtime: info.runtimeName,
          version: info.runtimeVersion,
          requestTimeoutMs,
          events: mask,
        });
        await handlers.configure?.(info);
      } catch (err) {
        // Fail start() only after the error reply is written: the runtime should see why.
        setImmediate(() => session.configured(err));
        throw err;
      }
      session.configured();
      return encode(ConfigureResponseSchema, { events: mask });
    },
    async Synchronize(payload, info) {
      const req = decode(SynchronizeRequestSchema, payload);
      pods = pods.concat(req.pods);
      containers = containers.concat(req.containers);
      if (req.more) return encode(SynchronizeResponseSchema, { more: true });
      const all = { pods, containers };
      pods = [];
      containers = [];
      session.log("debug", "NRI: Synchronize", { pods: all.pods.length, containers: all.containers.length });
      await handlers.synchronize?.(all.pods, all.containers, ctxOf(info));
      return encode(SynchronizeResponseSchema, {});
    },
    async Shutdown() {
      session.shutdown();
      return encode(EmptySchema, {});
    },
    async CreateContainer(payload, info) {
      const req = decode(CreateContainerRequestSchema, payload);
      const adjust = await handlers.createContainer?.(podOf(req.pod), containerOf(req.container), ctxOf(info));
      return encode(CreateContainerResponseSchema, adjust ? { adjust } : {});
    },
    async UpdateContainer() {
      return encode(UpdateContainerResponseSchema, {});
    },
    async StopContainer(payload, info) {
      const req = decode(StopContainerRequestSchema, payload);
      await handlers.stopContainer?.(podOf(req.pod), containerOf(req.container), ctxOf(info));
      return encode(StopContainerResponseSchema, {});
    },
    async StateChange(payload, info) {
      const ev = decode(StateChangeEventSchema, payload);
      const podHandler = POD_EVENTS[ev.event];
      const containerHandler = CONTAINER_EVENTS[ev.event];
      if (podHandler) await handlers[podHandler]?.(podOf(ev.pod), ctxOf(info));
      else if (containerHandler)
        await handlers[containerHandler]?.(podOf(ev.pod), containerOf(ev.container), ctxOf(info));
      return encode(EmptySchema, {});
    },
  };
  return logFailures(methods, session.log);
}

// Logs a failing method once (the runtime sees the error status, we see why).
function logFailures(methods: Record<string, MethodHandler>, log: LogFn): Record<string, MethodHandler> {
  const out: Record<string, MethodHandler> = {};
  for (const [name, method] of Object.entries(methods)) {
    out[name] = async (payload, info) => {
      try {
        return await method(payload, info);
      } catch (err) {
        log("warn", `NRI: ${name} answered with an error`, { error: err instanceof Error ? err.message : String(err) });
        throw err;
      }
    };
  }
  return out;
}

function decode<Desc extends DescMessage>(schema: Desc, payload: Uint8Array): MessageShape<Desc> {
  try {
    return fromBinary(schema, payload);
  } catch (err) {
    throw statusError(
      StatusCode.Internal,
      `ttrpc: error unmarshalling payload: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function encode<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

// Handlers always get objects, even when the runtime leaves pod or container out.
function podOf(pod: PodSandbox | undefined): PodSandbox {
  return pod ?? create(PodSandboxSchema);
}

function containerOf(container: Container | undefined): Container {
  return container ?? create(ContainerSchema);
}
