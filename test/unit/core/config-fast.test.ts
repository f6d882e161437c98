// Tests src/core/config-fast.ts, the hand-written config check of the hot path, against the
// zod schema in config.ts: on any input the two must agree — the fast check accepts exactly
// what the schema accepts, and yields the very same config.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CONFIG_ENV_NAMES, defaultConfig, loadConfig } from "../../../src/core/config.js";
import { fastConfig } from "../../../src/core/config-fast.js";

// The schema's answer: the config, or undefined when it refuses the input.
function schemaConfig(text: string | undefined, env: Record<string, string | undefined>): unknown {
  try {
    return loadConfig(text, env);
  } catch {
    return undefined;
  }
}

function agree(text: string | undefined, env: Record<string, string | undefined> = {}): void {
  const fast = fastConfig(text, env);
  const schema = schemaConfig(text, env);
  assert.deepEqual(fast, schema, `input ${text} env ${JSON.stringify(env)}`);
  if (fast !== undefined) assert.deepEqual(Object.keys(fast), Object.keys(schema as object), "same key order");
}

// Values near each key's rules: valid ones, and the ways they go wrong.
const anyString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "",
    "/",
    "/x",
    "x",
    ".hidden",
    "a/b",
    "1X",
    "_ok",
    "50",
    "5",
    "abc",
    "always",
    "never",
    "opt-in",
    "ignore",
    "fail",
    "debug",
    "silent",
    "loud",
  ),
);
const stage = fc.constantFrom("prestart", "createRuntime", "poststart", "poststop", "start", "");
const identitySource = fc.oneof(
  anyString,
  fc.record({ file: anyString }),
  fc.record({ env: anyString }),
  fc.record({ file: anyString, env: anyString }),
  fc.jsonValue(),
);
const values: Record<string, fc.Arbitrary<unknown>> = {
  enabled: fc.oneof(fc.constantFrom("always", "opt-in", "never"), fc.jsonValue()),
  optInAnnotation: anyString,
  hostRoot: anyString,
  containerRoot: anyString,
  fileName: anyString,
  envName: anyString,
  stages: fc.oneof(fc.array(stage, { maxLength: 4 }), fc.jsonValue()),
  failurePolicy: fc.oneof(fc.constantFrom("ignore", "fail"), fc.jsonValue()),
  identity: fc.oneof(
    fc.record(
      {
        cluster: identitySource,
        containerInstance: identitySource,
        availabilityZone: identitySource,
        hostIPv6Address: identitySource,
        region: identitySource,
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue(),
  ),
  annotationsToInclude: fc.oneof(fc.array(anyString, { maxLength: 3 }), fc.jsonValue()),
  windows: fc.oneof(
    fc.record({ hostRoot: anyString, containerRoot: fc.oneof(anyString, fc.integer()) }, { requiredKeys: [] }),
    fc.jsonValue(),
  ),
  log: fc.oneof(
    fc.record(
      { level: fc.constantFrom("debug", "info", "warn", "error", "silent", "loud"), file: anyString },
      { requiredKeys: [] },
    ),
    fc.jsonValue(),
  ),
  dockerSocket: anyString,
  nri: fc.oneof(
    fc.record({ socket: anyString, pluginName: anyString, pluginIdx: anyString }, { requiredKeys: [] }),
    fc.jsonValue(),
  ),
};
const nearlyValid = fc.record(values, { requiredKeys: [] });
const withStrays = fc
  .tuple(nearlyValid, fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }))
  .map(([a, b]) => ({ ...b, ...a }));
