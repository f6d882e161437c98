// Builds the static inotify watcher (watcher/inotify-watch.c) with `gcc -static` (glibc's
// static libc from libc6-dev; scripts/setup.sh installs gcc and libc6-dev) into a dir the
// tests bind-mount read-only into containers at /w. Built once per test process.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runOk } from "./exec.js";

const SOURCE = fileURLToPath(new URL("./watcher/inotify-watch.c", import.meta.url));
let built: string | undefined;

/** The dir holding a static `inotify-watch`; call `cleanup` on the returned dir when done. */
export async function buildWatcher(): Promise<string> {
  if (built && existsSync(join(built, "inotify-watch"))) return built;
  const dir = mkdtempSync(join(tmpdir(), "ocimd-watch-"));
  await runOk("gcc", ["-static", "-O2", "-Wall", "-o", join(dir, "inotify-watch"), SOURCE]);
  built = dir;
  return dir;
}
