import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { claimHandedOver, holdClaim, releasePendingClaim } from "../../../src/steps/claims.js";

describe("steps/claims", () => {
  it("releases a claim that was never handed on, once", async () => {
    let released = 0;
    holdClaim(async () => void released++);
    await releasePendingClaim();
    await releasePendingClaim();
    assert.equal(released, 1);
  });

  it("keeps a claim once the spec was handed on (the container owns the dir now)", async () => {
    let released = 0;
    holdClaim(async () => void released++);
    claimHandedOver();
    await releasePendingClaim();
    assert.equal(released, 0);
  });

  it("never throws when the release fails (the watchdog's exit must go on)", async () => {
    holdClaim(async () => {
      throw new Error("EIO");
    });
    await releasePendingClaim();
  });
});