// Only valid values: the fast check must accept every one of these (and agree).
const abs = fc.string().map((x) => `/${x}`);
const validSource = fc.oneof(
  fc.string(),
  fc.record({ file: fc.string({ minLength: 1 }) }),
  fc.record({ env: fc.string({ minLength: 1 }) }),
);
const valid = fc.record(
  {
    enabled: fc.constantFrom("always", "opt-in", "never"),
    optInAnnotation: fc.string({ minLength: 1 }),
    hostRoot: abs,
    containerRoot: abs,
    fileName: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/),
    envName: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/),
    stages: fc.array(fc.constantFrom("prestart", "createRuntime", "poststart", "poststop")),
    failurePolicy: fc.constantFrom("ignore", "fail"),
    identity: fc.record(
      {
        cluster: validSource,
        containerInstance: validSource,
        availabilityZone: validSource,
        hostPrivateIPv4Address: validSource,
        hostPublicIPv4Address: validSource,
        hostIPv6Address: validSource,
      },
      { requiredKeys: [] },
    ),
    annotationsToInclude: fc.array(fc.string()),
    windows: fc.record({ hostRoot: fc.string(), containerRoot: fc.string() }, { requiredKeys: [] }),
    log: fc.record(
      { level: fc.constantFrom("debug", "info", "warn", "error", "silent"), file: abs },
      { requiredKeys: [] },
    ),
    dockerSocket: abs,
    nri: fc.record(
      {
        socket: abs,
        pluginName: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
        pluginIdx: fc.stringMatching(/^[0-9]{2}$/),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const envArb = fc.dictionary(
  fc.constantFrom(...CONFIG_ENV_NAMES),
  fc.oneof(anyString, fc.constantFrom("createRuntime,poststop", " poststart , ", "/run/x")),
  { maxKeys: 3 },
);

describe("fastConfig", () => {
  it("gives the defaults without a file and without overrides", () => {
    assert.deepEqual(fastConfig(undefined, {}), defaultConfig());
    assert.deepEqual(fastConfig("  \n", { PATH: "/bin" }), defaultConfig());
  });

  it("hands out fresh arrays and groups", () => {
    const first = fastConfig(undefined, {})!;
    first.stages.push("prestart");
    first.log.level = "debug";
    assert.deepEqual(fastConfig(undefined, {}), defaultConfig());
  });

  it("defers to the schema for what it does not accept (an error to word)", () => {
    for (const text of [
      "{",
      "[]",
      "null",
      '{"enabled":"sometimes"}',
      '{"bogus":1}',
      '{"__proto__":{"x":1}}',
      '{"identity":{"cluster":{"file":""}}}',
    ]) {
      assert.equal(fastConfig(text, {}), undefined, text);
    }
    assert.equal(fastConfig(undefined, { OCI_METADATA_LOG_FILE: "" }), undefined);
  });

  const examples: Array<[string, unknown, Record<string, string>]> = [
    [
      "every key set",
      {
        ...defaultConfig(),
        enabled: "always",
        stages: ["prestart"],
        identity: { cluster: "c", containerInstance: { env: "I" } },
        log: { level: "debug", file: "/l" },
      },
      {},
    ],
    [
      "nested override",
      { log: { level: "warn", file: "/var/log/om.log" } },
      { OCI_METADATA_LOG_LEVEL: "debug", OCI_METADATA_IDENTITY_CLUSTER: "prod" },
    ],
    [
      "list overrides",
      {},
      { OCI_METADATA_STAGES: " createRuntime ,, poststop", OCI_METADATA_ANNOTATIONS_TO_INCLUDE: "a,b/*" },
    ],
    ["override replaces a non-object group", { log: "debug" }, { OCI_METADATA_LOG_LEVEL: "warn" }],
    ["identity file source", { identity: { cluster: { file: "/etc/c" } } }, {}],
    ["empty windows roots", { windows: { hostRoot: "", containerRoot: "" } }, {}],
  ];
  for (const [name, raw, env] of examples) {
    it(`agrees with the schema [${name}]`, () => {
      assert.notEqual(fastConfig(JSON.stringify(raw), env), undefined);
      agree(JSON.stringify(raw), env);
    });
  }

  it("agrees with the schema on configs near every rule", () => {
    fc.assert(
      fc.property(withStrays, envArb, (raw, env) => agree(JSON.stringify(raw), env)),
      { numRuns: 2000 },
    );
  });

  it("accepts every valid config, with the schema's result", () => {
    fc.assert(
      fc.property(valid, (raw) => {
        assert.notEqual(fastConfig(JSON.stringify(raw), {}), undefined, JSON.stringify(raw));
        agree(JSON.stringify(raw));
      }),
      { numRuns: 1000 },
    );
  });

  it("agrees with the schema on arbitrary JSON and text", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => agree(JSON.stringify(raw))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => agree(text)),
      { numRuns: 300 },
    );
  });
});
