import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nriLink, parseAcceptedPeers } from "../../../../src/ops/doctor/nri-link.js";

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

describe("nriLink through a health endpoint", () => {
  async function serve(status: number): Promise<{ url: string; close: () => void }> {
    const { createServer } = await import("node:http");
    const server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/healthz`, close: () => server.close() };
  }

  it("is connected when /healthz answers 200, not when it answers 503", async () => {
    const ok = await serve(200);
    const bad = await serve(503);
    try {
      assert.equal((await nriLink("/nonexistent.sock", ok.url)).connected, true);
      const down = await nriLink("/nonexistent.sock", bad.url);
      assert.equal(down.connected, false);
      assert.match(down.how, /answered HTTP 503/);
    } finally {
      ok.close();
      bad.close();
    }
  });

  it("a silent endpoint from the config falls back to the kernel's view; one asked for does not", async () => {
    const silent = "http://127.0.0.1:1/healthz";
    assert.match((await nriLink("/nonexistent.sock", silent, false)).how, /did not answer \(/);
    assert.match(
      (await nriLink("/nonexistent.sock", silent, true)).how,
      /did not answer; .*(not connected|no oci-metadata nri process)/,
    );
  });
});
