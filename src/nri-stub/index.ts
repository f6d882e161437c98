// The public face of src/nri-stub: the stub and the NRI object types its handlers see. Frames,
// ttrpc messages and connections stay private to this folder.

export type {
  Container,
  ContainerAdjustment,
  Hook,
  Hooks,
  KeyValue,
  LinuxContainer,
  LinuxNamespace,
  LinuxPodSandbox,
  Mount,
  OptionalInt,
  PodSandbox,
} from "./gen/nri/api_pb.js";
export { ContainerAdjustmentSchema, ContainerState, Event } from "./gen/nri/api_pb.js";
export type { CallContext, NriHandlers } from "./handlers.js";
export type { NriStub, StubOptions } from "./stub.js";
export { createStub } from "./stub.js";
