// configure --runtime containerd: NRI switched on through a drop-in the main config imports
// (why a drop-in and which keys: containerd-toml.ts), the main file touched only to add (or
// take back) one `imports` entry — as text, verified by parsing — and the restart containerd
// needs. containerd has no config reload; a restart keeps running containers (their shims).
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import type { TomlTable } from "smol-toml";
import { which } from "../../host/which.js";
import {
  configVersion,
  DROPIN_NAME,
  dropInText,
  effectiveNri,
  importsOf,
  type NriState,
  parseContainerdVersion,
  type TomlFile,
} from "./containerd-toml.js";
import { readText } from "./file-change.js";
import { appendToImports, insertTopLevel, parseTomlFile, removeFromImports, textFor } from "./toml-text.js";
import type { ConfigureIo, ConfigureRequest } from "./types.js";

const CREATED_MARK = "# Created by `oci-metadata configure --runtime containerd` (there was no config file).";

/** Everything configure and doctor need to know about this containerd. */
export interface ContainerdFacts {
  bin?: string;
  version?: string;
  major: 1 | 2;
  mainPath: string;
  mainText?: string;
  main: TomlTable;
  imports: TomlFile[];
  nri: NriState;
  dropInPath: string;
  glob: string;
}

/** Reads containerd's version, main config and imports, and folds them into the NRI state. */
export async function containerdFacts(req: Pick<ConfigureRequest, "paths">): Promise<ContainerdFacts> {
  const bin = req.paths.containerdBin ?? which("containerd");
  const parsed = bin ? parseContainerdVersion(run(bin, ["--version"])) : undefined;
  const mainPath = req.paths.containerdConfig;
  const mainText = await readText(mainPath);
  const main = parseTomlFile(mainText, mainPath);
  const major = parsed?.major ?? (main.version === 3 ? 2 : 1);
  const imports: TomlFile[] = [];
  for (const path of resolveImports(importsOf(main), dirname(mainPath))) {
    imports.push({ path, table: parseTomlFile((await readText(path)) ?? "", path) });
  }
  const nri = effectiveNri([{ path: mainPath, table: main }, ...imports], major);
  const dir = req.paths.containerdDropinDir;
  return {
    bin,
    version: parsed?.version,
    major,
    mainPath,
    mainText,
    main,
    imports,
    nri,
    dropInPath: join(dir, DROPIN_NAME),
    glob: join(dir, "*.toml"),
  };
}

/** Switches NRI on (or takes our switch back); returns the exit code. */
export async function configureContainerd(req: ConfigureRequest, io: ConfigureIo): Promise<number> {
  const f = await containerdFacts(req);
  const label = `containerd ${f.version ?? `(version unknown: ${f.bin ? "unparsable" : "no binary"}; config says ${f.major}.x)`}`;
  return req.uninstall ? uninstall(io, f, label) : install(io, f, label);
}

async function install(io: ConfigureIo, f: ContainerdFacts, label: string): Promise<number> {
  const ours = f.imports.find((i) => i.path === f.dropInPath);
  if (f.nri.enabled && !f.nri.connectionsDisabled) {
    const how = f.major === 2 && !ours ? "on by default in 2.x, and no file switches it off" : `on: ${f.nri.where}`;
    io.say(`${label}: NRI is already ${how}; nothing to change`);
    io.say(nextPlugin(f.nri.socket));
    return 0;
  }
  const section = f.nri.section && !ours ? f.nri.section : undefined;
  await io.change({
    path: f.dropInPath,
    before: await readText(f.dropInPath),
    after: dropInText(configVersion(f.main, f.major), section),
    backup: false,
    removeEmptyDir: false,
  });
  if (!importsOf(f.main).includes(f.glob)) {
    const want: TomlTable = { ...f.main, imports: [...importsOf(f.main), f.glob] };
    const line = `imports = [${JSON.stringify(f.glob)}]`;
    let edited: string;
    if (f.mainText === undefined) edited = `${CREATED_MARK}\nversion = ${configVersion(f.main, f.major)}\n${line}\n`;
    else edited = "imports" in f.main ? appendToImports(f.mainText, f.glob) : insertTopLevel(f.mainText, line);
    if (f.mainText === undefined) want.version = configVersion(f.main, f.major);
    const { text, rewritten } = textFor(want, edited);
    if (rewritten)
      io.say(
        `warning: ${f.mainPath} could not be edited as text; it is re-serialised (comments dropped; the backup keeps them)`,
      );
    await io.change({ path: f.mainPath, before: f.mainText, after: text, backup: true });
  }
  io.say(
    `${label}: NRI switched on by ${f.dropInPath} (was: ${f.nri.enabled ? "on, but external connections disabled" : `off, ${f.nri.where}`})`,
  );
  io.say(
    "next: restart containerd: systemctl restart containerd   (it has no reload; running containers keep running)",
  );
  io.say(nextPlugin(f.nri.socket));
  return 0;
}

