// Runs one store race scenario and prints its result as one JSON line. The e2e test runs this
// file with Bun — the runtime the binary is compiled with — so the store's handle walk is
// raced under Bun's node:fs exactly as under Node in the unit test. Not a test by itself.
import { MetadataStore } from "../../../src/host/store.js";
import { containerRacer, type Level, type Op, race } from "../../lib/store-race.js";

interface Args {
  root: string;
  outside: string;
  scenario: Op;
  level: Level;
  rounds: number;
  runcRoot: string;
  bundle: string;
  configJson: string;
  id: string;
  rootInContainer?: string;
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const result = await race({
  store: new MetadataStore(args.root),
  root: args.root,
  outside: args.outside,
  scenario: args.scenario,
  level: args.level,
  rounds: args.rounds,
  startRacer: containerRacer(args),
});
const runtime =
  typeof (globalThis as { Bun?: { version: string } }).Bun !== "undefined"
    ? `bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
    : `node ${process.version}`;
process.stdout.write(`${JSON.stringify({ runtime, ...result })}\n`);
