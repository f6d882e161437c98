// Tests src/core/runtime-args.ts: our leading flags are split off and never reach runc, runc's
// argv is passed on exactly, and the fields the wrapper reads (command, id, bundle, root, log,
// pid file) come out right for the argv shapes containerd's runc shim and dockerd really use —
// including a bundle or root directory *named* like a command.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseRuntimeArgv, type RuntimeCall } from "../../../../../src/engines/docker/pure/runtime-args.js";

const ID = "3f4c8a1e9b2d7c6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7";
const BUNDLE = `/run/containerd/io.containerd.runtime.v2.task/moby/${ID}`;
// The global flags containerd's runc shim puts before every command for dockerd's containers.
const SHIM = ["--root", "/var/run/docker/runtime-runc/moby", "--log", `${BUNDLE}/log.json`, "--log-format", "json"];
const SHIM_FIELDS = { root: "/var/run/docker/runtime-runc/moby", log: `${BUNDLE}/log.json`, logFormat: "json" };

// The fields of a call other than `ours` and `runtimeArgv`.
function fields(call: RuntimeCall): Omit<RuntimeCall, "ours" | "runtimeArgv"> {
  const { ours: _ours, runtimeArgv: _argv, ...rest } = call;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

describe("parseRuntimeArgv our flags", () => {
  const cases: Array<[string, string[], RuntimeCall["ours"]]> = [
    ["config-separate", ["--config", "/etc/oci-metadata/config.json"], { config: "/etc/oci-metadata/config.json" }],
    ["config-inline", ["--config=/etc/oci-metadata/config.json"], { config: "/etc/oci-metadata/config.json" }],
    ["runtime-separate", ["--runtime", "/usr/bin/runc"], { runtime: "/usr/bin/runc" }],
    ["runtime-inline", ["--runtime=/usr/bin/crun"], { runtime: "/usr/bin/crun" }],
    ["both", ["--config", "/c.json", "--runtime", "/usr/sbin/runc"], { config: "/c.json", runtime: "/usr/sbin/runc" }],
    [
      "both-reversed-inline",
      ["--runtime=/usr/sbin/runc", "--config=/c.json"],
      { config: "/c.json", runtime: "/usr/sbin/runc" },
    ],
    ["inline-value-with-equals", ["--config=/etc/a=b.json"], { config: "/etc/a=b.json" }],
    ["none", [], {}],
  ];
  for (const [name, ours, expected] of cases) {
    it(`splits our leading flags off and never passes them on [${name}]`, () => {
      const rest = [...SHIM, "create", "--bundle", BUNDLE, ID];
      const call = parseRuntimeArgv([...ours, ...rest]);
      assert.deepEqual(call.ours, expected);
      assert.deepEqual(call.runtimeArgv, rest);
      assert.equal(call.command, "create");
      assert.equal(call.id, ID);
    });
  }

  it("leaves a --config that comes after runc's own flags to runc", () => {
    const argv = ["--root", "/r", "--config", "/c.json", "state", ID];
    const call = parseRuntimeArgv(argv);
    assert.deepEqual(call.ours, {});
    assert.deepEqual(call.runtimeArgv, argv);
  });

  it("does not take a flag that merely starts with --config for ours", () => {
    const argv = ["--configure", "x", "state", ID];
    const call = parseRuntimeArgv(argv);
    assert.deepEqual(call.ours, {});
    assert.deepEqual(call.runtimeArgv, argv);
  });

  it("returns the runtime argv as a new array, leaving the input alone", () => {
    const argv = ["--config", "/c.json", "start", ID];
    const copy = [...argv];
    const call = parseRuntimeArgv(argv);
    assert.deepEqual(argv, copy);
    call.runtimeArgv.push("extra");
    assert.deepEqual(argv, copy);
  });
});

describe("parseRuntimeArgv runc grammar", () => {
  const cases: Array<[string, string[], Omit<RuntimeCall, "ours" | "runtimeArgv">]> = [
    [
      "shim-create",
      [...SHIM, "create", "--bundle", BUNDLE, "--pid-file", `${BUNDLE}/init.pid`, ID],
      { ...SHIM_FIELDS, command: "create", bundle: BUNDLE, pidFile: `${BUNDLE}/init.pid`, id: ID },
    ],
    ["shim-start", [...SHIM, "start", ID], { ...SHIM_FIELDS, command: "start", id: ID }],
    ["shim-delete-force", [...SHIM, "delete", "--force", ID], { ...SHIM_FIELDS, command: "delete", id: ID }],
    ["shim-kill-signal", [...SHIM, "kill", ID, "9"], { ...SHIM_FIELDS, command: "kill", id: ID }],
    ["shim-kill-all", [...SHIM, "kill", "--all", ID, "15"], { ...SHIM_FIELDS, command: "kill", id: ID }],
    ["shim-state", [...SHIM, "state", ID], { ...SHIM_FIELDS, command: "state", id: ID }],
    [
      "shim-exec",
      [...SHIM, "exec", "--process", "/tmp/runc-process123", "--detach", "--pid-file", `${BUNDLE}/x.pid`, ID],
      { ...SHIM_FIELDS, command: "exec", pidFile: `${BUNDLE}/x.pid`, id: ID },
    ],
    [
      "shim-exec-console",
      [
        ...SHIM,
        "exec",
        "--process",
        "/tmp/runc-process9",
        "--console-socket",
        "/tmp/pty.sock",
        "--detach",
        "--pid-file",
        "/b/x.pid",
        ID,
      ],
      { ...SHIM_FIELDS, command: "exec", pidFile: "/b/x.pid", id: ID },
    ],
    ["exec-short-process", ["exec", "-p", "/tmp/p.json", "-d", ID], { command: "exec", id: ID }],
    [
      "exec-command-after-id",
      ["exec", "-e", "A=1", "-u", "1000:1000", "--cwd", "/srv", ID, "sh", "-c", "true"],
      { command: "exec", id: ID },
    ],
    ["bundle-short", ["create", "-b", "/b", ID], { command: "create", bundle: "/b", id: ID }],
    ["bundle-inline", ["create", "--bundle=/b", ID], { command: "create", bundle: "/b", id: ID }],
    ["bundle-short-inline", ["create", "-b=/b", ID], { command: "create", bundle: "/b", id: ID }],
    [
      "root-inline",
      ["--root=/run/runc", "--log-format=text", "start", ID],
      { root: "/run/runc", logFormat: "text", command: "start", id: ID },
    ],
    [
      "console-and-fds",
      ["create", "--console-socket", "/tmp/s.sock", "--preserve-fds", "2", "--bundle", "/b", ID],
      { command: "create", bundle: "/b", id: ID },
    ],
    [
      "global-bools",
      ["--debug", "--systemd-cgroup", "--rootless", "auto", "create", "--no-pivot", "-b", "/b", ID],
      { command: "create", bundle: "/b", id: ID },
    ],
    [
      "run-detached",
      ["run", "-d", "--bundle", "/b", "--pid-file", "/b/p", ID],
      { command: "run", bundle: "/b", pidFile: "/b/p", id: ID },
    ],
    ["cwd-bundle-default", ["create", ID], { command: "create", id: ID }],
  ];
  for (const [name, argv, expected] of cases) {
    it(`reads command, id and paths without touching the argv [${name}]`, () => {
      const call = parseRuntimeArgv(argv);
      assert.deepEqual(fields(call), expected);
      assert.deepEqual(call.runtimeArgv, argv);
    });
  }

  // runc's value flags are known, so a directory named like a command stays a value (rule 6).
  const named: Array<[string, string[], Omit<RuntimeCall, "ours" | "runtimeArgv">]> = [
    ["root-named-create", ["--root", "create", "start", ID], { root: "create", command: "start", id: ID }],
    [
      "root-named-start",
      ["--root", "start", "create", "--bundle", "/b", ID],
      { root: "start", command: "create", bundle: "/b", id: ID },
    ],
    ["bundle-named-start", ["create", "--bundle", "start", ID], { command: "create", bundle: "start", id: ID }],
    ["bundle-named-create", ["create", "-b", "create", ID], { command: "create", bundle: "create", id: ID }],
    ["log-named-create", ["--log", "create", "start", ID], { log: "create", command: "start", id: ID }],
    [
      "pid-file-named-start",
      ["create", "--pid-file", "start", "--bundle", "/b", ID],
      { command: "create", pidFile: "start", bundle: "/b", id: ID },
    ],
    ["console-socket-named-create", ["create", "--console-socket", "create", ID], { command: "create", id: ID }],
    ["container-named-create", ["start", "create"], { command: "start", id: "create" }],
  ];
  for (const [name, argv, expected] of named) {
    it(`never takes a value named like a command for the command [${name}]`, () => {
      const call = parseRuntimeArgv(["--config", "/c.json", ...argv]);
      assert.deepEqual(fields(call), expected);
      assert.deepEqual(call.runtimeArgv, argv);
    });
  }

  const noCommand: Array<[string, string[]]> = [
    ["version", ["--version"]],
    ["version-short", ["-v"]],
    ["help", ["--help"]],
    ["help-short", ["-h"]],
    ["no-args", []],
    ["only-ours", ["--config", "/c.json", "--runtime", "/usr/bin/runc"]],
    ["only-globals", ["--root", "/r", "--debug"]],
  ];
  for (const [name, argv] of noCommand) {
    it(`finds no command and no id where runc has none [${name}]`, () => {
      const call = parseRuntimeArgv(argv);
      assert.equal(call.command, undefined);
      assert.equal(call.id, undefined);
      assert.equal(call.bundle, undefined);
    });
  }

  it("reads the command of `help create` as help, not create", () => {
    assert.equal(parseRuntimeArgv(["help", "create"]).command, "help");
  });

  it("finds no id when a command has none", () => {
    const call = parseRuntimeArgv(["create", "--bundle", "/b"]);
    assert.equal(call.command, "create");
    assert.equal(call.bundle, "/b");
    assert.equal(call.id, undefined);
  });

  it("keeps a lone dash as a positional", () => {
    assert.equal(parseRuntimeArgv(["start", "-"]).id, "-");
  });

  // runc ≥ 1.2 has `--pidfd-socket PATH` on create, run and exec (runc tests/integration/pidfd-socket.bats).
  it("reads the id after a --pidfd-socket value", () => {
    const call = parseRuntimeArgv(["create", "--pidfd-socket", "/run/pidfd.sock", "--bundle", "/b", ID]);
    assert.equal(call.id, ID);
  });

  // runc ≥ 1.1 has `exec --cgroup [CONTROLLER:]PATH`.
  it("reads the id after an exec --cgroup value", () => {
    const call = parseRuntimeArgv(["exec", "--cgroup", "sub", "--process", "/tmp/p.json", ID]);
    assert.equal(call.id, ID);
  });
});

describe("parseRuntimeArgv properties", () => {
  const ours = fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom("--config", "--runtime"), fc.string()).map(([flag, value]) => [flag, value]),
      fc.tuple(fc.constantFrom("--config", "--runtime"), fc.string()).map(([flag, value]) => [`${flag}=${value}`]),
    ),
    { maxLength: 4 },
  );
  const token = fc.oneof(
    fc.string(),
    fc.constantFrom(
      "create",
      "start",
      "delete",
      "exec",
      "--bundle",
      "-b",
      "--root",
      "--log",
      "-",
      "--",
      "--config",
      "--runtime",
      "--config=x",
      "=",
      "--=x",
    ),
  );
  // The first runtime token must not itself look like one of ours, or it would be ours by design.
  const isOurs = (t: string) =>
    ["--config", "--runtime"].includes(t.includes("=") && t.startsWith("-") ? t.slice(0, t.indexOf("=")) : t);
  const rest = fc.array(token, { maxLength: 12 }).filter((r) => r.length === 0 || !isOurs(r[0]!));

  it("passes on exactly the argv after our leading flags, in order", () => {
    fc.assert(
      fc.property(ours, rest, (flags, tail) => {
        const call = parseRuntimeArgv([...flags.flat(), ...tail]);
        assert.deepEqual(call.runtimeArgv, tail);
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps the last value of each of our flags", () => {
    fc.assert(
      fc.property(ours, rest, (flags, tail) => {
        const call = parseRuntimeArgv([...flags.flat(), ...tail]);
        const last = (flag: string) =>
          flags
            .map((f) =>
              f.length === 2 ? f : [f[0]!.slice(0, f[0]!.indexOf("=")), f[0]!.slice(f[0]!.indexOf("=") + 1)],
            )
            .filter(([f]) => f === flag)
            .at(-1)?.[1];
        assert.equal(call.ours.config, last("--config"));
        assert.equal(call.ours.runtime, last("--runtime"));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws, and takes the id and bundle only from the runtime argv", () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 16 }), (argv) => {
        const call = parseRuntimeArgv(argv);
        for (const value of [call.command, call.id, call.bundle, call.root, call.log, call.logFormat, call.pidFile]) {
          if (value !== undefined)
            assert.ok(
              call.runtimeArgv.some((t) => t === value || t.endsWith(`=${value}`)),
              `${value} not in ${JSON.stringify(call.runtimeArgv)}`,
            );
        }
      }),
      { numRuns: 1000 },
    );
  });
});
