// containerd's NRI switch, pure: where NRI is decided across the main config and its imports,
// and the drop-in that turns it on.
//
// containerd 1.7: NRI is off unless `[plugins."io.containerd.nri.v1.nri"] disable = false`
// (`containerd config default` writes the section with disable = true). An imported file's
// plugin section replaces the main file's section for that plugin as a whole, so our drop-in
// carries every key of the section it overrides, with disable = false.
// containerd 2.x: NRI is on by default; it is off only when a file says disable = true.
// External plugins also need disable_connections = false (the default in both).
import type { TomlTable } from "smol-toml";
import { stringify } from "smol-toml";

export const NRI_PLUGIN = "io.containerd.nri.v1.nri";
export const DROPIN_NAME = "99-oci-metadata.toml";
export const DEFAULT_NRI_SOCKET = "/var/run/nri/nri.sock";

export interface TomlFile {
  path: string;
  table: TomlTable;
}

/** What decides NRI: enabled or not, in which file, and the socket external plugins dial. */
export interface NriState {
  enabled: boolean;
  /** The file whose section decides, or "containerd's default". */
  where: string;
  socket: string;
  connectionsDisabled: boolean;
  /** The section in force (last file that has one), for carrying its keys over. */
  section?: TomlTable;
}

/** The NRI plugin section of one file. */
export function nriSection(t: TomlTable): TomlTable | undefined {
  const plugins = t.plugins;
  if (typeof plugins !== "object" || plugins === null || Array.isArray(plugins)) return undefined;
  const s = (plugins as TomlTable)[NRI_PLUGIN];
  return typeof s === "object" && s !== null && !Array.isArray(s) ? (s as TomlTable) : undefined;
}

/** Folds main + imports (in containerd's order: later wins) into the NRI state. */
export function effectiveNri(files: readonly TomlFile[], major: 1 | 2): NriState {
  const withSection = files.filter((f) => nriSection(f.table) !== undefined);
  const last = withSection[withSection.length - 1];
  const section = last ? nriSection(last.table) : undefined;
  // 1.x: the last section replaces the others whole; 2.x: a key's last value wins.
  const pick = (key: string): { value: unknown; file?: string } => {
    if (major === 1) return { value: section?.[key], file: last?.path };
    for (let i = withSection.length - 1; i >= 0; i--) {
      const s = nriSection(withSection[i]!.table)!;
      if (key in s) return { value: s[key], file: withSection[i]!.path };
    }
    return { value: undefined };
  };
  const disable = pick("disable");
  const socket = pick("socket_path").value;
  const enabled = typeof disable.value === "boolean" ? !disable.value : major === 2;
  const where =
    typeof disable.value === "boolean"
      ? `${disable.file}: disable = ${disable.value}`
      : `containerd ${major}.x's default (${major === 2 ? "on" : "off"})`;
  return {
    enabled,
    where,
    socket: typeof socket === "string" ? socket : DEFAULT_NRI_SOCKET,
    connectionsDisabled: pick("disable_connections").value === true,
    section,
  };
}

/** The config version a drop-in uses: the main file's, else the one this containerd writes. */
export function configVersion(main: TomlTable, major: 1 | 2): number {
  return typeof main.version === "number" ? main.version : major === 2 ? 3 : 2;
}

/** Our drop-in: the section in force with NRI and external connections switched on. */
export function dropInText(version: number, section: TomlTable | undefined): string {
  const nri: TomlTable = { ...(section ?? {}), disable: false, disable_connections: false };
  const head = [
    "# Written by `oci-metadata configure --runtime containerd`: switches NRI on for the",
    "# oci-metadata NRI plugin. `oci-metadata configure --runtime containerd --uninstall` removes it.",
  ].join("\n");
  return `${head}\n${stringify({ version, plugins: { [NRI_PLUGIN]: nri } })}\n`;
}

/** The main file's imports entries. */
export function importsOf(main: TomlTable): string[] {
  return Array.isArray(main.imports) ? main.imports.filter((i): i is string => typeof i === "string") : [];
}

/** Parses `containerd --version` output: "containerd github.com/containerd/containerd/v2 2.1.9 …". */
export function parseContainerdVersion(out: string): { version: string; major: 1 | 2 } | undefined {
  const m = out.match(/\s(v?(\d+)\.\d+\.\d+\S*)/);
  if (!m) return undefined;
  return { version: m[1]!, major: Number(m[2]) >= 2 ? 2 : 1 };
}
