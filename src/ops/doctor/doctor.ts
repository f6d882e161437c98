// `oci-metadata doctor`: is this host wired right? For every engine found — version,
// registered (and where), NRI on, the plugin connected, config valid — plus our own config,
// hostRoot and where the logs go. Exit 0 when every found engine is wired (and our config
// reads), 1 otherwise; every problem comes with its fix in one line. Read-only.
import { resolve } from "node:path";
import type { Config } from "../../core/config.js";
import { defaultConfig } from "../../core/config.js";
import { OciMetadataError } from "../../core/errors.js";
import { readConfig } from "../../host/config-file.js";
import { selfPath } from "../../host/self.js";
import { pathsFromFlags } from "../configure/engine-paths.js";
import { ENGINES } from "../configure/types.js";
import {
  type CheckContext,
  checkContainerd,
  checkCrio,
  checkDocker,
  checkPodman,
  type EngineReport,
} from "./engine-checks.js";
import type { Finding } from "./finding.js";
import { hostRootState, logDestinations, orphansByGc } from "./host-root.js";

/** The whole report. */
export interface DoctorReport {
  ok: boolean;
  engines: EngineReport[];
  config: { valid: boolean; source: string };
  hostRoot: ReturnType<typeof hostRootState>;
  logs: Record<string, string>;
  problems: Finding[];
}

/** Runs every check; returns the exit code. */
export async function runDoctor(values: Record<string, unknown>, stdout: (s: string) => void): Promise<number> {
  const findings: Finding[] = [];
  const configArg = typeof values.config === "string" ? resolve(values.config) : undefined;
  let config: Config = defaultConfig();
  let valid = true;
  try {
    config = await readConfig(configArg);
  } catch (err) {
    valid = false;
    const missing = (err as { cause?: { code?: string } }).cause?.code === "ENOENT";
    const fix = missing ? "create that file, or name the right one with --config" : "correct the key named above";
    findings.push({
      scope: "config",
      problem: `${(err as Error).message} (until fixed, every container is left without metadata)`,
      fix,
    });
  }
  let bin = "oci-metadata";
  try {
    bin = selfPath();
  } catch {
    // doctor run from sources: keep the name
  }
  const c: CheckContext = {
    paths: pathsFromFlags(values),
    bin,
    configArg,
    healthz: typeof values["nri-healthz"] === "string" ? values["nri-healthz"] : configHealthz(config),
    healthzFromConfig: typeof values["nri-healthz"] !== "string",
    findings,
  };
  const only = Array.isArray(values.runtime) ? (values.runtime as string[]) : undefined;
  for (const e of only ?? []) {
    if (!(ENGINES as readonly string[]).includes(e))
      throw new OciMetadataError("usage", `doctor: --runtime: expected one of ${ENGINES.join("|")}, got "${e}"`);
  }
  const checks = { docker: checkDocker, podman: checkPodman, containerd: checkContainerd, crio: checkCrio };
  const engines: EngineReport[] = [];
  for (const e of only ?? ENGINES) {
    const report = await checks[e as keyof typeof checks](c);
    if (only && !report.found)
      findings.push({
        scope: e,
        problem: `${e} was asked for but is not found here (no binary on PATH, no config)`,
        fix: `install it, or point at its files with the path flags (oci-metadata doctor --help)`,
      });
    engines.push(report);
  }
  const report: DoctorReport = {
    ok: false,
    engines,
    config: {
      valid,
      source:
        configArg ?? process.env.OCI_METADATA_CONFIG ?? "/etc/oci-metadata/config.json (or the embedded defaults)",
    },
    hostRoot: hostRootState(config, findings),
    logs: logDestinations(config),
    problems: findings,
  };
  if (valid && report.hostRoot.exists) await addOrphans(report, config, configArg);
  report.ok = findings.every((f) => f.warnOnly);
  stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
  return report.ok ? 0 : 1;
}

// What gc's dry run would remove: reported (a warning: nothing is broken), fixed by `gc`.
async function addOrphans(report: DoctorReport, config: Config, configArg: string | undefined): Promise<void> {
  try {
    const orphans = await orphansByGc(config, configArg);
    report.hostRoot.orphans = orphans.map((o) => o.dir);
    if (orphans.length > 0) {
      const first = `${orphans[0]!.dir}: ${orphans[0]!.why}`;
      const problem = `${orphans.length} container dir(s) under ${config.hostRoot} belong to containers that are gone (e.g. ${first})`;
      report.problems.push({ scope: "hostRoot", problem, fix: "oci-metadata gc", warnOnly: true });
    }
  } catch (err) {
    report.problems.push({
      scope: "hostRoot",
      problem: `gc's dry run failed: ${(err as Error).message}`,
      fix: "oci-metadata gc --dry-run --verbose",
      warnOnly: true,
    });
  }
}

// The plugin's /healthz from the config's nri.httpAddress (host:port; "" or absent: none).
function configHealthz(config: Config): string | undefined {
  const addr = (config.nri as Record<string, unknown>).httpAddress;
  return typeof addr === "string" && addr !== "" ? `http://${addr}/healthz` : undefined;
}

function render(r: DoctorReport): string {
  const lines: string[] = [];
  for (const e of r.engines) {
    if (!e.found) {
      lines.push(`${e.engine}: not found`);
      continue;
    }
    const mine = r.problems.filter((p) => p.scope === e.engine && !p.warnOnly);
    const state = [
      e.registered ? `registered: ${e.where}` : "not registered",
      e.nriEnabled === undefined ? "" : `NRI ${e.nriEnabled ? "on" : "off"}`,
      e.pluginConnected === undefined ? "" : `plugin ${e.pluginConnected ? "connected" : "not connected"}`,
      e.configValid ? "" : "config INVALID",
    ].filter(Boolean);
    lines.push(
      `${e.engine} ${e.version ?? "(version unknown)"}: ${mine.length === 0 ? "wired" : "NOT wired"} — ${state.join("; ")}`,
    );
  }
  const h = r.hostRoot;
  lines.push(`config: ${r.config.valid ? "valid" : "INVALID"} (${r.config.source})`);
  lines.push(
    h.exists
      ? `hostRoot: ${h.path} owner uid ${h.owner}, mode ${h.mode}, ${h.containers} container dir(s), ${h.orphans.length} orphaned (gc would remove them)`
      : `hostRoot: ${h.path} (not created yet)`,
  );
  lines.push(
    `logs: hooks → ${r.logs.hooks}; runtime wrapper → ${r.logs.runtimeWrapper}; NRI plugin → ${r.logs.nriPlugin} (level ${r.logs.level})`,
  );
  for (const p of r.problems)
    lines.push(`${p.warnOnly ? "warning" : "problem"} [${p.scope}]: ${p.problem} — fix: ${p.fix}`);
  lines.push(r.ok ? "all engines found are wired" : "not wired: see the problems above");
  return `${lines.join("\n")}\n`;
}
