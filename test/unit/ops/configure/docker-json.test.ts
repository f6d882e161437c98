import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseDaemonJson,
  reloadBridge,
  renderDaemonJson,
  runtimeEntry,
  withoutBridgeLeftovers,
  withoutRuntime,
  withRuntime,
} from "../../../../src/ops/configure/docker-json.js";

const OPTS = { bin: "/usr/bin/oci-metadata", runc: "/usr/sbin/runc", setAsDefault: false };

describe("daemon.json edits", () => {
  it("adds the runtime and keeps every other key", () => {
    const d = { "log-level": "warn", runtimes: { other: { path: "/x" } } };
    const next = withRuntime(d, OPTS);
    assert.equal(next["default-runtime"], undefined);
    assert.deepEqual(next, {
      "log-level": "warn",
      runtimes: { other: { path: "/x" }, "oci-metadata": runtimeEntry(OPTS) },
    });
  });

  it("passes --config before --runtime to the wrapper", () => {
    assert.deepEqual(runtimeEntry({ ...OPTS, config: "/etc/c.json" }).runtimeArgs, [
      "runtime",
      "--config",
      "/etc/c.json",
      "--runtime",
      "/usr/sbin/runc",
    ]);
  });

  it("an idempotent install keeps the file's text as it was", () => {
    const text =
      '{"runtimes":{"oci-metadata":{"path":"/usr/bin/oci-metadata","runtimeArgs":["runtime","--runtime","/usr/sbin/runc"]}}}';
    const d = parseDaemonJson(text, "daemon.json");
    assert.equal(renderDaemonJson(text, d, withRuntime(d, OPTS)), text);
  });

  it("uninstall of the default leaves default-runtime runc (a reload without the key keeps ours)", () => {
    const d = withRuntime({ runtimes: { other: { path: "/x" } } }, { ...OPTS, setAsDefault: true });
    assert.deepEqual(withoutRuntime(d), { runtimes: { other: { path: "/x" } }, "default-runtime": "runc" });
  });

  it("uninstall drops an empty runtimes object and keeps another default", () => {
    assert.deepEqual(withoutRuntime({ runtimes: { "oci-metadata": {} }, "default-runtime": "nvidia" }), {
      "default-runtime": "nvidia",
    });
  });

  it("the reload bridge keeps runtimes present so dockerd reloads them; the leftovers go afterwards", () => {
    const bridge = reloadBridge(
      withoutRuntime({ runtimes: { "oci-metadata": {} }, "default-runtime": "oci-metadata" }),
    );
    assert.deepEqual(bridge, { runtimes: {}, "default-runtime": "runc" });
    assert.deepEqual(withoutBridgeLeftovers(bridge, true), {});
  });

  it("a file left empty is removed (dockerd reads no file as {})", () => {
    assert.equal(
      renderDaemonJson('{"runtimes":{"oci-metadata":{}}}', { runtimes: { "oci-metadata": {} } }, {}),
      undefined,
    );
  });

  for (const [name, text, message] of [
    ["not-json", "{runtimes:", /not valid JSON/],
    ["an-array", "[]", /expected a JSON object, got \[\] \(array\)/],
    ["runtimes-not-object", '{"runtimes": []}', /runtimes: expected an object/],
  ] as const) {
    it(`refuses a daemon.json it cannot read [${name}]`, () => {
      assert.throws(
        () => parseDaemonJson(text, "/etc/docker/daemon.json"),
        (e: Error) => message.test(e.message) && e.message.includes("/etc/docker/daemon.json"),
      );
    });
  }
});
