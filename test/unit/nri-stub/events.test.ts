import assert from "node:assert/strict";
import { test } from "node:test";
import { eventMask, VALID_EVENTS } from "../../../src/nri-stub/events.js";
import type { NriHandlers } from "../../../src/nri-stub/index.js";

const fn = async () => undefined;

// Each case: the handler methods present → the mask Configure answers with.
const cases: [name: string, handlers: NriHandlers, mask: number][] = [
  ["none", {}, 0],
  ["configure-and-synchronize-only", { configure: () => {}, synchronize: () => {} }, 0],
  ["run-pod-sandbox", { runPodSandbox: fn }, 0x001],
  ["stop-pod-sandbox", { stopPodSandbox: fn }, 0x002],
  ["remove-pod-sandbox", { removePodSandbox: fn }, 0x004],
  ["create-container", { createContainer: fn }, 0x008],
  ["post-create-container", { postCreateContainer: fn }, 0x010],
  ["start-container", { startContainer: fn }, 0x020],
  ["post-start-container", { postStartContainer: fn }, 0x040],
  ["stop-container", { stopContainer: fn }, 0x200],
  ["remove-container", { removeContainer: fn }, 0x400],
  [
    "target-plugin",
    { removePodSandbox: fn, createContainer: fn, postStartContainer: fn, stopContainer: fn, removeContainer: fn },
    0x64c,
  ],
];

for (const [name, handlers, mask] of cases) {
  test(`the events mask follows the handlers present: ${name}`, () => {
    assert.equal(eventMask(handlers), mask);
  });
}

test("every handler together stays within 0x7FF and leaves out the update events", () => {
  const all: NriHandlers = Object.fromEntries(
    [
      "runPodSandbox",
      "stopPodSandbox",
      "removePodSandbox",
      "createContainer",
      "postCreateContainer",
      "startContainer",
      "postStartContainer",
      "stopContainer",
      "removeContainer",
    ].map((k) => [k, fn]),
  );
  assert.equal(eventMask(all), 0x67f);
  assert.equal(eventMask(all) & ~VALID_EVENTS, 0);
});

test("a property that is not a function does not subscribe", () => {
  assert.equal(eventMask({ createContainer: undefined, stopContainer: "yes" } as unknown as NriHandlers), 0);
});
