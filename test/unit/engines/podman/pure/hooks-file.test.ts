// Tests src/core/hooks-file.ts: the oci-hooks(5) 1.0.0 file for podman's hooks.d — opt-in
// filters on anchored annotation regexes (configured key and the seed's metadataEnable, value
// case-insensitive), always otherwise; args, explicit PATH, timeout, precreate only; and
// re2Literal, checked with JS RegExp (the same as RE2 for these patterns; `(?i)` is RE2-only,
// so it is stripped and the `i` flag used instead).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type Config, defaultConfig } from "../../../../../src/core/config.js";
import { SEED_OPT_IN_KEY } from "../../../../../src/core/plan.js";
import { HOOK_PATH_ENV, hooksDFile, re2Literal } from "../../../../../src/engines/podman/pure/hooks-file.js";

const BIN = "/usr/local/bin/oci-metadata";

function config(over: Partial<Config> = {}): Config {
  return { ...defaultConfig(), ...over };
}

interface HooksFile {
  version: string;
  hook: { path: string; args: string[]; env: string[]; timeout: number };
  when: { always?: boolean; annotations?: Record<string, string> };
  stages: string[];
}

const file = (c: Config, configPath?: string) => hooksDFile(c, BIN, configPath) as unknown as HooksFile;

// The one annotation filter of an opt-in file, as JS regexes.
function filters(c: Config): { key: RegExp; value: RegExp } {
  const annotations = file(c).when.annotations ?? {};
  const entries = Object.entries(annotations);
  assert.equal(entries.length, 1, JSON.stringify(annotations));
  const [key, value] = entries[0]!;
  assert.ok(value.startsWith("^(?i)"), value);
  return { key: new RegExp(key), value: new RegExp(`^${value.slice("^(?i)".length)}`, "i") };
}

describe("hooksDFile", () => {
  it("writes the whole oci-hooks 1.0.0 file for the default (opt-in) config", () => {
    assert.deepEqual(hooksDFile(defaultConfig(), BIN), {
      version: "1.0.0",
      hook: {
        path: BIN,
        args: ["oci-metadata", "precreate"],
        env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        timeout: 10,
      },
      when: {
        annotations: { "^(oci-metadata\\.io/enabled|metadataEnable)$": "^(?i)\\s*(true|1|yes|on|enabled)\\s*$" },
      },
      stages: ["precreate"],
    });
  });

  for (const enabled of ["always", "never"] as const) {
    it(`runs for every container unless the config is opt-in [${enabled}]`, () => {
      assert.deepEqual(file(config({ enabled })).when, { always: true });
    });
  }

  it("passes --config with the config's path when one is given", () => {
    assert.deepEqual(file(defaultConfig(), "/etc/oci-metadata/config.json").hook.args, [
      "oci-metadata",
      "precreate",
      "--config",
      "/etc/oci-metadata/config.json",
    ]);
  });

  it("passes no --config without a path", () => {
    assert.deepEqual(file(defaultConfig()).hook.args, ["oci-metadata", "precreate"]);
    assert.deepEqual(file(defaultConfig(), "").hook.args, ["oci-metadata", "precreate"]);
  });

  it("gives the hook an explicit PATH, since podman runs precreate with an empty environment", () => {
    const env = file(config({ enabled: "always" })).hook.env;
    assert.deepEqual(env, [HOOK_PATH_ENV]);
    assert.match(HOOK_PATH_ENV, /^PATH=\//);
    assert.ok(HOOK_PATH_ENV.split("=")[1]!.split(":").includes("/usr/bin"));
  });

  it("sets a positive timeout and registers for precreate only", () => {
    for (const c of [defaultConfig(), config({ enabled: "always", stages: ["prestart", "poststart"] })]) {
      const f = file(c);
      assert.ok(Number.isInteger(f.hook.timeout) && f.hook.timeout > 0);
      assert.deepEqual(f.stages, ["precreate"]);
      assert.equal(f.version, "1.0.0");
      assert.equal(f.hook.path, BIN);
    }
  });

  it("depends only on its arguments (podman rejects every container over one bad file)", () => {
    assert.deepEqual(hooksDFile(defaultConfig(), BIN, "/c.json"), hooksDFile(defaultConfig(), BIN, "/c.json"));
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(hooksDFile(defaultConfig(), BIN))));
  });
});

