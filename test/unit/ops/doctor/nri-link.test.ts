import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAcceptedPeers } from "../../../../src/ops/doctor/nri-link.js";

describe("parseAcceptedPeers", () => {
  it("returns the peer inodes of connections accepted on the socket path only", () => {
    const ss = [
      "Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process",
      "u_str LISTEN 0      4096   /run/nri/nri.sock 100 * 0",
      "u_str ESTAB  0      0      /run/nri/nri.sock 101 * 201",
      "u_str ESTAB  0      0      * 201 * 101",
      "u_str ESTAB  0      0      /run/other.sock 102 * 202",
    ].join("\n");
    assert.deepEqual([...parseAcceptedPeers(ss, "/run/nri/nri.sock")], ["201"]);
  });
});
