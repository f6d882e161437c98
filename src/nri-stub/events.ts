// Which NriHandlers method serves which NRI event, and the subscription mask that follows
// from the methods a plugin has. Pure.
//
// Invariants:
//  - Event v maps to mask bit 1 << (v - 1); the mask never has bits outside VALID_EVENTS,
//    because runtimes on NRI v0.6 to v0.9 close a plugin that asks for more (0x3800 was
//    refused live by containerd 1.7.24 and 2.1.9, protocol notes §4.2, §12.2).
//  - A mask of 0 would mean "every event", so a plugin with no event method gets no mask.
import { Event } from "./gen/nri/api_pb.js";
import type { NriHandlers } from "./handlers.js";

/** Every event a v0.6–v0.9 runtime accepts: (1 << (LAST - 1)) - 1. */
export const VALID_EVENTS = 0x7ff;

/** Handlers of pod events carried by StateChange: handler(pod, ctx). */
export type PodEventHandler = "runPodSandbox" | "stopPodSandbox" | "removePodSandbox";
/** Handlers of container events carried by StateChange: handler(pod, container, ctx). */
export type ContainerEventHandler = "postCreateContainer" | "startContainer" | "postStartContainer" | "removeContainer";

/** StateChange pod events → handler. */
export const POD_EVENTS: Partial<Record<Event, PodEventHandler>> = {
  [Event.RUN_POD_SANDBOX]: "runPodSandbox",
  [Event.STOP_POD_SANDBOX]: "stopPodSandbox",
  [Event.REMOVE_POD_SANDBOX]: "removePodSandbox",
};

/** StateChange container events → handler. */
export const CONTAINER_EVENTS: Partial<Record<Event, ContainerEventHandler>> = {
  [Event.POST_CREATE_CONTAINER]: "postCreateContainer",
  [Event.START_CONTAINER]: "startContainer",
  [Event.POST_START_CONTAINER]: "postStartContainer",
  [Event.REMOVE_CONTAINER]: "removeContainer",
};

/** Events with their own RPC → handler. */
const RPC_EVENTS: Partial<Record<Event, "createContainer" | "stopContainer">> = {
  [Event.CREATE_CONTAINER]: "createContainer",
  [Event.STOP_CONTAINER]: "stopContainer",
};

/** The subscription mask for the event methods present on `handlers` (0 when none is). */
export function eventMask(handlers: NriHandlers): number {
  let mask = 0;
  for (const table of [POD_EVENTS, CONTAINER_EVENTS, RPC_EVENTS]) {
    for (const [event, name] of Object.entries(table)) {
      if (name && typeof handlers[name] === "function") mask |= 1 << (Number(event) - 1);
    }
  }
  return mask & VALID_EVENTS;
}