describe("hooksDFile opt-in filter", () => {
  const keys: Array<[string, string, boolean]> = [
    ["configured-key", "oci-metadata.io/enabled", true],
    ["seed-key", SEED_OPT_IN_KEY, true],
    ["prefixed-key", "xoci-metadata.io/enabled", false],
    ["suffixed-key", "oci-metadata.io/enabled2", false],
    ["dot-as-any-char", "oci-metadataXio/enabled", false],
    ["prefixed-seed", "xmetadataEnable", false],
    ["suffixed-seed", "metadataEnabled", false],
    ["other-case", "OCI-METADATA.IO/ENABLED", false],
    ["both-keys-joined", "oci-metadata.io/enabled|metadataEnable", false],
    ["empty", "", false],
  ];
  for (const [name, key, matches] of keys) {
    it(`matches exactly the configured and seed keys [${name}]`, () => {
      assert.equal(filters(defaultConfig()).key.test(key), matches);
    });
  }

  it("covers a custom annotation name with regex metacharacters literally", () => {
    const { key } = filters(config({ optInAnnotation: "example.com/metadata+(on)" }));
    assert.ok(key.test("example.com/metadata+(on)"));
    assert.ok(key.test(SEED_OPT_IN_KEY));
    assert.ok(!key.test("example.com/metadata(on)"));
    assert.ok(!key.test("exampleXcom/metadata+(on)"));
    assert.ok(!key.test("oci-metadata.io/enabled"));
  });

  const values: Array<[string, string, boolean]> = [
    ["true", "true", true],
    ["one", "1", true],
    ["yes", "yes", true],
    ["on", "on", true],
    ["enabled", "enabled", true],
    ["upper-case", "TRUE", true],
    ["mixed-case", "Yes", true],
    ["false", "false", false],
    ["zero", "0", false],
    ["prefix-only", "tru", false],
    ["longer", "truthy", false],
    ["two-words", "true false", false],
    ["prefixed", "not-true", false],
    ["ten", "10", false],
    ["empty", "", false],
  ];
  for (const [name, value, matches] of values) {
    it(`matches the opt-in words case-insensitively and anchored [${name}]`, () => {
      assert.equal(filters(defaultConfig()).value.test(value), matches);
    });
  }

  // The plan trims the annotation value (plan.test.ts: " true ", "On\n" opt in); podman matches
  // the raw value, so a padded value opts in everywhere except for podman's hooks.d filter.
  for (const [name, value] of [
    ["padded", " true "],
    ["trailing-newline", "On\n"],
  ] as const) {
    it(`lets through every value the plan opts in on [${name}]`, () => {
      assert.ok(filters(defaultConfig()).value.test(value));
    });
  }
});

describe("re2Literal", () => {
  const literals: Array<[string, string]> = [
    ["dot", "oci-metadata.io/enabled"],
    ["plus", "a+b"],
    ["star", "a*"],
    ["question", "a?b"],
    ["pipe", "a|b"],
    ["anchors", "^a$"],
    ["parens", "(a)"],
    ["brackets", "[ab]"],
    ["braces", "a{2}"],
    ["backslash", "a\\d"],
    ["all", "\\^$.|?*+()[]{}"],
    ["plain", "metadataEnable"],
    ["slash-and-dash", "example.com/x-y_z"],
  ];
  for (const [name, text] of literals) {
    it(`escapes regex metacharacters so the pattern matches the literal only [${name}]`, () => {
      const re = new RegExp(`^(${re2Literal(text)})$`);
      assert.ok(re.test(text));
      assert.ok(!re.test(`x${text}`));
      assert.ok(!re.test(`${text}x`));
    });
  }

  it("leaves text without metacharacters unchanged", () => {
    assert.equal(re2Literal("oci-metadata-io/enabled_1"), "oci-metadata-io/enabled_1");
  });

  it("escapes with one backslash per metacharacter", () => {
    assert.equal(re2Literal("a.b|c"), "a\\.b\\|c");
  });

  it("matches exactly its own text for any string", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (text, extra) => {
        const re = new RegExp(`^(${re2Literal(text)})$`);
        assert.ok(re.test(text));
        assert.ok(!re.test(`${text}${extra}`));
        assert.ok(!re.test(`${extra}${text}`));
      }),
      { numRuns: 1000 },
    );
  });

  it("never lets a metacharacter act on its own", () => {
    const meta = fc.string({
      unit: fc.constantFrom("\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}", "a", "-", "/"),
    });
    fc.assert(
      fc.property(meta, meta, (a, b) => {
        const re = new RegExp(`^(${re2Literal(a)})$`);
        assert.equal(re.test(b), a === b);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("hooksDFile --bin", () => {
  const relative: Array<[string, string]> = [
    ["bare-name", "oci-metadata"],
    ["dot-slash", "./dist/oci-metadata"],
    ["parent", "../bin/oci-metadata"],
    ["empty", ""],
  ];
  for (const [name, bin] of relative) {
    it(`refuses a relative binary, which podman would silently not run [${name}]`, () => {
      assert.throws(
        () => hooksDFile(defaultConfig(), bin),
        (err: Error) =>
          err.message ===
          `[usage] hooks-file --bin: expected an absolute path (podman runs the hook from another directory), got ${JSON.stringify(bin)}`,
      );
    });
  }

  it("takes an absolute binary as it is", () => {
    assert.equal(
      (hooksDFile(defaultConfig(), "/usr/local/bin/oci-metadata").hook as { path: string }).path,
      "/usr/local/bin/oci-metadata",
    );
  });
});
