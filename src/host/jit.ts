// The binary starts with JavaScriptCore's JIT tier-up thresholds scaled up (the build's
// --compile-jit-policy): a hook, precreate or runtime call runs for milliseconds, and compiling
// code that runs once costs it more than interpreting it. A long-running process (the NRI
// daemon) asks for the normal policy once it starts serving.

/** Back to JavaScriptCore's normal tier-up thresholds (no-op outside the Bun binary). */
export function useNormalJit(): void {
  const bun = (globalThis as { Bun?: { unsafe?: { setJITPolicy?: (scale: number) => void } } }).Bun;
  bun?.unsafe?.setJITPolicy?.(1);
}
