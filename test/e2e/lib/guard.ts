// Engine tests need real tools. Missing ones FAIL the suite (CI), unless a developer opts out
// locally with OCI_METADATA_SKIP_ENGINE_TESTS=1 (CI never sets it).
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Absolute path of a command on PATH (plus sbin dirs), or undefined. */
export function which(cmd: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    const path = join(dir, cmd);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Returns a skip reason (local opt-out only) or throws naming what is missing. */
export function requireTools(tools: readonly string[], extra: readonly string[] = []): string | undefined {
  const missing = [...tools.filter((t) => !which(t)), ...extra];
  if (process.getuid?.() !== 0) missing.push("root");
  if (missing.length === 0) return undefined;
  const what = `engine test needs: ${missing.join(", ")}`;
  if (process.env.OCI_METADATA_SKIP_ENGINE_TESTS === "1") return what;
  throw new Error(`${what} (install them, or set OCI_METADATA_SKIP_ENGINE_TESTS=1 to skip locally)`);
}
