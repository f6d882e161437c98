// Builds the static inotify watcher (watcher/inotify-watch.c) with `gcc -static` (glibc's
// static libc from libc6-dev; scripts/setup.sh installs gcc and libc6-dev) into a dir the
// tests bind-mount read-only into containers at /w. Built once per test process.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runOk } from "./exec.js";

const SOURCE = fileURLToPath(new URL("./watcher/inotify-watch.c", import.meta.url));
let built: string | undefined;

/** The dir holding a static `inotify-watch`; removed when the test process exits. */
export async function buildWatcher(): Promise<string> {
  if (built && existsSync(join(built, "inotify-watch"))) return built;
  const dir = mkdtempSync(join(tmpdir(), "ocimd-watch-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  await runOk("gcc", ["-static", "-O2", "-Wall", "-o", join(dir, "inotify-watch"), SOURCE]);
  built = dir;
  return dir;
}

/** The shell line a container runs: the watcher on its own metadata dir and file (exec'd, so
 * it arms within a millisecond of the container's start); it exits 3 at once when the file
 * already says "running" (the after-start write came before the watch). */
export const WATCH_OWN_FILE =
  'F=$ECS_CONTAINER_METADATA_FILE; exec /w/inotify-watch "${F%/*}" 1 60 "$F" \'"Status": "running"\'';

/** What the watcher printed: its event lines and the file before (after arming) and after. */
export interface WatchReport {
  events: string[];
  before?: Record<string, any>;
  after?: Record<string, any>;
}

/** Parses inotify-watch's output (see watcher/inotify-watch.c). */
export function parseWatchReport(text: string): WatchReport {
  const section = (label: string) => {
    const m = new RegExp(`=== ${label}\\n([\\s\\S]*?)\\n=== end ${label}`).exec(text);
    return m ? (JSON.parse(m[1]!) as Record<string, any>) : undefined;
  };
  const events = text.split("\n").filter((l) => /^IN_[A-Z_]+ /.test(l));
  return { events, before: section("before"), after: section("after") };
}
