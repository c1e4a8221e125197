import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

const upstream = z
  .object({
    /** Base URL of the real API, e.g. https://api.anthropic.com (no trailing /v1). */
    base_url: z.string().url(),
    /** Provider credential the gateway injects; clients never see it. Prefer `api_key_env`. */
    api_key: z.string().min(1).optional(),
    /** Name of an environment variable holding the provider credential. */
    api_key_env: z.string().min(1).optional(),
    /** Time allowed for the upstream's response headers (ms). */
    headers_timeout_ms: z.number().int().positive().default(120_000),
    /** Longest silence allowed between body chunks (ms). */
    body_timeout_ms: z.number().int().positive().default(300_000),
    /** Max open connections to this upstream. */
    connections: z.number().int().positive().default(128),
    /** Models clients may name; empty = any model (the upstream decides). */
    models: z.array(z.string()).default([]),
  })
  .strict();

const limits = z
  .object({
    requests_per_minute: z.number().positive(),
    tokens_per_minute: z.number().positive(),
    /** Max in-flight requests. */
    concurrency: z.number().int().positive(),
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    listen: z
      .object({
        host: z.string().default("127.0.0.1"),
        port: z.number().int().min(0).max(65535).default(8787),
      })
      .strict()
      .default({}),
    /** Directory for the key store, the event database and logs. */
    state_dir: z.string().default(".distillguard"),
    upstreams: z.object({ anthropic: upstream.optional(), openai: upstream.optional() }).strict().default({}),
    /** Largest request body accepted (bytes); larger ones get 413. */
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(32 * 1024 * 1024),
    edge: z
      .object({
        /** Peers whose forwarding and edge headers are believed: CIDRs, addresses, or loopback / private / linklocal. */
        trusted_proxies: z.array(z.string()).default([]),
        /** Header listing the forwarding chain ("forwarded" = RFC 7239). */
        forwarded_header: z.string().default("x-forwarded-for"),
        /** Entries of the forwarding header examined, from the right. */
        max_hops: z.number().int().min(1).max(100).default(10),
        /** Header the edge sets with the client's ISO country code. */
        country_header: z.string().nullable().default(null),
        /** Header the edge sets with the client's TLS (JA4) fingerprint. */
        tls_fingerprint_header: z.string().nullable().default(null),
        /** Header the edge sets with the client's autonomous system number. */
        asn_header: z.string().nullable().default(null),
        /** More client-supplied headers to strip before forwarding (a safe default list is always applied). */
        strip_headers: z.array(z.string()).default([]),
        /** Look up country, ASN and network class from the bundled IP databases. */
        ip_database: z.boolean().default(true),
        /** Optional CSV of datacenter IPv4 ranges (start_ip,end_ip,provider,url) added to the network classes. */
        datacenter_ranges_file: z.string().nullable().default(null),
      })
      .strict()
      .default({}),
    policy: z
      .object({
        /** ISO 3166-1 alpha-2 codes refused with 403. */
        denied_countries: z.array(z.string().length(2)).default([]),
        /** Limits per account, by tier name; "default" applies to tiers not listed. */
        account_limits: z
          .record(limits)
          .default({ default: { requests_per_minute: 600, tokens_per_minute: 2_000_000, concurrency: 32 } }),
        /** Limits per org (all its accounts together). */
        org_limits: limits.default({
          requests_per_minute: 6000,
          tokens_per_minute: 20_000_000,
          concurrency: 256,
        }),
        /** Limits per API key. */
        key_limits: limits.default({
          requests_per_minute: 600,
          tokens_per_minute: 2_000_000,
          concurrency: 32,
        }),
        /** Fraction of the normal limits an account gets while throttled. */
        throttle_factor: z.number().gt(0).max(1).default(0.1),
      })
      .strict()
      .default({}),
    recording: z
      .object({
        /** DuckDB database file (relative to state_dir); null disables it. */
        duckdb: z.string().nullable().default("events.duckdb"),
        /** Directory for JSONL event files (relative to state_dir); null disables them. */
        jsonl_dir: z.string().nullable().default("events"),
        /** Longest time an event waits before it is written (ms): the most a crash can lose. */
        batch_ms: z.number().int().positive().default(250),
        /** Largest batch. */
        batch_max: z.number().int().positive().default(2000),
        /** Events held in memory while the store is slow or failing; beyond this they are dropped and counted. */
        queue_max: z.number().int().positive().default(200_000),
        /**
         * What of the prompt and answer text is kept: "none" keeps the request's shape with every text
         * replaced by its length and a keyed digest; "full" keeps the body exactly and the answer text.
         */
        retention: z.enum(["none", "full"]).default("none"),
      })
      .strict()
      .default({}),
    alerts: z
      .object({
        /** Where campaign alerts are posted (detected, grew, escalated). */
        webhooks: z
          .array(
            z
              .object({
                url: z.string().url(),
                /** Environment variable holding the HMAC secret for the signature header. */
                secret_env: z.string().optional(),
                /** "json": the alert object; "slack": a Slack incoming-webhook message. */
                format: z.enum(["json", "slack"]).default("json"),
              })
              .strict(),
          )
          .default([]),
        /** A campaign is announced once its verdict reaches this level. */
        min_verdict: z.enum(["monitor", "review", "throttle", "block"]).default("review"),
        /** Base URL of the console, for links in alerts. */
        console_url: z.string().url().nullable().default(null),
      })
      .strict()
      .default({}),
    admin: z
      .object({
        /** Environment variable holding the admin API token; unset disables the admin API. */
        token_env: z.string().default("DISTILLGUARD_ADMIN_TOKEN"),
      })
      .strict()
      .default({}),
  })
  .strict();

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type UpstreamConfig = z.infer<typeof upstream>;
export type Limits = z.infer<typeof limits>;

/** Validates a config object, reporting every problem on one line each. */
export function parseGatewayConfig(input: unknown, source = "config"): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ConfigError(`invalid ${source}:\n  ${problems.join("\n  ")}`);
  }
  return result.data;
}

/** Reads and validates a JSON config file. */
export function loadGatewayConfig(path: string | undefined): GatewayConfig {
  if (!path) return parseGatewayConfig({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  return parseGatewayConfig(raw, path);
}

/** The provider credential of an upstream, from the config or its environment variable. */
export function upstreamCredential(u: UpstreamConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  if (u.api_key) return u.api_key;
  if (u.api_key_env) {
    const v = env[u.api_key_env];
    if (!v) throw new ConfigError(`environment variable ${u.api_key_env} (upstream credential) is not set`);
    return v;
  }
  return null;
}
