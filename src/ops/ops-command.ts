// The operator commands configure and doctor, from argv to exit code: strict options
// (node:util.parseArgs; unknown flags exit 2), COMMAND --help, one human-readable error line.
// They need no valid oci-metadata config: they are how a broken setup gets diagnosed.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { isOciMetadataError, OciMetadataError } from "../core/errors.js";

type Stdout = (s: string) => void;
interface OpsCommand {
  options: ParseArgsConfig["options"];
  help: string;
  run(values: Record<string, unknown>, stdout: Stdout): Promise<number>;
}

async function load(name: "configure" | "doctor"): Promise<OpsCommand> {
  if (name === "configure") {
    const m = await import("./configure/configure.js");
    return { options: m.CONFIGURE_OPTIONS, help: m.CONFIGURE_HELP, run: (v, out) => m.runConfigure(m.configureRequest(v), out) };
  }
  const m = await import("./doctor/doctor.js");
  return { options: m.DOCTOR_OPTIONS, help: m.DOCTOR_HELP, run: m.runDoctor };
}

/** Runs `configure` or `doctor` with their own argv; returns the exit code. */
export async function runOpsCommand(name: "configure" | "doctor", argv: readonly string[], stdout: Stdout): Promise<number> {
  const cmd = await load(name);
  try {
    const { values } = parseArgs({ args: [...argv], options: { ...cmd.options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    if (values.help) {
      stdout(cmd.help);
      return 0;
    }
    return await cmd.run(values, stdout);
  } catch (err) {
    const parseError = (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    const e = isOciMetadataError(err) ? err : parseError ? new OciMetadataError("usage", (err as Error).message) : OciMetadataError.from(err);
    process.stderr.write(`oci-metadata ${name}: ${e.code === "usage" ? e.rawMessage : e.message}\n`);
    if (e.code === "usage") process.stderr.write(`Try 'oci-metadata ${name} --help'.\n`);
    return e.code === "usage" ? 2 : 1;
  }
}
