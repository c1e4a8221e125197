import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream";
import { Pool } from "undici";

/** Request headers undici refuses or that belong to one hop only. */
const DROP = new Set(["host", "connection", "keep-alive", "transfer-encoding", "upgrade", "expect", "te"]);

function copyHeaders(h: IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const name in h) {
    const v = h[name];
    if (v !== undefined && !DROP.has(name)) out[name] = v;
  }
  return out;
}

export interface Passthrough {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * The floor any HTTP proxy pays: node:http in front, an undici keep-alive pool behind, the request
 * body streamed up and the response piped back, headers copied minus hop-by-hop ones. No auth, no
 * parsing, no policy, no recording.
 */
export async function startPassthrough(upstreamUrl: string, port = 0): Promise<Passthrough> {
  const pool = new Pool(upstreamUrl, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    pool
      .request({
        method: req.method as "POST",
        path: req.url ?? "/",
        headers: copyHeaders(req.headers),
        body: req,
      })
      .then((up) => {
        res.writeHead(up.statusCode, copyHeaders(up.headers));
        pipeline(up.body, res, () => undefined);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const p = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${p}`,
    port: p,
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.close();
    },
  };
}