async function uninstall(io: ConfigureIo, f: ContainerdFacts, label: string): Promise<number> {
  const before = await readText(f.dropInPath);
  let changed = false;
  if (before !== undefined)
    changed = await io.change({ path: f.dropInPath, before, after: undefined, backup: false, removeEmptyDir: true });
  const others = listToml(dirname(f.dropInPath)).filter((n) => n !== DROPIN_NAME);
  if (importsOf(f.main).includes(f.glob) && others.length === 0 && f.mainText !== undefined) {
    const rest = importsOf(f.main).filter((i) => i !== f.glob);
    const want: TomlTable = { ...f.main };
    if (rest.length > 0) want.imports = rest;
    else delete want.imports;
    const createdByUs = f.mainText.startsWith(CREATED_MARK) && Object.keys(want).every((k) => k === "version");
    const { text, rewritten } = textFor(want, removeFromImports(f.mainText, f.glob));
    if (rewritten && !createdByUs)
      io.say(
        `warning: ${f.mainPath} could not be edited as text; it is re-serialised (comments dropped; the backup keeps them)`,
      );
    changed =
      (await io.change({
        path: f.mainPath,
        before: f.mainText,
        after: createdByUs ? undefined : text,
        backup: !createdByUs,
      })) || changed;
  }
  if (!changed) {
    io.say(`${label}: nothing of oci-metadata in its config`);
    return 0;
  }
  const after = effectiveNri(
    [{ path: f.mainPath, table: f.main }, ...f.imports.filter((i) => i.path !== f.dropInPath)],
    f.major,
  );
  io.say(
    `${label}: our NRI switch removed; NRI is now ${after.enabled ? "on" : "off"} (${after.where}), as before configure`,
  );
  io.say(
    "next: restart containerd: systemctl restart containerd   (running containers keep running); and stop the plugin: systemctl disable --now oci-metadata-nri",
  );
  return 0;
}

function nextPlugin(socket: string): string {
  return `then: run the plugin: systemctl enable --now oci-metadata-nri   (or: oci-metadata nri --socket ${socket})`;
}

// containerd's imports: relative to the main file's dir; a `*` in the last segment is a glob.
function resolveImports(entries: readonly string[], base: string): string[] {
  const out: string[] = [];
  for (const e of entries) {
    const abs = isAbsolute(e) ? e : resolve(base, e);
    if (!/[*?[]/.test(basename(abs))) out.push(abs);
    else {
      const re = new RegExp(
        `^${basename(abs)
          .replace(/[.+^${}()|\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      );
      out.push(
        ...listAll(dirname(abs))
          .filter((n) => re.test(n))
          .sort()
          .map((n) => join(dirname(abs), n)),
      );
    }
  }
  return out;
}

function listAll(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function listToml(dir: string): string[] {
  return listAll(dir).filter((n) => n.endsWith(".toml"));
}

function run(bin: string, args: string[]): string {
  try {
    return execFileSync(bin, args, { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "pipe"] });
  } catch {
    return "";
  }
}
