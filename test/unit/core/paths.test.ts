// Tests src/core/paths.ts: path arithmetic for Linux and Windows targets, computed on any host.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  dirnamePosix,
  isWithin,
  joinPath,
  normalizePosix,
  type Platform,
  relativeSegments,
} from "../../../src/core/paths.js";

describe("joinPath", () => {
  const cases: Array<[string, Platform, string, string[], string]> = [
    ["linux-plain", "linux", "/var/lib/ecs/data/metadata", ["task", "web"], "/var/lib/ecs/data/metadata/task/web"],
    ["linux-trailing-slash", "linux", "/ecs/metadata/", ["web"], "/ecs/metadata/web"],
    ["linux-trailing-slashes", "linux", "/ecs/metadata///", ["web"], "/ecs/metadata/web"],
    ["linux-root", "linux", "/", ["web", "f.json"], "/web/f.json"],
    ["linux-no-segments", "linux", "/ecs/metadata/", [], "/ecs/metadata/"],
    ["linux-root-no-segments", "linux", "/", [], "/"],
    ["linux-backslash-is-a-name-char", "linux", "/da\\ta", ["a"], "/da\\ta/a"],
    ["windows-plain", "windows", "C:\\Amazon\\ECS\\metadata", ["web"], "C:\\Amazon\\ECS\\metadata\\web"],
    ["windows-trailing-backslash", "windows", "C:\\Amazon\\ECS\\metadata\\", ["web"], "C:\\Amazon\\ECS\\metadata\\web"],
    ["windows-drive-root", "windows", "C:\\", ["web"], "C:\\web"],
    ["windows-drive-root-no-segments", "windows", "C:\\", [], "C:\\"],
    [
      "windows-forward-slashes",
      "windows",
      "C:/Amazon/ECS/metadata/",
      ["web", "f.json"],
      "C:\\Amazon\\ECS\\metadata\\web\\f.json",
    ],
    ["windows-mixed-separators", "windows", "C:\\Amazon/ECS\\", ["web"], "C:\\Amazon\\ECS\\web"],
    [
      "windows-program-data",
      "windows",
      "%ProgramData%\\Amazon\\ECS\\data\\metadata",
      ["task", "web", "ecs-container-metadata.json"],
      "%ProgramData%\\Amazon\\ECS\\data\\metadata\\task\\web\\ecs-container-metadata.json",
    ],
    ["windows-no-segments-converts-slashes", "windows", "C:/x", [], "C:\\x"],
  ];
  for (const [name, platform, root, segments, expected] of cases) {
    it(`joins with the platform's separator without doubling it [${name}]`, () => {
      assert.equal(joinPath(platform, root, ...segments), expected);
    });
  }
});

describe("normalizePosix", () => {
  const cases: Array<[string, string, string]> = [
    ["already-normal", "/ecs/metadata", "/ecs/metadata"],
    ["root", "/", "/"],
    ["empty", "", "/"],
    ["trailing-slash", "/ecs/metadata/", "/ecs/metadata"],
    ["double-slashes", "//ecs//metadata//", "/ecs/metadata"],
    ["dot", "/ecs/./metadata/.", "/ecs/metadata"],
    ["dotdot", "/ecs/x/../metadata", "/ecs/metadata"],
    ["dotdot-past-root", "/../../etc", "/etc"],
    ["only-dotdot", "/..", "/"],
    ["relative-becomes-absolute", "ecs/metadata", "/ecs/metadata"],
    ["dot-names-are-names", "/a/.../b", "/a/.../b"],
  ];
  for (const [name, input, expected] of cases) {
    it(`normalises an absolute path [${name}]`, () => assert.equal(normalizePosix(input), expected));
  }

  it("is idempotent and always absolute without a trailing slash", () => {
    const path = fc.array(fc.constantFrom("", ".", "..", "a", "b", "..."), { maxLength: 12 }).map((p) => p.join("/"));
    fc.assert(
      fc.property(path, (p) => {
        const n = normalizePosix(p);
        assert.equal(normalizePosix(n), n);
        assert.ok(n.startsWith("/"));
        assert.ok(n === "/" || !n.endsWith("/"));
        assert.ok(!n.split("/").some((s) => s === "." || s === ".."));
      }),
    );
  });
});

describe("isWithin", () => {
  const cases: Array<[string, string, string, boolean]> = [
    ["same", "/ecs/metadata", "/ecs/metadata", true],
    ["child", "/ecs/metadata", "/ecs/metadata/web", true],
    ["grandchild", "/ecs/metadata", "/ecs/metadata/web/f.json", true],
    ["parent", "/ecs/metadata", "/ecs", false],
    ["sibling-with-common-prefix", "/ecs/metadata", "/ecs/metadata-evil", false],
    ["unrelated", "/ecs/metadata", "/etc", false],
    ["root-contains-all", "/", "/anything/at/all", true],
    ["root-contains-root", "/", "/", true],
    ["trailing-slashes", "/ecs/metadata/", "/ecs/metadata//web/", true],
    ["dotdot-escape", "/ecs/metadata", "/ecs/metadata/../../etc", false],
    ["dotdot-back-in", "/ecs/metadata", "/ecs/x/../metadata/web", true],
  ];
  for (const [name, outer, inner, expected] of cases) {
    it(`tells whether a path lies at or below another [${name}]`, () => assert.equal(isWithin(outer, inner), expected));
  }
});

describe("relativeSegments", () => {
  const cases: Array<[string, string, string, string[] | undefined]> = [
    ["same", "/r", "/r", []],
    ["one-below", "/r", "/r/a", ["a"]],
    ["two-below", "/var/lib/r", "/var/lib/r/task/web", ["task", "web"]],
    ["from-root", "/", "/a/b", ["a", "b"]],
    ["root-itself", "/", "/", []],
    ["normalised-first", "/r/", "/r//a/./b/", ["a", "b"]],
    ["outside", "/r", "/etc", undefined],
    ["common-prefix", "/r", "/rr/a", undefined],
    ["dotdot-escape", "/r", "/r/a/../../etc", undefined],
  ];
  for (const [name, outer, inner, expected] of cases) {
    it(`lists the segments below a root [${name}]`, () => assert.deepEqual(relativeSegments(outer, inner), expected));
  }

  it("rebuilds the normalised inner path from the outer one", () => {
    const seg = fc.constantFrom("a", "b", "task", "web", ".x");
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 4 }), fc.array(seg, { maxLength: 4 }), (outerParts, innerParts) => {
        const outer = `/${outerParts.join("/")}`;
        const inner = `${outer}/${innerParts.join("/")}`;
        const rel = relativeSegments(outer, inner);
        assert.deepEqual(rel, innerParts);
      }),
    );
  });
});

describe("dirnamePosix", () => {
  const cases: Array<[string, string, string]> = [
    ["file", "/ecs/metadata/web/f.json", "/ecs/metadata/web"],
    ["top-level", "/f.json", "/"],
    ["root", "/", "/"],
    ["trailing-slash", "/ecs/metadata/web/", "/ecs/metadata"],
    ["double-slashes", "//ecs//metadata//f", "/ecs/metadata"],
    ["dotdot", "/ecs/metadata/x/../f", "/ecs/metadata"],
  ];
  for (const [name, input, expected] of cases) {
    it(`returns the directory part [${name}]`, () => assert.equal(dirnamePosix(input), expected));
  }
});
