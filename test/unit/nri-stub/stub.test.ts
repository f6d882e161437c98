import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  ConfigureResponseSchema,
  ContainerAdjustmentSchema,
  ContainerState,
  CreateContainerRequestSchema,
  CreateContainerResponseSchema,
  Event,
  StateChangeEventSchema,
  StopContainerRequestSchema,
  SynchronizeRequestSchema,
  SynchronizeResponseSchema,
} from "../../../src/nri-stub/gen/nri/api_pb.js";
import { createStub, type NriHandlers, type NriStub, type StubOptions } from "../../../src/nri-stub/index.js";
import { FakeRuntime, tempSocket } from "./fake-runtime.js";
import { bin, handshake, ok } from "./nri-session.js";

const hex = (s: string) => Buffer.from(s).toString("hex");
let cleanups: (() => Promise<void> | void)[] = [];

// A fake runtime listening on a fresh short socket path, and a stub aimed at it.
async function setup(
  handlers: NriHandlers,
  extra: Partial<StubOptions> = {},
): Promise<{ rt: FakeRuntime; stub: NriStub }> {
  const tmp = tempSocket();
  const rt = new FakeRuntime(tmp.path);
  await rt.listen();
  const stub = createStub(handlers, { socketPath: tmp.path, pluginName: "probe", pluginIdx: "10", ...extra });
  cleanups.push(async () => {
    await stub.stop();
    rt.close();
    tmp.cleanup();
  });
  return { rt, stub };
}

afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

