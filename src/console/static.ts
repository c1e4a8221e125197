/** Serves the built console app (dist/console) with a strict CSP; unknown paths get index.html. */
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { CSP, SECURITY_HEADERS } from "./http.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/** Serves `rel` from `dir` (no path escapes); assets are cached, index.html is not. */
export function serveStatic(req: IncomingMessage, res: ServerResponse, dir: string, rel: string): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { ...SECURITY_HEADERS, allow: "GET, HEAD" });
    res.end();
    return;
  }
  const root = normalize(dir.endsWith(sep) ? dir : dir + sep);
  let path = normalize(join(root, decodeSafe(rel)));
  if (!path.startsWith(root)) path = join(root, "index.html");
  let isFile = false;
  try {
    isFile = existsSync(path) && statSync(path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    if (rel.startsWith("assets/")) {
      res.writeHead(404, { ...SECURITY_HEADERS, "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    path = join(root, "index.html");
  }
  if (!existsSync(path)) {
    res.writeHead(503, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" });
    res.end("The console front end is not built. Run `npm run build` (it builds dist/console).\n");
    return;
  }
  const type = TYPES[extname(path)] ?? "application/octet-stream";
  const immutable = path.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": type,
    "content-length": String(statSync(path).size),
    "content-security-policy": CSP,
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-store",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(path).pipe(res);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
