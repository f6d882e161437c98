import assert from "node:assert/strict";
import { test } from "node:test";
import { createStub, type NriHandlers, type StubOptions } from "../../../src/nri-stub/index.js";

const handlers: NriHandlers = { createContainer: async () => undefined };
const base: StubOptions = { socketPath: "/nonexistent/nri.sock", pluginName: "oci-metadata", pluginIdx: "50" };

// Each case: what createStub refuses, with its exact message.
const refused: [name: string, handlers: NriHandlers, options: Partial<StubOptions>, message: string][] = [
  [
    "idx-one-digit",
    handlers,
    { pluginIdx: "1" },
    '[config-invalid] NRI pluginIdx: expected exactly 2 digits such as "10", got "1" (string)',
  ],
  [
    "idx-three-digits",
    handlers,
    { pluginIdx: "100" },
    '[config-invalid] NRI pluginIdx: expected exactly 2 digits such as "10", got "100" (string)',
  ],
  [
    "idx-not-digits",
    handlers,
    { pluginIdx: "1a" },
    '[config-invalid] NRI pluginIdx: expected exactly 2 digits such as "10", got "1a" (string)',
  ],
  [
    "idx-number",
    handlers,
    { pluginIdx: 10 as unknown as string },
    '[config-invalid] NRI pluginIdx: expected exactly 2 digits such as "10", got 10 (number)',
  ],
  [
    "idx-trailing-newline",
    handlers,
    { pluginIdx: "10\n" },
    '[config-invalid] NRI pluginIdx: expected exactly 2 digits such as "10", got "10\\n" (string)',
  ],
  [
    "name-empty",
    handlers,
    { pluginName: "" },
    '[config-invalid] NRI pluginName: expected a plain name of 1-64 characters [A-Za-z0-9._-], got "" (string)',
  ],
  [
    "name-with-slash",
    handlers,
    { pluginName: "a/b" },
    '[config-invalid] NRI pluginName: expected a plain name of 1-64 characters [A-Za-z0-9._-], got "a/b" (string)',
  ],
  [
    "reconnect-inverted",
    handlers,
    { reconnect: { minMs: 500, maxMs: 100 } },
    '[config-invalid] NRI reconnect: expected 0 < minMs <= maxMs, got {"minMs":500,"maxMs":100} (object)',
  ],
  [
    "reconnect-zero",
    handlers,
    { reconnect: { minMs: 0, maxMs: 100 } },
    '[config-invalid] NRI reconnect: expected 0 < minMs <= maxMs, got {"minMs":0,"maxMs":100} (object)',
  ],
  [
    "no-event-handler",
    { configure: () => {}, synchronize: () => {} },
    {},
    "[usage] creating the NRI stub: the plugin has no event handler (createContainer, stopContainer or a state-change method)",
  ],
];

for (const [name, h, options, message] of refused) {
  test(`createStub refuses bad input: ${name}`, () => {
    assert.throws(() => createStub(h, { ...base, ...options }), { message });
  });
}

test("createStub accepts valid options without connecting", () => {
  const stub = createStub(handlers, { ...base, reconnect: { minMs: 100, maxMs: 100 } });
  assert.deepEqual(Object.keys(stub).sort(), ["run", "start", "stop"]);
});

test("start() rejects with the socket path when nothing listens", async () => {
  const stub = createStub(handlers, base);
  await assert.rejects(stub.start(), {
    message: "[io] connecting to /nonexistent/nri.sock: connect ENOENT /nonexistent/nri.sock",
  });
});

test("a stopped stub refuses to start", async () => {
  const stub = createStub(handlers, base);
  await stub.stop();
  await assert.rejects(stub.start(), {
    message:
      "[usage] registering with the NRI runtime at /nonexistent/nri.sock as 50-oci-metadata: the stub was stopped",
  });
});
