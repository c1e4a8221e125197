/**
 * The seam between the simulator and a running gateway: a `Sender` delivers one exchange and
 * reports the HTTP status; a `KeyProvider` turns a simulated account into an API key on that
 * gateway (the lead wires it to the admin API). The undici implementation speaks both dialects.
 */
import { Agent, request } from "undici";
import type { Api } from "../../events/types.js";
import type { Account, ClientSide } from "../world.js";

/** One exchange to deliver. */
export interface LiveRequest {
  accountId: string;
  key: string;
  api: Api;
  body: Record<string, unknown>;
  client: ClientSide;
}

export interface LiveResult {
  status: number;
  latencyMs: number;
}

/** Delivers one exchange; never throws (network failures come back as status 0). */
export type Sender = (req: LiveRequest) => Promise<LiveResult>;

/**
 * The API key of an account on the target gateway (provisioned on first use). The simulated
 * account is passed too, so a provider can create it with its attributes (org, tier, payment…).
 */
export type KeyProvider = (accountId: string, account?: Account) => Promise<string>;

/**
 * Client metadata the fronting edge would add. The defaults are plain header names a gateway can
 * be configured to trust; pass your own mapping to match a specific gateway.
 */
export type EdgeHeaders = (client: ClientSide) => Record<string, string>;

/** Default edge headers: X-Forwarded-For plus country and TLS fingerprint. */
export const defaultEdgeHeaders: EdgeHeaders = (c) => ({
  "x-forwarded-for": c.ip,
  "x-client-country": c.country,
  "x-client-tls-fingerprint": c.tls,
});

/** Path of each dialect's endpoint. */
export const API_PATHS: Readonly<Record<Api, string>> = {
  "anthropic.messages": "/v1/messages",
  "openai.chat.completions": "/v1/chat/completions",
};

/** A Sender over HTTP with undici, keeping at most `connections` sockets to the gateway. */
export function httpSender(
  baseUrl: string,
  o: { connections?: number; edge?: EdgeHeaders; timeoutMs?: number } = {},
): Sender & { close: () => Promise<void> } {
  const agent = new Agent({
    connections: o.connections ?? 64,
    bodyTimeout: o.timeoutMs ?? 120_000,
    headersTimeout: o.timeoutMs ?? 120_000,
  });
  const edge = o.edge ?? defaultEdgeHeaders;
  const base = baseUrl.replace(/\/+$/, "");
  const send = async (r: LiveRequest): Promise<LiveResult> => {
    const t0 = performance.now();
    const auth: Record<string, string> =
      r.api === "anthropic.messages"
        ? { "x-api-key": r.key, "anthropic-version": "2023-06-01" }
        : { authorization: `Bearer ${r.key}` };
    try {
      const res = await request(`${base}${API_PATHS[r.api]}`, {
        method: "POST",
        dispatcher: agent,
        headers: {
          "content-type": "application/json",
          "user-agent": r.client.ua,
          ...auth,
          ...edge(r.client),
        },
        body: JSON.stringify(r.body),
      });
      await res.body.dump({ limit: 1 << 24 });
      return { status: res.statusCode, latencyMs: performance.now() - t0 };
    } catch {
      return { status: 0, latencyMs: performance.now() - t0 };
    }
  };
  return Object.assign(send, { close: () => agent.close() });
}
