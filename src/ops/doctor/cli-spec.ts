// doctor's options and help, apart from its code (the command table imports this on every start).
import { pathFlagsHelp, pathOptionSpecs } from "../configure/engine-paths.js";

/** node:util.parseArgs options of `doctor`. */
export const DOCTOR_OPTIONS = {
  json: { type: "boolean" },
  runtime: { type: "string", multiple: true },
  "nri-healthz": { type: "string" },
  ...pathOptionSpecs(),
} as const;

/** Usage line after `oci-metadata `. */
export const DOCTOR_USAGE = "doctor [--json] [--runtime ENGINE]... [--nri-healthz URL] [PATH FLAGS]";

export const DOCTOR_HELP = `Checks whether this host is wired right, for every engine found (binary on PATH or config
present): installed version; registered or not, and where (daemon.json runtime, hooks.d file,
NRI switch); NRI enabled; the NRI plugin connected (its health endpoint when --nri-healthz is
given, else a connection from an 'oci-metadata nri' process to the runtime's NRI socket);
the engine's config valid; our config valid; hostRoot (owner, mode, dirs left behind); where
logs go. Changes nothing. Needs no valid oci-metadata config (it reports it).

Exit status: 0 when every engine found is wired, 1 otherwise. Each problem is printed with its
fix in one line.

Options:
  --json                  one JSON document instead of text
  --runtime ENGINE        check only this engine (docker|containerd|podman|crio; repeatable)
  --nri-healthz URL       the NRI plugin's health endpoint (default: http://<nri.httpAddress>/healthz from
                          the config when it has one; silent there, the kernel's view decides)
Engine paths (flags win; shown: the default):
${pathFlagsHelp()}`;
