/**
 * HTTP adapter for receipts. The gateway sends `x-distillguard-receipt: <id>` with every response
 * (the id exists before the batch is signed) and routes two GETs here:
 *   GET /v1/receipts/{id}       200 receipt JSON; 202 {status:"pending"} + Retry-After while the batch
 *                               is open; 404 when unknown
 *   GET /.well-known/jwks.json  the public signing keys (all of them, rotated ones included)
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ReceiptSigner } from "./signer.js";

/** Response header carrying the receipt id. */
export const RECEIPT_HEADER = "x-distillguard-receipt";

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(data),
    "cache-control": status === 200 ? "public, max-age=300" : "no-store",
    ...headers,
  });
  res.end(data);
}

/** Handles the receipt routes; returns false (and writes nothing) for any other path or method. */
export function handleReceiptRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  signer: ReceiptSigner,
): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (path === "/.well-known/jwks.json") {
    send(res, 200, signer.jwks());
    return true;
  }
  const m = /^\/v1\/receipts\/(rcpt_[A-Za-z0-9_-]{1,64})$/.exec(path);
  if (!m) return false;
  const r = signer.get(m[1] as string);
  if (r === null) send(res, 404, { error: { type: "not_found", message: "No such receipt." } });
  else if (r === "pending") {
    const secs = Math.max(1, Math.ceil(signer.maxDelayMs / 1000));
    send(res, 202, { status: "pending", retry_after_ms: signer.maxDelayMs }, { "retry-after": String(secs) });
  } else send(res, 200, r);
  return true;
}
