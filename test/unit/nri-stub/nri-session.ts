// Test helpers on top of the fake runtime: NRI messages as bytes, and the registration
// handshake as containerd plays it (Configure may come before the RegisterPlugin reply).
import {
  create,
  type DescMessage,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { ConfigureRequestSchema, ConfigureResponseSchema } from "../../../src/nri-stub/gen/nri/api_pb.js";
import type { Response } from "../../../src/nri-stub/gen/ttrpc/ttrpc_pb.js";
import type { FakePeer, PluginCall } from "./fake-runtime.js";

/** Encodes an NRI message. */
export function bin<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

/** Decodes the payload of an OK Response; throws on an error status. */
export function ok<Desc extends DescMessage>(schema: Desc, res: Response): MessageShape<Desc> {
  if (res.status && res.status.code !== 0) throw new Error(`status ${res.status.code}: ${res.status.message}`);
  return fromBinary(schema, res.payload);
}

/** Configure as containerd 2.1.9 sends it. */
export const CONFIGURE_2_1_9 = {
  config: "",
  runtimeName: "containerd",
  runtimeVersion: "2.1.9+unknown",
  registrationTimeout: 5000n,
  requestTimeout: 2000n,
};

/**
 * Plays the runtime's side of registration: waits for RegisterPlugin, sends Configure
 * *before* answering it, then answers. Resolves with the call and the configured mask.
 */
export async function handshake(
  peer: FakePeer,
  configure: MessageInitShape<typeof ConfigureRequestSchema> = CONFIGURE_2_1_9,
): Promise<{ register: PluginCall; events: number }> {
  const register = await peer.nextCall();
  const res = await peer.call("Configure", bin(ConfigureRequestSchema, configure), { timeoutNano: 0n });
  peer.reply(register.streamId);
  return { register, events: ok(ConfigureResponseSchema, res).events };
}
