// The claim a before-create step holds while it has not yet handed the edited spec on: if the
// step fails or its watchdog gives up, the claim is released at once (the container will have
// no mount), so no dir is left for gc to find later. Kept apart from prepare.ts so the failure
// path can reach it without loading the planner.

let pending: (() => Promise<void>) | undefined;

/** Records how to release the claim just made. */
export function holdClaim(release: () => Promise<void>): void {
  pending = release;
}

/** The spec carrying the mount was handed on: the claim belongs to the container now. */
export function claimHandedOver(): void {
  pending = undefined;
}

/** Releases a claim that was never handed on; never throws. */
export async function releasePendingClaim(): Promise<void> {
  const release = pending;
  pending = undefined;
  await release?.().catch(() => undefined);
}
