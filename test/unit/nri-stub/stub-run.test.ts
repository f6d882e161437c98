import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createStub } from "../../../src/nri-stub/index.js";
import { FakeRuntime, tempSocket } from "./fake-runtime.js";
import { handshake } from "./nri-session.js";

type Line = { level: string; msg: string; fields?: Record<string, unknown> };

test("run() reconnects with backoff when the runtime listens again, and stop() ends it", async () => {
  const tmp = tempSocket();
  const rt = new FakeRuntime(tmp.path);
  const lines: Line[] = [];
  const stub = createStub(
    { createContainer: async () => undefined },
    {
      socketPath: tmp.path,
      pluginName: "probe",
      pluginIdx: "10",
      reconnect: { minMs: 20, maxMs: 80 },
      log: (level, msg, fields) => void lines.push({ level, msg, fields }),
    },
  );
  try {
    await rt.listen();
    const running = stub.run();
    let ended = false;
    void running.then(() => (ended = true));

    // (1) First session, then the runtime goes away: EOF and the socket file is removed.
    const first = await rt.accept();
    await handshake(first);
    rt.close();
    first.socket.end();
    await first.closed;

    // (2) While nothing listens, attempts back off: 20 (after the loss), 40, 80, 80 … ms.
    await sleep(400);
    const retries = lines.filter((l) => l.fields?.retryInMs !== undefined).map((l) => l.fields?.retryInMs);
    assert.deepEqual(retries.slice(0, 4), [20, 40, 80, 80]);
    assert.ok(retries.length < 12, `${retries.length} attempts in 400 ms is not backing off`);
    // The same failure again is not worth a warning each time.
    const failures = lines.filter((l) => l.msg === "NRI: connecting failed, retrying");
    assert.ok(failures.length >= 2);
    assert.deepEqual(
      failures.map((l) => l.level),
      ["warn", ...failures.slice(1).map(() => "debug")],
    );
    assert.match(lines.find((l) => l.msg.startsWith("NRI: connection lost"))?.fields?.error as string, /EOF/);

    // (3) The runtime comes back on a recreated socket: the stub registers again.
    await rt.listen();
    const second = await rt.accept();
    const { register } = await handshake(second);
    assert.equal(register.streamId, 1, "a new connection numbers its calls from 1 again");
    await sleep(20);

    // (4) A successful start resets the backoff: the next loss waits the minimum again.
    const before = lines.length;
    second.socket.end();
    await second.closed;
    const third = await rt.accept();
    await handshake(third);
    assert.equal(lines.slice(before).find((l) => l.fields?.retryInMs !== undefined)?.fields?.retryInMs, 20);
    assert.equal(ended, false);

    // (5) stop() closes the connection and ends run().
    await stub.stop();
    await running;
    await third.closed;
  } finally {
    await stub.stop();
    rt.close();
    tmp.cleanup();
  }
});

test("stop() during the backoff wait ends run() at once", async () => {
  const tmp = tempSocket();
  const stub = createStub(
    { stopContainer: async () => {} },
    { socketPath: tmp.path, pluginName: "probe", pluginIdx: "10", reconnect: { minMs: 60_000, maxMs: 60_000 } },
  );
  try {
    const running = stub.run();
    await sleep(50); // the first connect has failed; run() now waits 60 s
    const t0 = Date.now();
    await stub.stop();
    await running;
    assert.ok(Date.now() - t0 < 1000);
  } finally {
    tmp.cleanup();
  }
});

test("run() reconnects as soon as the socket file appears, not a backoff later", { timeout: 20_000 }, async () => {
  const tmp = tempSocket();
  const rt = new FakeRuntime(tmp.path);
  const stub = createStub(
    { stopContainer: async () => {} },
    { socketPath: tmp.path, pluginName: "probe", pluginIdx: "10", reconnect: { minMs: 60_000, maxMs: 60_000 } },
  );
  try {
    const running = stub.run();
    await sleep(50); // the first connect has failed (no socket); run() now waits 60 s
    await rt.listen(); // creates the socket file in the watched dir
    const session = await rt.accept(); // only the watch can bring the stub here within the test's timeout
    await handshake(session);
    await stub.stop();
    await running;
  } finally {
    await stub.stop();
    rt.close();
    tmp.cleanup();
  }
});
