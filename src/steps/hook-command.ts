// How our stage hooks are registered in a spec: this binary, `hook <stage>`, the engine's name
// and the config file the registering step used (made absolute: hooks run in another cwd).
import { resolve } from "node:path";
import type { HookCommand } from "../core/spec.js";
import { selfPath } from "../host/self.js";

/** Seconds after which the runtime kills a hook (ours finish in milliseconds). */
export const HOOK_TIMEOUT_S = 10;

/** The hook command for a door; `engine` is passed as `--engine NAME` when given. */
export function hookCommand(configArg: string | undefined, engineArgs: string[]): HookCommand {
  return {
    path: selfPath(),
    extraArgs: [...engineArgs, ...(configArg ? ["--config", resolve(configArg)] : [])],
    timeout: HOOK_TIMEOUT_S,
  };
}
