import { Pool } from "undici";
import type { Api } from "../../events/types.js";
import type { UpstreamConfig } from "../config.js";

/** A configured upstream model API with its connection pool. */
export interface Upstream {
  readonly api: Api;
  readonly baseUrl: string;
  /** Path prefix of the base URL (e.g. "/proxy" in https://host/proxy), without a trailing slash. */
  readonly basePath: string;
  /** The provider credential the gateway injects; null leaves the request unauthenticated upstream. */
  readonly credential: string | null;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** Models clients may name; empty = any. */
  readonly models: ReadonlySet<string>;
  readonly pool: Pool;
}

/** Creates an upstream and its keep-alive pool. */
export function createUpstream(api: Api, cfg: UpstreamConfig, credential: string | null): Upstream {
  const url = new URL(cfg.base_url);
  return {
    api,
    baseUrl: cfg.base_url,
    basePath: url.pathname.replace(/\/+$/, ""),
    credential,
    headersTimeoutMs: cfg.headers_timeout_ms,
    bodyTimeoutMs: cfg.body_timeout_ms,
    models: new Set(cfg.models),
    pool: new Pool(url.origin, {
      connections: cfg.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: cfg.headers_timeout_ms,
      bodyTimeout: cfg.body_timeout_ms,
    }),
  };
}
