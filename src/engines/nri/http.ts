// The NRI plugin's HTTP listener (node:http, loaded only by the daemon): GET /healthz is 200
// once the plugin is registered with the runtime and synchronized, else 503 with the state;
// /livez is 200 while the process serves (a liveness probe must not restart a plugin that is
// waiting for its runtime or for the lock); /metrics is the Prometheus text. Anything else 404.
import { createServer, type Server } from "node:http";
import { OciMetadataError } from "../../core/errors.js";
import type { NriMetrics } from "./pure/metrics.js";

/** Splits "host:port" / "[v6]:port". */
function parseAddress(address: string): { host: string; port: number } {
  const cut = address.lastIndexOf(":");
  const host = address.slice(0, cut).replace(/^\[(.*)\]$/, "$1");
  const port = Number(address.slice(cut + 1));
  if (cut <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OciMetadataError("config-invalid", `nri.httpAddress: expected host:port, got "${address}"`);
  }
  return { host, port };
}

/** Listens on `address`; resolves once listening. */
export async function serveHttp(address: string, metrics: NriMetrics): Promise<Server> {
  const { host, port } = parseAddress(address);
  const startTimeSeconds = Math.round(Date.now() / 1000 - process.uptime());
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (path === "/healthz") {
      const ok = metrics.healthy();
      res
        .writeHead(ok ? 200 : 503, { "content-type": "text/plain; charset=utf-8" })
        .end(`${ok ? "ok" : "not ready"}: ${metrics.state}\n`);
    } else if (path === "/livez") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok\n");
    } else if (path === "/metrics") {
      const text = metrics.render({ residentBytes: process.memoryUsage.rss(), startTimeSeconds });
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(text);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) =>
      reject(new OciMetadataError("io", `listening on ${address} (nri.httpAddress): ${err.message}`, { cause: err })),
    );
    server.listen(port, host, () => resolve());
  });
  return server;
}
