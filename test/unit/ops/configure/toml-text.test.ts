import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "smol-toml";
import {
  appendToImports,
  insertTopLevel,
  parseTomlFile,
  removeFromImports,
  textFor,
} from "../../../../src/ops/configure/toml-text.js";

const MAIN =
  '# containerd config\nversion = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  # keep me\n  sandbox_image = "pause"\n';

describe("TOML text edits", () => {
  it("inserts imports after the version line and keeps every comment", () => {
    const out = insertTopLevel(MAIN, 'imports = ["/etc/containerd/conf.d/*.toml"]');
    assert.equal(out, MAIN.replace("version = 2\n", 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n'));
    assert.deepEqual(parse(out).imports, ["/etc/containerd/conf.d/*.toml"]);
  });

  it("inserts at the top when there is no version line", () => {
    assert.equal(insertTopLevel("[a]\nb = 1\n", 'imports = ["x"]'), 'imports = ["x"]\n[a]\nb = 1\n');
  });

  it("appends to an imports array spread over lines, and removes the entry again", () => {
    const text = 'imports = [\n  "/a.toml",\n]\nversion = 2\n';
    const added = appendToImports(text, "/c/*.toml");
    assert.deepEqual(parse(added).imports, ["/a.toml", "/c/*.toml"]);
    assert.deepEqual(parse(removeFromImports(added, "/c/*.toml")).imports, ["/a.toml"]);
  });

  it("insert then remove gives the file back byte for byte, blank lines included (Debian's containerd config)", () => {
    const debian = 'version = 2\n\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n';
    assert.equal(
      removeFromImports(
        insertTopLevel(debian, 'imports = ["/etc/containerd/conf.d/*.toml"]'),
        "/etc/containerd/conf.d/*.toml",
      ),
      debian,
    );
  });

  it("removing the only entry removes the whole line", () => {
    assert.equal(removeFromImports('version = 2\nimports = ["/c/*.toml"]\n[x]\n', "/c/*.toml"), "version = 2\n[x]\n");
  });

  it("textFor keeps a text edit that parses to the wanted value", () => {
    const edited = insertTopLevel(MAIN, 'imports = ["/x"]');
    assert.deepEqual(textFor({ ...parse(MAIN), imports: ["/x"] }, edited), { text: edited, rewritten: false });
  });

  it("textFor re-serialises when the text edit does not give the wanted value", () => {
    const { text, rewritten } = textFor({ version: 2, imports: ["/x"] }, "version = 2\n");
    assert.equal(rewritten, true);
    assert.deepEqual(JSON.parse(JSON.stringify(parse(text))), { version: 2, imports: ["/x"] });
  });

  it("names the file when the TOML is invalid", () => {
    assert.throws(
      () => parseTomlFile("[a\n", "/etc/containerd/config.toml"),
      /reading \/etc\/containerd\/config\.toml: not valid TOML/,
    );
  });
});
