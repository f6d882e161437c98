import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unifiedDiff } from "../../../../src/ops/configure/text-diff.js";

describe("unifiedDiff", () => {
  it("prints diff -u hunks with three lines of context, removals before additions", () => {
    const a = `${Array.from({ length: 10 }, (_, i) => `l${i}`).join("\n")}\n`;
    const b = a.replace("l5\n", "L5\n");
    assert.equal(unifiedDiff("/f", a, b), "--- /f\n+++ /f\n@@ -3,7 +3,7 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n");
  });

  it("a new file is a diff from /dev/null; a removed one to /dev/null", () => {
    assert.equal(unifiedDiff("/f", undefined, "a\n"), "--- /dev/null\n+++ /f\n@@ -0,0 +1,1 @@\n+a\n");
    assert.equal(unifiedDiff("/f", "a\n", undefined), "--- /f\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n");
  });

  it("equal texts give no diff", () => assert.equal(unifiedDiff("/f", "a\n", "a\n"), ""));
});