describe("NRI stub", () => {
  test("the first write is RegisterPlugin, byte for byte as in the protocol notes §10", async () => {
    const { rt, stub } = await setup({ createContainer: async () => undefined });
    void stub.start().catch(() => {});
    const peer = await rt.accept();
    await peer.nextCall();
    const expected =
      `00000002000000450000003b000000010100` +
      `0a1c${hex("nri.pkg.api.v1alpha1.Runtime")}120e${hex("RegisterPlugin")}1a0b0a05${hex("probe")}1202${hex("10")}`;
    assert.equal(Buffer.from(peer.bytes()).toString("hex"), expected);
  });

  test("serves a whole session: Configure before the RegisterPlugin reply, a 3-chunk sync, create, post-start, stop", async () => {
    const seen: string[] = [];
    let synced: [string[], string[]] | undefined;
    let deadline = 0;
    const handlers: NriHandlers = {
      configure: (info) =>
        void seen.push(`configure ${info.runtimeName} ${info.runtimeVersion} ${info.requestTimeoutMs}`),
      synchronize: (pods, ctrs) => void (synced = [pods.map((p) => p.id), ctrs.map((c) => c.id)]),
      createContainer: async (pod, ctr, ctx) => {
        seen.push(`create ${pod.id}/${ctr.id} state=${ctr.state}`);
        deadline = ctx.deadline;
        return create(ContainerAdjustmentSchema, {
          annotations: { "oci-metadata.io/ok": "1" },
          mounts: [{ destination: "/ecs/metadata", type: "bind", source: "/host/x", options: ["rbind", "ro"] }],
          env: [{ key: "ECS_CONTAINER_METADATA_FILE", value: "/ecs/metadata/f.json" }],
          hooks: { poststop: [{ path: "/usr/bin/oci-metadata", args: ["oci-metadata", "poststop"] }] },
        });
      },
      postStartContainer: async (pod, ctr) => void seen.push(`post-start ${pod.id}/${ctr.id} pid=${ctr.pid}`),
      stopContainer: async (_pod, ctr) => void seen.push(`stop ${ctr.id}`),
      removeContainer: async () => {},
      removePodSandbox: async () => {},
    };
    const { rt, stub } = await setup(handlers);
    let started = false;
    const starting = stub.start().then(() => (started = true));
    const peer = await rt.accept();
    const { register, events } = await handshake(peer);
    assert.equal(register.method, "RegisterPlugin");
    assert.equal(events, 0x64c); // §4.2: REMOVE_POD_SANDBOX | CREATE | POST_START | STOP | REMOVE_CONTAINER
    await starting;
    assert.ok(started);

    const chunks = [
      { pods: [{ id: "p1" }], more: true },
      { pods: [{ id: "p2" }], containers: [{ id: "c1" }], more: true },
      { containers: [{ id: "c2" }] },
    ];
    const replies = [];
    for (const chunk of chunks) {
      replies.push(ok(SynchronizeResponseSchema, await peer.call("Synchronize", bin(SynchronizeRequestSchema, chunk))));
      if (chunk.more) assert.equal(synced, undefined, "synchronize ran before the last chunk");
    }
    assert.deepEqual(
      replies.map((r) => [r.more, r.update.length]),
      [
        [true, 0],
        [true, 0],
        [false, 0],
      ],
    );
    assert.deepEqual(synced, [
      ["p1", "p2"],
      ["c1", "c2"],
    ]);

    const md = [{ key: "containerd-namespace-ttrpc", value: "k8s.io" }];
    const before = Date.now();
    const created = await peer.call(
      "CreateContainer",
      bin(CreateContainerRequestSchema, { pod: { id: "p1" }, container: { id: "c3" } }),
      { metadata: md },
    );
    const adjust = ok(CreateContainerResponseSchema, created).adjust!;
    assert.deepEqual(adjust.annotations, { "oci-metadata.io/ok": "1" });
    assert.deepEqual(
      adjust.mounts.map((m) => [m.destination, m.type, m.source, m.options]),
      [["/ecs/metadata", "bind", "/host/x", ["rbind", "ro"]]],
    );
    assert.deepEqual(
      adjust.env.map((e) => [e.key, e.value]),
      [["ECS_CONTAINER_METADATA_FILE", "/ecs/metadata/f.json"]],
    );
    assert.deepEqual(
      adjust.hooks?.poststop.map((h) => [h.path, h.args]),
      [["/usr/bin/oci-metadata", ["oci-metadata", "poststop"]]],
    );
    assert.ok(deadline >= before + 2000 && deadline <= Date.now() + 2000, "deadline = receipt + timeout_nano");

    const event = {
      event: Event.POST_START_CONTAINER,
      pod: { id: "p1" },
      container: { id: "c3", pid: 4242, state: ContainerState.CONTAINER_RUNNING },
    };
    const changed = await peer.call("StateChange", bin(StateChangeEventSchema, event), { metadata: md });
    assert.deepEqual([changed.status, changed.payload.length], [undefined, 0]);
    const stopped = await peer.call(
      "StopContainer",
      bin(StopContainerRequestSchema, { pod: { id: "p1" }, container: { id: "c3" } }),
    );
    assert.deepEqual([stopped.status, stopped.payload.length], [undefined, 0]);

    assert.deepEqual(seen, [
      "configure containerd 2.1.9+unknown 2000",
      "create p1/c3 state=0",
      "post-start p1/c3 pid=4242",
      "stop c3",
    ]);
    peer.socket.end();
  });

  test("ctx.deadline uses timeout_nano, else Configure's request timeout, else 2 s", async () => {
    const deadlines: number[] = [];
    const handlers: NriHandlers = {
      runPodSandbox: async (_pod, ctx) => void deadlines.push(ctx.deadline - Date.now()),
    };
    for (const [configured, timeoutNano, expected] of [
      [0n, 700_000_000n, 700],
      [1500n, 0n, 1500],
      [0n, 0n, 2000],
    ] as const) {
      const { rt, stub } = await setup(handlers);
      const starting = stub.start();
      const peer = await rt.accept();
      await handshake(peer, { runtimeName: "containerd", requestTimeout: configured });
      await starting;
      await peer.call("StateChange", bin(StateChangeEventSchema, { event: Event.RUN_POD_SANDBOX, pod: { id: "p" } }), {
        timeoutNano,
      });
      const left = deadlines.pop()!;
      assert.ok(left <= expected && left > expected - 200, `expected about ${expected} ms, got ${left}`);
    }
  });

  test("an event without a handler and UpdateContainer get an empty OK; a throwing handler an error status", async () => {
    const { rt, stub } = await setup({ startContainer: async () => Promise.reject(new Error("refused")) });
    const starting = stub.start();
    const peer = await rt.accept();
    const { events } = await handshake(peer);
    await starting;
    assert.equal(events, 1 << (Event.START_CONTAINER - 1));
    const unhandled = await peer.call("StateChange", bin(StateChangeEventSchema, { event: Event.REMOVE_CONTAINER }));
    assert.deepEqual([unhandled.status, unhandled.payload.length], [undefined, 0]);
    const update = await peer.call("UpdateContainer", new Uint8Array(0));
    assert.deepEqual([update.status, update.payload.length], [undefined, 0]);
    const failed = await peer.call("StateChange", bin(StateChangeEventSchema, { event: Event.START_CONTAINER }));
    assert.deepEqual([failed.status?.code, failed.status?.message], [2, "refused"]);
    const garbage = await peer.call("CreateContainer", Uint8Array.of(0x0a, 0xff));
    assert.equal(garbage.status?.code, 13);
    assert.match(garbage.status?.message ?? "", /^ttrpc: error unmarshalling payload: /);
  });

  test("Shutdown is answered, then the connection closes", async () => {
    const { rt, stub } = await setup({ stopContainer: async () => {} });
    const starting = stub.start();
    const peer = await rt.accept();
    await handshake(peer);
    await starting;
    const res = await peer.call("Shutdown", new Uint8Array(0));
    assert.deepEqual([res.status, res.payload.length], [undefined, 0]);
    await peer.closed;
  });

  test("start() rejects with the runtime's error when RegisterPlugin fails", async () => {
    const { rt, stub } = await setup({ stopContainer: async () => {} });
    const starting = stub.start();
    const peer = await rt.accept();
    peer.reply((await peer.nextCall()).streamId, { status: { code: 2, message: "invalid plugin index" } });
    await assert.rejects(starting, {
      message: `[runtime] registering with the NRI runtime at ${rt.path} as 10-probe: calling nri.pkg.api.v1alpha1.Runtime/RegisterPlugin: Unknown (2): invalid plugin index`,
    });
    await peer.closed;
  });

  test("start() rejects when the configure handler throws, and the runtime sees the error", async () => {
    const { rt, stub } = await setup({
      stopContainer: async () => {},
      configure: () => {
        throw new Error("bad config");
      },
    });
    const rejected = assert.rejects(stub.start(), {
      message: `[internal] registering with the NRI runtime at ${rt.path} as 10-probe: bad config`,
    });
    const peer = await rt.accept();
    await peer.nextCall();
    const res = await peer.call("Configure", new Uint8Array(0));
    assert.deepEqual([res.status?.code, res.status?.message], [2, "bad config"]);
    await rejected;
    await peer.closed;
  });

  test("Configure's reply is the mask as field 2 (§10: 0x64C → 10 cc 0c)", async () => {
    const { rt, stub } = await setup({
      removePodSandbox: async () => {},
      createContainer: async () => undefined,
      postStartContainer: async () => {},
      stopContainer: async () => {},
      removeContainer: async () => {},
    });
    const starting = stub.start();
    const peer = await rt.accept();
    const register = await peer.nextCall();
    const res = await peer.call("Configure", new Uint8Array(0));
    peer.reply(register.streamId);
    await starting;
    assert.equal(Buffer.from(res.payload).toString("hex"), "10cc0c");
    assert.equal(ok(ConfigureResponseSchema, res).events, 1612);
  });
});
