// A minimal Docker Engine API client: one GET over the unix socket, JSON back. Never called
// from inside a runtime call for the same container (dockerd holds that container's lock
// while it runs the runtime, so inspect would wait for us while we wait for it).
import { request } from "node:http";
import { OciMetadataError } from "../../core/errors.js";

/** GETs `path` from dockerd; rejects on a non-2xx status, a bad body or the timeout. */
export function dockerGet(socketPath: string, path: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: "GET", headers: { Host: "docker" }, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        if ((res.statusCode ?? 500) >= 300)
          return reject(
            new OciMetadataError("io", `GET ${path} on ${socketPath}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`),
          );
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new OciMetadataError("io", `GET ${path} on ${socketPath}: the answer is not JSON`));
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (err) =>
      reject(new OciMetadataError("io", `GET ${path} on ${socketPath}: ${err.message}`, { cause: err })),
    );
    req.end();
  });
}
