// The NRI plugin's counters and their Prometheus text exposition (format 0.0.4). Pure: the
// daemon feeds events in and asks for the text; process figures come in as arguments.
// Label values are small closed sets (skip codes, error codes, connection states), never ids.

/** Where the plugin stands with the runtime; exactly one is current. */
export type ConnectionState = "waiting-for-lock" | "connecting" | "registered" | "synchronized" | "stopped";
const STATES: readonly ConnectionState[] = ["waiting-for-lock", "connecting", "registered", "synchronized", "stopped"];

/** Histogram bucket bounds in seconds (a file write is ~3 ms; the runtime allows 2 s). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

class Histogram {
  readonly counts = BUCKETS.map(() => 0);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.counts[i]!++;
    });
    this.sum += seconds;
    this.count++;
  }
  lines(name: string): string[] {
    return [
      ...BUCKETS.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ];
  }
}

/** Everything /metrics reports. */
export class NriMetrics {
  state: ConnectionState = "connecting";
  injected = 0;
  reconnects = 0;
  readonly skipped = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly fileWrite = new Histogram();
  readonly synchronize = new Histogram();

  skip(code: string): void {
    this.skipped.set(code, (this.skipped.get(code) ?? 0) + 1);
  }
  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }
  /** Follows the transport's connection events. A launched plugin is never synchronized by
   * NRI 0.6: registered is all it gets. The runtime may send Synchronize before our side has
   * seen the registration answer, so a "registered" that comes second keeps "synchronized"
   * (a lost connection always passes through "connecting" before the next one registers). */
  onConnection(event: "connecting" | "registered" | "lost", launched: boolean): void {
    if (event === "registered" && this.state === "synchronized") return;
    this.state = event === "lost" ? "connecting" : event === "registered" && launched ? "synchronized" : event;
  }

  /** Registered and synchronized with the runtime: what /healthz reports. */
  healthy(): boolean {
    return this.state === "synchronized";
  }

  /** The Prometheus text exposition. */
  render(process: { residentBytes: number; startTimeSeconds: number }): string {
    const p = "oci_metadata_nri";
    const family = (name: string, type: string, help: string, samples: string[]) => [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} ${type}`,
      ...samples,
    ];
    const labelled = (name: string, label: string, m: Map<string, number>) =>
      [...m].sort(([a], [b]) => a.localeCompare(b)).map(([v, n]) => `${name}{${label}="${escapeLabel(v)}"} ${n}`);
    return [
      ...family(`${p}_containers_injected_total`, "counter", "Containers given the metadata mount and file.", [
        `${p}_containers_injected_total ${this.injected}`,
      ]),
      ...family(
        `${p}_containers_skipped_total`,
        "counter",
        "Containers left alone, by reason.",
        labelled(`${p}_containers_skipped_total`, "reason", this.skipped),
      ),
      ...family(
        `${p}_errors_total`,
        "counter",
        "Failed steps, by error code.",
        labelled(`${p}_errors_total`, "code", this.errors),
      ),
      ...family(
        `${p}_file_write_seconds`,
        "histogram",
        "Time to write one metadata file at CreateContainer.",
        this.fileWrite.lines(`${p}_file_write_seconds`),
      ),
      ...family(
        `${p}_synchronize_seconds`,
        "histogram",
        "Time to reconcile the store after a Synchronize.",
        this.synchronize.lines(`${p}_synchronize_seconds`),
      ),
      ...family(`${p}_reconnects_total`, "counter", "Connections to the runtime after the first.", [
        `${p}_reconnects_total ${this.reconnects}`,
      ]),
      ...family(
        `${p}_connection_state`,
        "gauge",
        "1 for the current state of the connection to the runtime.",
        STATES.map((s) => `${p}_connection_state{state="${s}"} ${s === this.state ? 1 : 0}`),
      ),
      ...family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", [
        `process_resident_memory_bytes ${process.residentBytes}`,
      ]),
      ...family("process_start_time_seconds", "gauge", "Start time of the process since the epoch in seconds.", [
        `process_start_time_seconds ${process.startTimeSeconds}`,
      ]),
      "",
    ].join("\n");
  }
}

// Label value escaping of the text format.
function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
