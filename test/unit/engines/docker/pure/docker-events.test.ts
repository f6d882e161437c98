// Tests src/engines/docker/pure/docker-events.ts: the event-stream decoder (chunked, bounded)
// and which events docker-watch acts on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEventDecoder, EVENTS_QUERY, eventTarget } from "../../../../../src/engines/docker/pure/docker-events.js";

const ID = "3f1c9d2e4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";
// Shapes as dockerd 20.10 and 28.5 send them (trimmed).
const CONNECT = {
  Type: "network",
  Action: "connect",
  Actor: { ID: "9a8b", Attributes: { container: ID, name: "n2", type: "bridge" } },
  scope: "local",
  time: 1,
};
const DISCONNECT = { ...CONNECT, Action: "disconnect" };
const START = {
  status: "start",
  id: ID,
  Type: "container",
  Action: "start",
  Actor: { ID: ID, Attributes: { image: "bb", name: "web" } },
};

describe("createEventDecoder", () => {
  it("returns whole events however the stream is chunked, one byte at a time included", () => {
    const text = `${JSON.stringify(CONNECT)}\n${JSON.stringify(START)}\n`;
    const d = createEventDecoder();
    const out: unknown[] = [];
    for (const ch of text) out.push(...d.push(ch));
    assert.deepEqual(out, [CONNECT, START]);
  });
  it("keeps a partial line until its newline arrives", () => {
    const d = createEventDecoder();
    assert.deepEqual(d.push(JSON.stringify(START).slice(0, 10)), []);
    assert.deepEqual(d.push(`${JSON.stringify(START).slice(10)}\n`), [START]);
  });
  it("skips lines that are not JSON and blank lines", () => {
    assert.deepEqual(createEventDecoder().push(`not json\n\n${JSON.stringify(START)}\n`), [START]);
  });
  it("drops an over-long line whole and decodes the next one", () => {
    const d = createEventDecoder(100);
    assert.deepEqual(d.push("x".repeat(150)), []);
    assert.deepEqual(d.push(`${"y".repeat(80)}\n${JSON.stringify({ a: 1 })}\n`), [{ a: 1 }]);
  });
});

describe("eventTarget", () => {
  it("acts on a network connect, naming the container", () =>
    assert.deepEqual(eventTarget(CONNECT), { container: ID, why: "network-connect" }));
  it("acts on a network disconnect", () =>
    assert.deepEqual(eventTarget(DISCONNECT), { container: ID, why: "network-disconnect" }));
  it("acts on a container start", () => assert.deepEqual(eventTarget(START), { container: ID, why: "start" }));
  const ignored: Array<[string, unknown]> = [
    ["container-die", { ...START, Action: "die", status: "die" }],
    ["network-create", { ...CONNECT, Action: "create" }],
    ["connect-without-container", { ...CONNECT, Actor: { ID: "9a8b", Attributes: {} } }],
    ["container-id-not-hex", { ...CONNECT, Actor: { Attributes: { container: "../../etc" } } }],
    ["null", null],
    ["array", [CONNECT]],
  ];
  for (const [name, event] of ignored) it(`ignores ${name}`, () => assert.equal(eventTarget(event), undefined));
});

describe("EVENTS_QUERY", () => {
  it("subscribes to exactly the events acted on", () => {
    const filters = JSON.parse(decodeURIComponent(EVENTS_QUERY.split("filters=")[1]!));
    assert.deepEqual(filters, { type: ["network", "container"], event: ["connect", "disconnect", "start"] });
  });
});
