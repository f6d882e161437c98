// configure --runtime podman: the precreate hook in the hooks.d dir podman reads. A hooks dir
// with one invalid file makes podman refuse every container, so the file comes from the
// binary's own generator (a validated config), is written through a temp name podman ignores,
// and, when the config does not validate, matches every container (the binary then decides
// at run time, as it does anyway). Podman reads hooks.d at each container start: no reload.
import { resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { defaultConfig } from "../../core/config.js";
import { hooksDFile } from "../../engines/podman/pure/hooks-file.js";
import { readConfig } from "../../host/config-file.js";
import { readText } from "./file-change.js";
import type { ConfigureIo, ConfigureRequest } from "./types.js";

export const HOOK_FILE_NAME = "50-oci-metadata.json";
export const PODMAN_DEFAULT_HOOKS_DIR = "/usr/share/containers/oci/hooks.d";

/** The hooks dirs podman reads: --hooks-dir, else containers.conf [engine] hooks_dir, else its default. */
export async function podmanHooksDirs(req: Pick<ConfigureRequest, "paths">): Promise<{ dirs: string[]; from: string }> {
  if (req.paths.hooksDir) return { dirs: [req.paths.hooksDir], from: "--hooks-dir" };
  for (const conf of req.paths.containersConf) {
    const text = await readText(conf);
    if (text === undefined) continue;
    const engine = (parseToml(text) as { engine?: { hooks_dir?: unknown } }).engine;
    const dirs = Array.isArray(engine?.hooks_dir)
      ? engine.hooks_dir.filter((d): d is string => typeof d === "string")
      : [];
    if (dirs.length > 0) return { dirs, from: `${conf} [engine] hooks_dir` };
  }
  return { dirs: [PODMAN_DEFAULT_HOOKS_DIR], from: "podman's default" };
}

/** The hooks.d file's text for this binary and config. */
export async function hookFileText(
  req: Pick<ConfigureRequest, "bin" | "configArg">,
): Promise<{ text: string; valid: boolean }> {
  const configPath = req.configArg ? resolve(req.configArg) : undefined;
  try {
    const config = await readConfig(req.configArg);
    return { text: `${JSON.stringify(hooksDFile(config, req.bin, configPath), null, 2)}\n`, valid: true };
  } catch {
    const always = hooksDFile({ ...defaultConfig(), enabled: "always" }, req.bin, configPath);
    return { text: `${JSON.stringify(always, null, 2)}\n`, valid: false };
  }
}

/** Writes (or removes) the hook file in the first dir podman reads. */
export async function configurePodman(req: ConfigureRequest, io: ConfigureIo): Promise<number> {
  const { dirs, from } = await podmanHooksDirs(req);
  if (req.uninstall) {
    let any = false;
    for (const dir of dirs) {
      const path = `${dir}/${HOOK_FILE_NAME}`;
      const before = await readText(path);
      if (before !== undefined) any = (await io.change({ path, before, after: undefined, backup: false })) || any;
    }
    io.say(
      any
        ? "podman: precreate hook removed (podman reads hooks.d at each container start: nothing to reload)"
        : `podman: no hook file in ${dirs.join(", ")}`,
    );
    return 0;
  }
  const path = `${dirs[0]}/${HOOK_FILE_NAME}`;
  const { text, valid } = await hookFileText(req);
  if (!valid)
    io.say(
      "warning: the config does not validate; the hook is registered for every container and the binary decides at run time",
    );
  const changed = await io.change({ path, before: await readText(path), after: text, backup: false });
  io.say(
    `podman: precreate hook ${changed ? "registered" : "already registered"} in ${path} (hooks dir from ${from}; podman reads it at each container start: nothing to reload)`,
  );
  if (dirs[0] === PODMAN_DEFAULT_HOOKS_DIR && from === "podman's default") {
    io.say(
      "note: podman --hooks-dir or containers.conf hooks_dir replace this dir; rerun with --hooks-dir DIR for those",
    );
  }
  return 0;
}
