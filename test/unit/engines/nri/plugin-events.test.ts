// Tests which NRI events the plugin subscribes to (src/engines/nri/plugin.ts): every event is a
// round trip the runtime waits for, so Status running (PostStartContainer) is opt-in through
// `stages`, as on the hook engines.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig } from "../../../../src/core/config.js";
import { nriHandlers } from "../../../../src/engines/nri/plugin.js";
import { eventMask } from "../../../../src/nri-stub/events.js";
import { Event } from "../../../../src/nri-stub/gen/nri/api_pb.js";
import { contextFor } from "../../../../src/steps/context.js";

const subscribed = (mask: number, event: Event) => (mask & (1 << (event - 1))) !== 0;

describe("nriHandlers", () => {
  it("does not ask for PostStartContainer with the default stages", () => {
    const mask = eventMask(nriHandlers(contextFor({ ...defaultConfig(), hostRoot: "/nonexistent-ocimd" })));
    assert.equal(subscribed(mask, Event.POST_START_CONTAINER), false);
    for (const e of [Event.CREATE_CONTAINER, Event.STOP_CONTAINER, Event.REMOVE_CONTAINER, Event.REMOVE_POD_SANDBOX])
      assert.ok(subscribed(mask, e), `event ${e}`);
  });

  it("asks for PostStartContainer when stages include poststart", () => {
    const config = { ...defaultConfig(), hostRoot: "/nonexistent-ocimd" };
    config.stages = ["createRuntime", "poststart", "poststop"];
    assert.ok(subscribed(eventMask(nriHandlers(contextFor(config))), Event.POST_START_CONTAINER));
  });
});
