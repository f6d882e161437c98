// What a plugin is to the stub: a plain object of optional handlers, one per NRI event.
// Apart from stub.ts so events.ts and plugin-service.ts can name it without a cycle.
import type { Container, ContainerAdjustment, PodSandbox } from "./gen/nri/api_pb.js";

/** What every handler gets besides its objects. */
export interface CallContext {
  deadline: number /* epoch ms by which the reply must be sent */;
}

/** A plugin: each method present subscribes to its event; a missing one is answered empty. */
export interface NriHandlers {
  configure?(info: {
    config: string;
    runtimeName: string;
    runtimeVersion: string;
    requestTimeoutMs: number;
  }): void | Promise<void>;
  synchronize?(pods: PodSandbox[], containers: Container[], ctx: CallContext): void | Promise<void>;
  createContainer?(pod: PodSandbox, container: Container, ctx: CallContext): Promise<ContainerAdjustment | undefined>;
  stopContainer?(pod: PodSandbox, container: Container, ctx: CallContext): Promise<void>;
  runPodSandbox?(pod: PodSandbox, ctx: CallContext): Promise<void>;
  stopPodSandbox?(pod: PodSandbox, ctx: CallContext): Promise<void>;
  removePodSandbox?(pod: PodSandbox, ctx: CallContext): Promise<void>;
  postCreateContainer?(pod: PodSandbox, container: Container, ctx: CallContext): Promise<void>;
  startContainer?(pod: PodSandbox, container: Container, ctx: CallContext): Promise<void>;
  postStartContainer?(pod: PodSandbox, container: Container, ctx: CallContext): Promise<void>;
  removeContainer?(pod: PodSandbox, container: Container, ctx: CallContext): Promise<void>;
}
