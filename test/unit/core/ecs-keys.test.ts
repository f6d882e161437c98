// Issue 10: the file has every key of the ECS agent's metadata file, with the agent's names and
// types, and the README's key table says per engine which are filled. The agent's list is
// written out here from its agent/containermetadata/types.go (metadataSerializer: 17 keys, all
// strings except PortMappings and Networks; TaskDefinitionRevision too is a string), so a
// rename or retype on our side fails this test key by key.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

const ECS_AGENT_KEYS: ReadonlyArray<readonly [string, "string" | "array"]> = [
  ["Cluster", "string"],
  ["ContainerInstanceARN", "string"],
  ["TaskARN", "string"],
  ["TaskDefinitionFamily", "string"],
  ["TaskDefinitionRevision", "string"],
  ["ContainerID", "string"],
  ["ContainerName", "string"],
  ["DockerContainerName", "string"],
  ["ImageID", "string"],
  ["ImageName", "string"],
  ["PortMappings", "array"],
  ["Networks", "array"],
  ["MetadataFileStatus", "string"],
  ["AvailabilityZone", "string"],
  ["HostPrivateIPv4Address", "string"],
  ["HostPublicIPv4Address", "string"],
  ["HostIPv6Address", "string"],
];

// Fields of the agent's PortMapping and Network entries that consumers read.
const ECS_PORT_FIELDS = [
  ["ContainerPort", "number"],
  ["HostPort", "number"],
  ["BindIp", "string"],
  ["Protocol", "string"],
] as const;
const ECS_NETWORK_FIELDS = [
  ["NetworkMode", "string"],
  ["IPv4Addresses", "array"],
  ["IPv6Addresses", "array"],
] as const;

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema };
const schema = JSON.parse(readFileSync("schema/metadata.schema.json", "utf8")) as JsonSchema;
const props = schema.properties ?? {};

describe("the ECS agent's key set", () => {
  it("is 17 keys long, as in the agent's types.go", () => {
    assert.equal(ECS_AGENT_KEYS.length, 17);
  });
  for (const [key, type] of ECS_AGENT_KEYS) {
    it(`${key} is in our schema as a ${type}`, () => {
      assert.ok(props[key], `${key} is missing from schema/metadata.schema.json`);
      assert.equal(props[key]?.type, type);
    });
  }
  for (const [field, type] of ECS_PORT_FIELDS) {
    it(`PortMappings[].${field} is a ${type}`, () =>
      assert.equal(props.PortMappings?.items?.properties?.[field]?.type, type));
  }
  for (const [field, type] of ECS_NETWORK_FIELDS) {
    it(`Networks[].${field} is a ${type}`, () => assert.equal(props.Networks?.items?.properties?.[field]?.type, type));
  }
});

describe("the README key table", () => {
  const readme = readFileSync("README.md", "utf8");
  const rows = new Map<string, string[]>();
  for (const line of readme.split("\n")) {
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    for (const m of (cells[0] ?? "").matchAll(/`([A-Za-z0-9]+)(\[\])?`/g)) rows.set(m[1]!, cells);
  }
  const header = readme.split("\n").find((l) => l.startsWith("| key | meaning |")) ?? "";
  it("has a column per engine", () => {
    for (const engine of ["runc", "podman", "Docker", "containerd"]) assert.match(header, new RegExp(engine));
  });
  for (const key of Object.keys(props)) {
    it(`has a row for ${key} with a cell per engine`, () => {
      const cells = rows.get(key);
      assert.ok(cells, `README.md has no table row for ${key}`);
      assert.equal(cells.length, header.split("|").length - 2, `the ${key} row has a cell per column`);
      assert.ok(
        cells.slice(2).every((c) => c !== ""),
        `every engine cell of ${key} says something`,
      );
    });
  }
});
