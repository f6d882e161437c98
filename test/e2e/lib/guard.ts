// Engine tests need real tools. Missing ones FAIL the suite (CI), unless a developer opts out
// locally with OCI_METADATA_SKIP_ENGINE_TESTS=1 (CI never sets it).
import { accessSync, constants } from "node:fs";
import { isAbsolute } from "node:path";
import { which } from "../../../src/host/which.js";

function present(tool: string): boolean {
  if (!isAbsolute(tool)) return which(tool) !== undefined;
  try {
    accessSync(tool, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns a skip reason (local opt-out only) or throws naming what is missing. */
export function requireTools(tools: readonly string[], extra: readonly string[] = []): string | undefined {
  const missing = [...tools.filter((t) => !present(t)), ...extra];
  if (process.getuid?.() !== 0) missing.push("root");
  if (missing.length === 0) return undefined;
  const what = `engine test needs: ${missing.join(", ")}`;
  if (process.env.OCI_METADATA_SKIP_ENGINE_TESTS === "1") return what;
  throw new Error(`${what} (install them, or set OCI_METADATA_SKIP_ENGINE_TESTS=1 to skip locally)`);
}
