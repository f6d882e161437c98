import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DirFacts, decide } from "../../../src/core/gc-decision.js";

const OLD: DirFacts = { ageMs: 3600_000, graceMs: 600_000, mounted: false, kernelViewComplete: true };

describe("core/gc-decision", () => {
  const cases: [string, Partial<DirFacts>, boolean][] = [
    ["young-claim-kept-whatever-the-engine-says", { ageMs: 1000, answer: { kind: "gone", why: "x" } }, false],
    ["mounted-kept-whatever-the-engine-says", { mounted: true, answer: { kind: "gone", why: "x" } }, false],
    ["engine-live-kept", { answer: { kind: "live", why: "x" } }, false],
    ["engine-gone-removed", { answer: { kind: "gone", why: "x" } }, true],
    [
      "engine-gone-removed-even-with-partial-kernel-view",
      { kernelViewComplete: false, answer: { kind: "gone", why: "x" } },
      true,
    ],
    ["absent-removed-with-complete-kernel-view", { answer: { kind: "absent", why: "x" } }, true],
    [
      "absent-kept-with-partial-kernel-view",
      { kernelViewComplete: false, answer: { kind: "absent", why: "x" } },
      false,
    ],
    ["engine-cannot-be-asked-kept", { answer: { kind: "unknown", why: "x" } }, false],
    ["no-owner-removed-with-complete-kernel-view", {}, true],
    ["no-owner-kept-with-partial-kernel-view", { kernelViewComplete: false }, false],
  ];
  for (const [name, facts, remove] of cases) {
    it(`${remove ? "removes" : "keeps"}: ${name}`, () => {
      assert.equal(decide({ ...OLD, ...facts }).remove, remove);
    });
  }

  it("says why a dir that cannot be asked about is kept", () => {
    assert.equal(
      decide({ ...OLD, answer: { kind: "unknown", why: "docker: connect ENOENT" } }).why,
      "cannot ask: docker: connect ENOENT",
    );
  });
});
