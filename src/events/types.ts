/**
 * Interchange format v1: one JSON object per line, one line per exchange.
 * The gateway writes it, `analyze` reads it, and other gateways' logs can be converted to it.
 * Unknown fields are ignored by readers; missing optional fields read as null.
 */

/** The two API dialects the gateway speaks. */
export type Api = "anthropic.messages" | "openai.chat.completions";

export const APIS: readonly Api[] = ["anthropic.messages", "openai.chat.completions"];

/** Account attributes known at the time of the exchange (all optional). */
export interface AccountInfo {
  /** RFC 3339 time the account was created. */
  created_at?: string | null;
  /** Whether the account passed verification (e.g. phone, card, organisation). */
  verified?: boolean | null;
  /** Opaque fingerprint of the payment method; equal fingerprints mean the same card/instrument. */
  payment_fingerprint?: string | null;
  /** Domain of the account's e-mail address. */
  email_domain?: string | null;
  /** Commercial tier, e.g. "free", "build", "scale", "enterprise", "education", "research", "startup". */
  tier?: string | null;
}

/** What the fronting edge (or the gateway's own lookup) knows about the client. */
export interface ClientInfo {
  ip?: string | null;
  user_agent?: string | null;
  /** TLS client fingerprint (JA4 or similar) from the edge. */
  tls_fingerprint?: string | null;
  /** ISO 3166-1 alpha-2 country code. */
  country?: string | null;
  /** Autonomous system number of the client IP, where known (extension field). */
  asn?: number | null;
  /** Network class of the client IP: "datacenter" | "vpn" | "residential" | "unknown" (extension field). */
  network?: string | null;
}

/** What came back from the upstream (or from the gateway itself when it refused the request). */
export interface ResponseInfo {
  status: number;
  input_tokens?: number | null;
  output_tokens?: number | null;
  stop_reason?: string | null;
  latency_ms?: number | null;
  /** Response text, only when retention is configured. */
  text?: string | null;
  /** Stable distillguard error code when the gateway answered with an error (extension field). */
  error_code?: string | null;
}

/** One exchange, as written to the log. */
export interface ExchangeEvent {
  id: string;
  /** RFC 3339 UTC timestamp with milliseconds, e.g. 2026-02-01T12:00:00.000Z. */
  time: string;
  account_id: string;
  org_id?: string | null;
  api_key_id?: string | null;
  account?: AccountInfo | null;
  client?: ClientInfo | null;
  api: Api;
  /** The request body as the client sent it (subject to the retention setting). */
  request: Record<string, unknown>;
  response: ResponseInfo;
}
