import { type GatewayConfig, parseGatewayConfig } from "../../src/gateway/config.js";
import { type Runtime, startRuntime } from "../../src/gateway/runtime.js";

/** Limits far above the benchmark's load: the limiter still runs every check, it just never refuses. */
const UNLIMITED = { requests_per_minute: 1e9, tokens_per_minute: 1e13, concurrency: 100_000 };

/**
 * The gateway config the benchmark runs: defaults as deployed (recording to DuckDB + JSONL with
 * retention "none", 250 ms batches) except for limits raised above the offered load, both dialects
 * pointed at the benchmark upstream, and, when `recording` is false, no storage sinks.
 */
export function benchGatewayConfig(opts: {
  upstreamUrl: string;
  upstreamKey: string;
  stateDir: string;
  recording: boolean;
}): GatewayConfig {
  const upstream = { base_url: opts.upstreamUrl, api_key: opts.upstreamKey, connections: 256 };
  return parseGatewayConfig({
    listen: { host: "127.0.0.1", port: 0 },
    state_dir: opts.stateDir,
    upstreams: { anthropic: upstream, openai: upstream },
    policy: { account_limits: { default: UNLIMITED }, org_limits: UNLIMITED, key_limits: UNLIMITED },
    ...(opts.recording ? {} : { recording: { duckdb: null, jsonl_dir: null } }),
  });
}

/** Starts the full runtime (policy, limiter, recorder thread) and creates one account and key. */
export async function startBenchDistillguard(
  cfg: GatewayConfig,
): Promise<{ runtime: Runtime; secret: string }> {
  const runtime = await startRuntime(cfg, { adminToken: null });
  const keys = runtime.gateway.keys;
  const org = keys.createOrg({ name: "bench" });
  const account = keys.createAccount({
    org_id: org.id,
    tier: "build",
    verified: true,
    email_domain: "example.com",
  });
  const { secret } = keys.createKey(account.id, "bench");
  return { runtime, secret };
}
