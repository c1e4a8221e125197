/** Small HTTP helpers for the console routes: JSON replies, cookies, security headers. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers on every console response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** Content-Security-Policy of the console page: scripts only from the gateway itself. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** A console API failure with its HTTP status and a stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Sends a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Parses the Cookie header. */
export function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) out[k] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** A Set-Cookie value for the session cookie (HttpOnly, SameSite=Strict, Path=/console). */
export function sessionCookie(
  name: string,
  value: string,
  opts: { secure: boolean; maxAgeSec: number },
): string {
  return [
    `${name}=${value}`,
    "Path=/console",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${opts.maxAgeSec}`,
    ...(opts.secure ? ["Secure"] : []),
  ].join("; ");
}

/** Whether the request came over TLS (directly). */
export function isTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

/**
 * Same-origin check for state-changing requests: an Origin (or, failing that, Referer) header, when
 * present, must name the host the request was sent to.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const host = req.headers.host;
  const origin = req.headers.origin ?? req.headers.referer;
  if (!origin) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
