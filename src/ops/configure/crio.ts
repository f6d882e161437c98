// configure --runtime crio: NRI switched on by a drop-in in /etc/crio/crio.conf.d (CRI-O reads
// crio.conf, then every *.conf there in lexical order, a later value winning), in CRI-O's
// documented format (crio.conf(5)): `[crio.nri] enable_nri = true`, `nri_listen` the socket.
// CRI-O ≥ 1.26 has NRI; the drop-in is written even where a newer CRI-O has it on by default,
// so the switch does not depend on the version. NRI settings need a restart of CRI-O.
// No CRI-O runs on the test machines: this is covered by unit tests against that format only.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify, type TomlTable } from "smol-toml";
import { readText } from "./file-change.js";
import { parseTomlFile } from "./toml-text.js";
import type { ConfigureIo, ConfigureRequest } from "./types.js";

export const CRIO_DROPIN_NAME = "99-oci-metadata.conf";
export const CRIO_DEFAULT_NRI_SOCKET = "/var/run/nri/nri.sock";

/** CRI-O's NRI settings after main + drop-ins; `where` names the file that decided enable_nri. */
export interface CrioNri {
  enabled: boolean | undefined;
  where: string;
  socket: string;
}

/** Folds CRI-O's files (in its order) into the NRI settings in force. */
export function crioNri(files: readonly { path: string; table: TomlTable }[]): CrioNri {
  let enabled: boolean | undefined;
  let where = "CRI-O's default (off before 1.30)";
  let socket = CRIO_DEFAULT_NRI_SOCKET;
  for (const f of files) {
    const nri = ((f.table.crio as TomlTable | undefined)?.nri ?? {}) as TomlTable;
    if (typeof nri.enable_nri === "boolean") [enabled, where] = [nri.enable_nri, f.path];
    if (typeof nri.nri_listen === "string") socket = nri.nri_listen;
  }
  return { enabled, where, socket };
}

/** Our drop-in. */
export function crioDropInText(): string {
  const head =
    "# Written by `oci-metadata configure --runtime crio`: switches NRI on for the oci-metadata NRI plugin.\n";
  return `${head}${stringify({ crio: { nri: { enable_nri: true } } })}\n`;
}

/** CRI-O's config files in the order it reads them. */
export async function crioFiles(req: Pick<ConfigureRequest, "paths">): Promise<{ path: string; table: TomlTable }[]> {
  const files: { path: string; table: TomlTable }[] = [];
  const main = await readText(req.paths.crioConfig);
  if (main !== undefined) files.push({ path: req.paths.crioConfig, table: parseTomlFile(main, req.paths.crioConfig) });
  let names: string[] = [];
  try {
    names = readdirSync(req.paths.crioDropinDir)
      .filter((n) => n.endsWith(".conf"))
      .sort();
  } catch {
    // no drop-in dir
  }
  for (const n of names) {
    const path = join(req.paths.crioDropinDir, n);
    files.push({ path, table: parseTomlFile((await readText(path)) ?? "", path) });
  }
  return files;
}

/** Writes (or removes) the drop-in; returns the exit code. */
export async function configureCrio(req: ConfigureRequest, io: ConfigureIo): Promise<number> {
  const path = join(req.paths.crioDropinDir, CRIO_DROPIN_NAME);
  const before = await readText(path);
  const files = await crioFiles(req);
  if (req.uninstall) {
    const changed = before !== undefined && (await io.change({ path, before, after: undefined, backup: false }));
    const after = crioNri(files.filter((f) => f.path !== path));
    io.say(
      changed
        ? `CRI-O: our NRI drop-in removed; enable_nri is now ${after.enabled ?? "unset"} (${after.where})`
        : `CRI-O: no ${path}`,
    );
    if (changed)
      io.say(
        "next: restart CRI-O: systemctl restart crio; and stop the plugin: systemctl disable --now oci-metadata-nri",
      );
    return 0;
  }
  const changed = await io.change({ path, before, after: crioDropInText(), backup: false });
  const after = crioNri(
    [...files.filter((f) => f.path !== path), { path, table: parse(crioDropInText()) }].sort((a, b) =>
      order(a.path, b.path, req.paths.crioConfig),
    ),
  );
  if (after.enabled !== true)
    io.say(`warning: ${after.where} comes after ${path} and sets enable_nri = false: NRI stays off`);
  io.say(`CRI-O: NRI ${changed ? "switched on by" : "already switched on by"} ${path}`);
  if (changed) io.say("next: restart CRI-O: systemctl restart crio   (NRI settings are not reloaded)");
  io.say(
    `then: run the plugin: systemctl enable --now oci-metadata-nri   (or: oci-metadata nri --socket ${after.socket})`,
  );
  return 0;
}

// The main file first, then drop-ins by name.
function order(a: string, b: string, main: string): number {
  if (a === main) return -1;
  if (b === main) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
