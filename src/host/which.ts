// Finds a command on PATH (and the sbin dirs a runtime shim may not have on PATH).
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Absolute path of an executable named `cmd`, or undefined. */
export function which(cmd: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of [...path.split(delimiter).filter(Boolean), "/usr/local/sbin", "/usr/sbin", "/sbin"]) {
    const candidate = join(dir, cmd);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}
