// The metadata document's schema (zod/mini): the source of its TypeScript types and of the
// shipped JSON Schema (schema/metadata.schema.json). Kept apart from the builder so the hook
// path, which only builds documents, never constructs it.
import * as z from "zod/mini";

const portMapping = z.object({
  ContainerPort: z.number(),
  HostPort: z.number(),
  BindIp: z.string(),
  Protocol: z.enum(["tcp", "udp", "sctp"]),
});

const network = z.object({
  NetworkMode: z.optional(z.string()),
  Interface: z.optional(z.string()),
  MACAddress: z.optional(z.string()),
  IPv4Addresses: z.array(z.string()),
  IPv6Addresses: z.array(z.string()),
  IPv4CIDRs: z.optional(z.array(z.string())),
  IPv6CIDRs: z.optional(z.array(z.string())),
  IPv4Gateway: z.optional(z.string()),
  IPv6Gateway: z.optional(z.string()),
});

export const documentSchema = z.object({
  Version: z.literal("v1"),
  Status: z.enum(["creating", "created", "running"]),
  MetadataFileStatus: z.optional(z.literal("READY")),
  Cluster: z.optional(z.string()),
  ContainerInstanceARN: z.optional(z.string()),
  TaskARN: z.string(),
  TaskDefinitionFamily: z.optional(z.string()),
  TaskDefinitionRevision: z.optional(z.string()),
  ContainerName: z.string(),
  ContainerID: z.string(),
  DockerContainerName: z.optional(z.string()),
  ImageName: z.optional(z.string()),
  ImageID: z.optional(z.string()),
  PortMappings: z.optional(z.array(portMapping)),
  Networks: z.optional(z.array(network)),
  NetworkMode: z.optional(z.string()),
  IPAddress: z.optional(z.string()),
  Gateway: z.optional(z.string()),
  IPv6Address: z.optional(z.string()),
  IPv6Gateway: z.optional(z.string()),
  AvailabilityZone: z.optional(z.string()),
  HostPrivateIPv4Address: z.optional(z.string()),
  HostPublicIPv4Address: z.optional(z.string()),
  HostIPv6Address: z.optional(z.string()),
  Annotations: z.optional(z.record(z.string(), z.string())),
  Labels: z.optional(z.record(z.string(), z.string())),
  Engine: z.string(),
  LastUpdatedAt: z.string(),
});

export type MetadataDocument = z.infer<typeof documentSchema>;
export type NetworkEntry = z.infer<typeof network>;
export type ContainerStatus = MetadataDocument["Status"];
