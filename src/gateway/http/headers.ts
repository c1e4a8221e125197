import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/** Hop-by-hop headers (RFC 9110 §7.6.1) and others a proxy must not forward as-is. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  // The gateway reads upstream bodies (usage, errors), so it asks for identity encoding.
  "accept-encoding",
  // distillguard's own control headers never travel upstream.
  "x-distillguard-request-id",
]);

/**
 * Headers to send upstream: the client's own, minus hop-by-hop headers, the client credential and
 * the edge headers (which only the edge may set), plus the provider credential.
 */
export function forwardHeaders(
  incoming: IncomingHttpHeaders,
  strip: ReadonlySet<string>,
  inject: Record<string, string>,
  contentLength: number,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  // Headers named in Connection are hop-by-hop too; "keep-alive" (the usual value) names no other, so skip the parse.
  const connection = incoming.connection;
  const connectionTokens =
    connection === undefined || connection === "keep-alive"
      ? null
      : new Set(
          String(connection)
            .toLowerCase()
            .split(",")
            .map((t) => t.trim()),
        );
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name) || strip.has(name) || connectionTokens?.has(name)) continue;
    const v = incoming[name];
    if (v !== undefined) out[name] = v;
  }
  for (const name in inject) out[name] = inject[name]!;
  out["content-length"] = String(contentLength);
  return out;
}

/**
 * Headers of an upstream response to relay to the client. The upstream's own rate-limit headers
 * describe the provider account the gateway uses, not the client: they are dropped (the gateway
 * sends the client's limits instead).
 */
export function relayHeaders(upstream: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    if (name === "connection" || name === "keep-alive" || name === "transfer-encoding") continue;
    if (name.startsWith("anthropic-ratelimit-") || name.startsWith("x-ratelimit-")) continue;
    const v = upstream[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
