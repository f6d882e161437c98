import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import {
  ContainerSchema,
  CreateContainerResponseSchema,
  PodSandboxSchema,
  SynchronizeRequestSchema,
  SynchronizeResponseSchema,
} from "../../../src/nri-stub/gen/nri/api_pb.js";
import type { NriHandlers } from "../../../src/nri-stub/index.js";
import { pluginMethods } from "../../../src/nri-stub/plugin-service.js";
import type { RequestInfo } from "../../../src/nri-stub/rpc-server.js";
import { bin } from "./nri-session.js";

const info: RequestInfo = { receivedAt: 1_000_000, timeoutMs: 2000, metadata: [] };
const session = { log: () => {}, configured: () => {}, shutdown: () => {} };

// A length-delimited field: tag (field << 3 | 2), length, bytes (lengths < 128 only).
function field(num: number, bytes: Uint8Array): Uint8Array {
  return Uint8Array.from([(num << 3) | 2, bytes.length, ...bytes]);
}

test("fields from newer NRI versions are skipped when decoding", async () => {
  let seen: unknown;
  const methods = pluginMethods(
    { createContainer: async (pod, ctr) => void (seen = [pod.id, pod.ips, ctr.id, ctr.linux?.cgroupsPath]) },
    8,
    session,
  );
  // Container 13 rlimits and 14+ (v0.12 fields), LinuxContainer 2 devices, PodSandbox linux 6 resources.
  const linux = Uint8Array.from([
    ...field(2, field(1, new TextEncoder().encode("/dev/x"))),
    ...field(5, new TextEncoder().encode("/cg")),
  ]);
  const container = Uint8Array.from([
    ...bin(ContainerSchema, { id: "c1" }),
    ...field(11, linux),
    ...field(13, field(1, Uint8Array.of(0x41))),
    ...field(21, Uint8Array.of(1, 2)),
  ]);
  const pod = Uint8Array.from([
    ...bin(PodSandboxSchema, { id: "p1", ips: ["10.0.0.2"] }),
    ...field(8, field(6, Uint8Array.of())),
  ]);
  const request = Uint8Array.from([...field(1, pod), ...field(2, container), ...field(9, Uint8Array.of(7))]);
  const reply = await methods.CreateContainer!(request, info);
  assert.deepEqual(seen, ["p1", ["10.0.0.2"], "c1", "/cg"]);
  assert.deepEqual(fromBinary(CreateContainerResponseSchema, reply).adjust, undefined);
});

test("a single Synchronize without `more` (NRI before v0.7) reaches the handler at once", async () => {
  const calls: [string[], string[], number][] = [];
  const handlers: NriHandlers = {
    stopContainer: async () => {},
    synchronize: (pods, ctrs, ctx) => void calls.push([pods.map((p) => p.id), ctrs.map((c) => c.id), ctx.deadline]),
  };
  const methods = pluginMethods(handlers, 0x200, session);
  const reply = await methods.Synchronize!(
    bin(SynchronizeRequestSchema, { pods: [{ id: "p" }], containers: [{ id: "c" }] }),
    info,
  );
  assert.deepEqual(calls, [[["p"], ["c"], 1_002_000]]);
  assert.equal(reply.length, 0);
  assert.equal(fromBinary(SynchronizeResponseSchema, reply).more, false);
});

test("a sync split into chunks is merged, and the next sync starts empty", async () => {
  const calls: string[][] = [];
  const methods = pluginMethods(
    { stopContainer: async () => {}, synchronize: (pods) => void calls.push(pods.map((p) => p.id)) },
    0x200,
    session,
  );
  await methods.Synchronize!(bin(SynchronizeRequestSchema, { pods: [{ id: "a" }], more: true }), info);
  await methods.Synchronize!(bin(SynchronizeRequestSchema, { pods: [{ id: "b" }] }), info);
  await methods.Synchronize!(bin(SynchronizeRequestSchema, { pods: [{ id: "c" }] }), info);
  assert.deepEqual(calls, [["a", "b"], ["c"]]);
});

test("an empty Synchronize payload (an empty node) is answered with an empty reply", async () => {
  const calls: number[] = [];
  const methods = pluginMethods(
    { stopContainer: async () => {}, synchronize: (pods, ctrs) => void calls.push(pods.length + ctrs.length) },
    0x200,
    session,
  );
  assert.equal((await methods.Synchronize!(new Uint8Array(0), info)).length, 0);
  assert.deepEqual(calls, [0]);
});
