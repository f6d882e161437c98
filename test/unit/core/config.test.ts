// Tests src/core/config.ts: defaults, OCI_METADATA_* env overrides, and validation errors
// that name the key path, the expected form and the value that came (with its type).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  applyEnvOverrides,
  type Config,
  DEFAULT_CONFIG_PATH,
  defaultConfig,
  loadConfig,
  validateConfig,
} from "../../../src/core/config.js";
import { isOciMetadataError, type OciMetadataError } from "../../../src/core/errors.js";

// Reads a dotted key path out of a config.
function at(config: Config, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], config);
}

// Runs fn and returns the message of the OciMetadataError it throws.
function errorOf(fn: () => unknown): OciMetadataError {
  try {
    fn();
  } catch (err) {
    assert.ok(isOciMetadataError(err), `expected an OciMetadataError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a throw");
}

describe("defaultConfig", () => {
  const cases: Array<[string, string, unknown]> = [
    ["enabled", "enabled", "opt-in"],
    ["opt-in-annotation", "optInAnnotation", "oci-metadata.io/enabled"],
    ["host-root", "hostRoot", "/var/lib/ecs/data/metadata"],
    ["container-root", "containerRoot", "/ecs/metadata"],
    ["file-name", "fileName", "ecs-container-metadata.json"],
    ["env-name", "envName", "ECS_CONTAINER_METADATA_FILE"],
    ["stages", "stages", ["createRuntime", "poststop"]],
    ["failure-policy", "failurePolicy", "ignore"],
    ["identity", "identity", {}],
    ["annotations-to-include", "annotationsToInclude", []],
    ["windows-host-root", "windows.hostRoot", "%ProgramData%\\Amazon\\ECS\\data\\metadata"],
    ["windows-container-root", "windows.containerRoot", "C:\\Amazon\\ECS\\metadata"],
    ["log-level", "log.level", "info"],
    ["log-file", "log.file", undefined],
    ["docker-socket", "dockerSocket", "/var/run/docker.sock"],
    ["nri-socket", "nri.socket", "/var/run/nri/nri.sock"],
    ["nri-plugin-name", "nri.pluginName", "oci-metadata"],
    ["nri-plugin-idx", "nri.pluginIdx", "50"],
  ];
  for (const [name, path, expected] of cases) {
    it(`defaults ${path} [${name}]`, () => assert.deepEqual(at(defaultConfig(), path), expected));
  }

  it("has no keys beyond the documented ones", () => {
    assert.deepEqual(Object.keys(defaultConfig()).sort(), [
      "annotationsToInclude",
      "containerRoot",
      "dockerSocket",
      "enabled",
      "envName",
      "failurePolicy",
      "fileName",
      "hostRoot",
      "identity",
      "log",
      "nri",
      "optInAnnotation",
      "stages",
      "windows",
    ]);
  });

  it("hands out fresh arrays, so one caller's mutation does not leak into the next", () => {
    const first = defaultConfig();
    first.stages.push("prestart");
    first.annotationsToInclude.push("x");
    assert.deepEqual(defaultConfig().stages, ["createRuntime", "poststop"]);
    assert.deepEqual(defaultConfig().annotationsToInclude, []);
  });

  it("names the default config path", () => {
    assert.equal(DEFAULT_CONFIG_PATH, "/etc/oci-metadata/config.json");
  });
});

describe("loadConfig", () => {
  it("uses the defaults for missing, empty or blank text", () => {
    for (const text of [undefined, "", "  \n\t "]) assert.deepEqual(loadConfig(text, {}), defaultConfig());
  });

  it("uses the defaults for an empty object", () => {
    assert.deepEqual(loadConfig("{}", {}), defaultConfig());
  });

  it("reads values from the file and keeps defaults for the rest", () => {
    const config = loadConfig(
      JSON.stringify({
        enabled: "always",
        log: { file: "/var/log/om.log" },
        identity: { cluster: { file: "/etc/cluster" } },
      }),
      {},
    );
    assert.equal(config.enabled, "always");
    assert.deepEqual(config.log, { level: "info", file: "/var/log/om.log" });
    assert.deepEqual(config.identity, { cluster: { file: "/etc/cluster" } });
    assert.equal(config.hostRoot, "/var/lib/ecs/data/metadata");
  });

  it("accepts every identity source form", () => {
    for (const source of ["prod", { file: "/etc/c" }, { env: "CLUSTER" }]) {
      assert.deepEqual(
        loadConfig(JSON.stringify({ identity: { containerInstance: source } }), {}).identity.containerInstance,
        source,
      );
    }
  });

  it("refuses invalid JSON text and says so", () => {
    const err = errorOf(() => loadConfig("{", {}));
    assert.equal(err.code, "config-invalid");
    // The detail after the colon is the JSON parser's own wording, which varies by runtime.
    assert.match(err.message, /^\[config-invalid\] reading config: not valid JSON: \S/);
  });

  it("names the source it was given in the message", () => {
    assert.match(
      errorOf(() => loadConfig("{", {}, "/etc/oci-metadata/config.json")).message,
      /^\[config-invalid\] reading \/etc\/oci-metadata\/config\.json: not valid JSON: /,
    );
  });

  const nonObjects: Array<[string, string, string]> = [
    ["array", "[1,2]", "[1,2] (array)"],
    ["null", "null", "null (null)"],
    ["number", "42", "42 (number)"],
    ["string", `"always"`, `"always" (string)`],
    ["boolean", "true", "true (boolean)"],
  ];
  for (const [name, text, got] of nonObjects) {
    it(`refuses JSON that is not an object [${name}]`, () => {
      assert.equal(
        errorOf(() => loadConfig(text, {})).message,
        `[config-invalid] reading config: expected a JSON object, got ${got}`,
      );
    });
  }

  // The message names the key path, what was expected, and what came with its type.
  const badValues: Array<[string, unknown, string]> = [
    [
      "enabled-unknown-word",
      { enabled: "sometimes" },
      `enabled: expected one of always|opt-in|never, got "sometimes" (string)`,
    ],
    ["enabled-boolean", { enabled: true }, "enabled: expected one of always|opt-in|never, got true (boolean)"],
    ["failure-policy", { failurePolicy: "retry" }, `failurePolicy: expected one of ignore|fail, got "retry" (string)`],
    ["stages-not-a-list", { stages: "createRuntime" }, `stages: expected array, got "createRuntime" (string)`],
    [
      "stages-unknown-stage",
      { stages: ["createRuntime", "bogus"] },
      `stages.1: expected one of prestart|createRuntime|poststart|poststop, got "bogus" (string)`,
    ],
    ["host-root-relative", { hostRoot: "var/lib/x" }, `hostRoot: must be an absolute path, got "var/lib/x" (string)`],
    ["host-root-number", { hostRoot: 5 }, "hostRoot: expected string, got 5 (number)"],
    [
      "container-root-relative",
      { containerRoot: "ecs" },
      `containerRoot: must be an absolute path, got "ecs" (string)`,
    ],
    [
      "file-name-with-slash",
      { fileName: "a/b" },
      `fileName: must be a plain file name (not starting with a dot or a dash), got "a/b" (string)`,
    ],
    ["env-name-leading-digit", { envName: "1X" }, `envName: must be an env var name, got "1X" (string)`],
    ["log-not-an-object", { log: "debug" }, `log: expected object, got "debug" (string)`],
    [
      "log-level",
      { log: { level: "loud" } },
      `log.level: expected one of debug|info|warn|error|silent, got "loud" (string)`,
    ],
    ["log-file-relative", { log: { file: "om.log" } }, `log.file: must be an absolute path, got "om.log" (string)`],
    ["windows-host-root-number", { windows: { hostRoot: 3 } }, "windows.hostRoot: expected string, got 3 (number)"],
    [
      "identity-cluster-number",
      { identity: { cluster: 5 } },
      `identity.cluster: expected a string, {"file": PATH} or {"env": NAME}, got 5 (number)`,
    ],
    [
      "annotations-to-include-number",
      { annotationsToInclude: [1] },
      "annotationsToInclude.0: expected string, got 1 (number)",
    ],
  ];
  for (const [name, raw, detail] of badValues) {
    it(`names the key, the expectation and the value [${name}]`, () => {
      const err = errorOf(() => loadConfig(JSON.stringify(raw), {}));
      assert.equal(err.code, "config-invalid");
      assert.equal(err.message, `[config-invalid] reading config: ${detail}`);
    });
  }

  // zod/mini carries no locale: a bare minLength check must still say what it expected.
  const emptyStrings: Array<[string, unknown, string]> = [
    ["opt-in-annotation-empty", { optInAnnotation: "" }, "optInAnnotation"],
    ["identity-file-empty", { identity: { cluster: { file: "" } } }, "identity.cluster.file"],
    ["identity-env-empty", { identity: { containerInstance: { env: "" } } }, "identity.containerInstance.env"],
  ];
  for (const [name, raw, key] of emptyStrings) {
    it(`says what was expected for an empty string [${name}]`, () => {
      assert.equal(
        errorOf(() => loadConfig(JSON.stringify(raw), {})).message,
        `[config-invalid] reading config: ${key}: expected at least 1 character(s), got "" (string)`,
      );
    });
  }

  const unknownKeys: Array<[string, unknown, string]> = [
    ["top-level", { bogus: 1 }, `(root): unknown key "bogus"; known: enabled, optInAnnotation, hostRoot,`],
    ["two-top-level", { a: 1, b: 2 }, `(root): unknown keys "a", "b"; known: enabled,`],
    ["nested-in-log", { log: { lvl: "debug" } }, `log: unknown key "lvl"; known: level, file`],
    [
      "nested-in-identity",
      { identity: { region: "eu" } },
      `identity: unknown key "region"; known: cluster, containerInstance,`,
    ],
    ["nested-in-windows", { windows: { root: "C:\\" } }, `windows: unknown key "root"; known: hostRoot, containerRoot`],
    ["in-identity-source", { identity: { cluster: { file: "/x", mode: 1 } } }, `identity.cluster: unknown key "mode"`],
    ["typo-case", { hostroot: "/x" }, `(root): unknown key "hostroot" (did you mean "hostRoot"?); known:`],
    [
      "typo-letters",
      { failurPolicy: "fail" },
      `(root): unknown key "failurPolicy" (did you mean "failurePolicy"?); known:`,
    ],
    [
      "typo-nested",
      { log: { levle: "debug" } },
      `log: unknown key "levle" (did you mean "level"?); known: level, file`,
    ],
    ["typo-snake-case", { nri: { plugin_idx: "50" } }, `nri: unknown key "plugin_idx" (did you mean "pluginIdx"?)`],
    ["no-near-key", { colour: "red" }, `(root): unknown key "colour"; known:`],
  ];
  for (const [name, raw, detail] of unknownKeys) {
    it(`rejects unknown keys, suggesting a near one [${name}]`, () => {
      const message = errorOf(() => loadConfig(JSON.stringify(raw), {})).message;
      assert.ok(message.startsWith(`[config-invalid] reading config: ${detail}`), message);
    });
  }

  it("keeps the message on one line even for a hostile value", () => {
    const message = errorOf(() => loadConfig(JSON.stringify({ enabled: "a\nb" }), {})).message;
    assert.equal(
      message,
      `[config-invalid] reading config: enabled: expected one of always|opt-in|never, got "a\\nb" (string)`,
    );
  });
});

describe("env overrides", () => {
  // Every OCI_METADATA_* name, a value for it, and where it lands.
  const cases: Array<[string, string, string, unknown]> = [
    ["OCI_METADATA_ENABLED", "always", "enabled", "always"],
    ["OCI_METADATA_OPT_IN_ANNOTATION", "example.com/metadata", "optInAnnotation", "example.com/metadata"],
    ["OCI_METADATA_HOST_ROOT", "/run/om", "hostRoot", "/run/om"],
    ["OCI_METADATA_CONTAINER_ROOT", "/run/metadata", "containerRoot", "/run/metadata"],
    ["OCI_METADATA_FILE_NAME", "meta.json", "fileName", "meta.json"],
    ["OCI_METADATA_ENV_NAME", "META_FILE", "envName", "META_FILE"],
    ["OCI_METADATA_STAGES", "prestart,poststart", "stages", ["prestart", "poststart"]],
    ["OCI_METADATA_FAILURE_POLICY", "fail", "failurePolicy", "fail"],
    ["OCI_METADATA_IDENTITY_CLUSTER", "prod-eu", "identity.cluster", "prod-eu"],
    ["OCI_METADATA_IDENTITY_CONTAINER_INSTANCE", "node-17", "identity.containerInstance", "node-17"],
    ["OCI_METADATA_IDENTITY_AVAILABILITY_ZONE", "eu-west-1a", "identity.availabilityZone", "eu-west-1a"],
    ["OCI_METADATA_IDENTITY_HOST_PRIVATE_IPV4_ADDRESS", "10.0.0.7", "identity.hostPrivateIPv4Address", "10.0.0.7"],
    ["OCI_METADATA_IDENTITY_HOST_PUBLIC_IPV4_ADDRESS", "203.0.113.9", "identity.hostPublicIPv4Address", "203.0.113.9"],
    ["OCI_METADATA_IDENTITY_HOST_IPV6_ADDRESS", "2001:db8::7", "identity.hostIPv6Address", "2001:db8::7"],
    ["OCI_METADATA_ANNOTATIONS_TO_INCLUDE", "a,b/*", "annotationsToInclude", ["a", "b/*"]],
    ["OCI_METADATA_WINDOWS_HOST_ROOT", "D:\\om", "windows.hostRoot", "D:\\om"],
    ["OCI_METADATA_WINDOWS_CONTAINER_ROOT", "C:\\om", "windows.containerRoot", "C:\\om"],
    ["OCI_METADATA_LOG_LEVEL", "debug", "log.level", "debug"],
    ["OCI_METADATA_LOG_FILE", "/var/log/om.log", "log.file", "/var/log/om.log"],
    ["OCI_METADATA_DOCKER_SOCKET", "/run/dk.sock", "dockerSocket", "/run/dk.sock"],
    ["OCI_METADATA_NRI_SOCKET", "/run/nri/x.sock", "nri.socket", "/run/nri/x.sock"],
    ["OCI_METADATA_NRI_PLUGIN_NAME", "meta", "nri.pluginName", "meta"],
    ["OCI_METADATA_NRI_PLUGIN_IDX", "10", "nri.pluginIdx", "10"],
  ];
  for (const [name, value, path, expected] of cases) {
    it(`${name} sets ${path}`, () => assert.deepEqual(at(loadConfig(undefined, { [name]: value }), path), expected));
  }

  it("beats the value from the file", () => {
    const config = loadConfig(JSON.stringify({ enabled: "never", envName: "META" }), {
      OCI_METADATA_ENABLED: "always",
    });
    assert.equal(config.enabled, "always");
    assert.equal(config.envName, "META");
  });

  it("merges a nested override with the file's siblings", () => {
    const text = JSON.stringify({
      log: { level: "warn", file: "/var/log/om.log" },
      identity: { containerInstance: { file: "/etc/instance" } },
    });
    const config = loadConfig(text, { OCI_METADATA_LOG_LEVEL: "debug", OCI_METADATA_IDENTITY_CLUSTER: "prod-eu" });
    assert.deepEqual(config.log, { level: "debug", file: "/var/log/om.log" });
    assert.deepEqual(config.identity, { cluster: "prod-eu", containerInstance: { file: "/etc/instance" } });
  });

  const lists: Array<[string, string, string[]]> = [
    ["one-item", "createRuntime", ["createRuntime"]],
    ["two-items", "createRuntime,poststop", ["createRuntime", "poststop"]],
    ["spaces-trimmed", " createRuntime ,  poststart ", ["createRuntime", "poststart"]],
    ["empty-items-dropped", "createRuntime,,poststop,", ["createRuntime", "poststop"]],
    ["empty-string", "", []],
  ];
  for (const [name, value, expected] of lists) {
    it(`splits OCI_METADATA_STAGES on commas [${name}]`, () => {
      assert.deepEqual(loadConfig(undefined, { OCI_METADATA_STAGES: value }).stages, expected);
    });
  }

  it("ignores unset variables and unrelated names", () => {
    const env = { OCI_METADATA_ENABLED: undefined, OCI_METADATA_BOGUS: "x", PATH: "/bin", HOME: "/root" };
    assert.deepEqual(loadConfig(undefined, env), defaultConfig());
  });

  it("applies an empty string as a value (it does not mean unset)", () => {
    const err = errorOf(() => loadConfig(undefined, { OCI_METADATA_ENABLED: "" }));
    assert.equal(
      err.message,
      `[config-invalid] reading $OCI_METADATA_ENABLED (environment): enabled: expected one of always|opt-in|never, got "" (string)`,
    );
  });

  it("a bad value in a file is the file's, even with other env overrides set (issue 13)", () => {
    const err = errorOf(() =>
      loadConfig('{"enabled": "sometimes"}', { OCI_METADATA_LOG_LEVEL: "debug" }, "/etc/x.json"),
    );
    assert.match(err.message, /^\[config-invalid\] reading \/etc\/x\.json: enabled: /);
  });

  it("validates an override and names the nested key", () => {
    assert.equal(
      errorOf(() => loadConfig(undefined, { OCI_METADATA_LOG_LEVEL: "loud" })).message,
      `[config-invalid] reading $OCI_METADATA_LOG_LEVEL (environment): log.level: expected one of debug|info|warn|error|silent, got "loud" (string)`,
    );
    assert.equal(
      errorOf(() => loadConfig(undefined, { OCI_METADATA_STAGES: "createRuntime,start" })).message,
      `[config-invalid] reading $OCI_METADATA_STAGES (environment): stages.1: expected one of prestart|createRuntime|poststart|poststop, got "start" (string)`,
    );
    assert.equal(
      errorOf(() => loadConfig(undefined, { OCI_METADATA_HOST_ROOT: "relative" })).message,
      `[config-invalid] reading $OCI_METADATA_HOST_ROOT (environment): hostRoot: must be an absolute path, got "relative" (string)`,
    );
  });

  it("replaces a non-object group in the file when a nested override is set", () => {
    assert.deepEqual(applyEnvOverrides({ log: "debug" }, { OCI_METADATA_LOG_LEVEL: "warn" }), {
      log: { level: "warn" },
    });
  });

  it("does not mutate the object it was given", () => {
    const raw = { log: { level: "warn" }, stages: ["poststop"] };
    const before = structuredClone(raw);
    const out = applyEnvOverrides(raw, { OCI_METADATA_LOG_LEVEL: "debug", OCI_METADATA_STAGES: "createRuntime" });
    assert.deepEqual(raw, before);
    assert.deepEqual(out, { log: { level: "debug" }, stages: ["createRuntime"] });
  });
});

describe("fileName", () => {
  it("refuses a name the store would refuse (a leading dot)", () => {
    assert.equal(
      errorOf(() => loadConfig(JSON.stringify({ fileName: ".hidden" }), {})).message,
      '[config-invalid] reading config: fileName: must be a plain file name (not starting with a dot or a dash), got ".hidden" (string)',
    );
  });
});

describe("config errors for arbitrary input", () => {
  const keys = [
    "enabled",
    "optInAnnotation",
    "hostRoot",
    "containerRoot",
    "fileName",
    "envName",
    "stages",
    "failurePolicy",
    "identity",
    "annotationsToInclude",
    "windows",
    "log",
    "dockerSocket",
    "nri",
  ];

  it("either load or fail with a one-line config-invalid message naming a key and the value", () => {
    const raw = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), fc.jsonValue(), { maxKeys: 4 });
    fc.assert(
      fc.property(raw, (value) => {
        try {
          loadConfig(JSON.stringify(value), {});
        } catch (err) {
          assert.ok(isOciMetadataError(err));
          assert.equal(err.code, "config-invalid");
          assert.match(
            err.message,
            /^\[config-invalid\] reading config: [^:\s]+: (.+, got .+ \((string|number|boolean|null|array|object)\)|unknown keys? .+)$/,
          );
          assert.doesNotMatch(err.message, /Invalid input|[\n\r]/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("validateConfig", () => {
  it("accepts a full valid object and returns it with nothing added but defaults", () => {
    const raw = { ...defaultConfig(), enabled: "always", stages: ["prestart"] };
    assert.deepEqual(validateConfig(raw), raw);
  });

  it("names (root) when the whole value is wrong", () => {
    assert.equal(
      errorOf(() => validateConfig(5)).message,
      "[config-invalid] reading config: (root): expected object, got 5 (number)",
    );
    assert.equal(
      errorOf(() => validateConfig(null, "env")).message,
      "[config-invalid] reading env: (root): expected object, got null (null)",
    );
  });
});
