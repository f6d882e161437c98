// gc's question to Docker: GET /containers/<id>/json. Running, paused or restarting → live;
// known but not running → gone (Docker's poststop removed the dir when it stopped; `docker
// start` runs our `create` again, which claims a fresh dir); 404 → gone; no answer → unknown
// (keep). gc never runs inside a runtime call, so asking dockerd cannot deadlock on its lock.

import { isRecord } from "../../core/container.js";
import type { EngineAnswer } from "../../core/gc-decision.js";
import { dockerGet } from "./docker-api.js";

const TIMEOUT_MS = 5_000;

/** Asks dockerd about one container id. */
export async function dockerLiveness(id: string, socket: string): Promise<EngineAnswer> {
  let inspect: unknown;
  try {
    inspect = await dockerGet(socket, `/containers/${encodeURIComponent(id)}/json`, TIMEOUT_MS);
  } catch (err) {
    const msg = (err as Error).message;
    if (/HTTP 404/.test(msg)) return { kind: "gone", why: "docker: no such container" };
    return { kind: "unknown", why: `docker: ${msg}` };
  }
  const state = isRecord(inspect) && isRecord(inspect.State) ? inspect.State : undefined;
  if (!state) return { kind: "unknown", why: "docker: inspect has no State" };
  if (state.Running === true || state.Paused === true || state.Restarting === true)
    return { kind: "live", why: "docker: running" };
  return { kind: "gone", why: `docker: ${typeof state.Status === "string" ? state.Status : "not running"}` };
}
