import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "smol-toml";
import { dropInText, effectiveNri, parseContainerdVersion } from "../../../../src/ops/configure/containerd-toml.js";

const file = (path: string, text: string) => ({ path, table: parse(text) });
const NRI = '[plugins."io.containerd.nri.v1.nri"]';

describe("containerd NRI state", () => {
  it("1.7 without a section: off (containerd's default)", () => {
    const s = effectiveNri([file("/m", "version = 2\n")], 1);
    assert.equal(s.enabled, false);
    assert.match(s.where, /1\.x's default/);
  });

  it("2.x without a section: on by default", () => {
    assert.equal(effectiveNri([file("/m", "version = 3\n")], 2).enabled, true);
  });

  it("1.7 with the section and disable = true: off, and the file says so", () => {
    const s = effectiveNri([file("/m", `version = 2\n${NRI}\n  disable = true\n  socket_path = "/x/nri.sock"\n`)], 1);
    assert.deepEqual([s.enabled, s.where, s.socket], [false, "/m: disable = true", "/x/nri.sock"]);
  });

  it("1.7: an import's section replaces the main one whole (a section without disable is off)", () => {
    const s = effectiveNri([file("/m", `${NRI}\ndisable = false\n`), file("/d", `${NRI}\nsocket_path = "/y"\n`)], 1);
    assert.equal(s.enabled, false);
  });

  it("2.x: the last file that says disable decides", () => {
    const s = effectiveNri([file("/m", `${NRI}\ndisable = true\n`), file("/d", `${NRI}\nsocket_path = "/y"\n`)], 2);
    assert.deepEqual([s.enabled, s.socket], [false, "/y"]);
  });

  it("the drop-in carries the section's keys with NRI and connections on", () => {
    const table = parse(dropInText(2, { disable: true, socket_path: "/x/nri.sock", disable_connections: true }));
    const plain = JSON.parse(JSON.stringify(table));
    assert.deepEqual(plain, {
      version: 2,
      plugins: {
        "io.containerd.nri.v1.nri": { disable: false, socket_path: "/x/nri.sock", disable_connections: false },
      },
    });
    assert.equal(effectiveNri([file("/m", `${NRI}\ndisable = true\n`), { path: "/d", table }], 1).enabled, true);
  });

  for (const [name, out, want] of [
    [
      "debian-1.7",
      "containerd github.com/containerd/containerd 1.7.24~ds1 1.7.24~ds1-6+deb13u1\n",
      { version: "1.7.24~ds1", major: 1 },
    ],
    ["upstream-2.1", "containerd github.com/containerd/containerd/v2 v2.1.9 abc\n", { version: "v2.1.9", major: 2 }],
  ] as const) {
    it(`reads containerd --version [${name}]`, () => assert.deepEqual(parseContainerdVersion(out), want));
  }
});
