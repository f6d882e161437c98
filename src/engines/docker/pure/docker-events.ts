// Docker's event stream (`GET /events`): one JSON object per line, for as long as the
// connection lasts. Pure: a decoder fed chunks returns whole events, bounded per line, and
// `eventTarget` says which container an event is about and whether it is one we act on.
// Invariants: a line longer than MAX_LINE_BYTES is dropped (a whole line, never a prefix),
// a line that is not JSON is skipped, and nothing here throws on input.
import { isRecord } from "../../../core/container.js";
import { nonEmpty } from "../../../core/json.js";

/** Longest event line kept; Docker's are a few hundred bytes. */
export const MAX_LINE_BYTES = 64 * 1024;

/** The query docker-watch subscribes with: network (dis)connects and container starts. */
export const EVENTS_QUERY = `/events?filters=${encodeURIComponent(JSON.stringify({ type: ["network", "container"], event: ["connect", "disconnect", "start"] }))}`;

/** Feeds text chunks in, takes parsed JSON events out. */
export interface EventDecoder {
  push(chunk: string): unknown[];
}

/** A decoder for newline-delimited JSON with a per-line bound. */
export function createEventDecoder(maxLine = MAX_LINE_BYTES): EventDecoder {
  let partial = "";
  let dropping = false;
  return {
    push(chunk: string): unknown[] {
      const out: unknown[] = [];
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (dropping) {
          dropping = false; // the rest of an over-long line ends here
          continue;
        }
        const parsed = parseLine(line);
        if (parsed !== undefined) out.push(parsed);
      }
      if (partial.length > maxLine) {
        partial = "";
        dropping = true;
      }
      return out;
    },
  };
}

function parseLine(line: string): unknown {
  if (line.trim() === "") return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** What docker-watch does for one event. */
export interface EventTarget {
  container: string;
  why: "network-connect" | "network-disconnect" | "start";
}

/** The container an event is about, for the events we act on; undefined for any other. */
export function eventTarget(event: unknown): EventTarget | undefined {
  if (!isRecord(event)) return undefined;
  const type = nonEmpty(event.Type);
  const action = nonEmpty(event.Action) ?? nonEmpty(event.status);
  const actor = isRecord(event.Actor) ? event.Actor : {};
  const attrs = isRecord(actor.Attributes) ? actor.Attributes : {};
  if (type === "network" && (action === "connect" || action === "disconnect")) {
    const id = nonEmpty(attrs.container);
    return id && /^[0-9a-f]{64}$/.test(id) ? { container: id, why: `network-${action}` } : undefined;
  }
  if (type === "container" && action === "start") {
    const id = nonEmpty(actor.ID) ?? nonEmpty(event.id);
    return id && /^[0-9a-f]{64}$/.test(id) ? { container: id, why: "start" } : undefined;
  }
  return undefined;
}
