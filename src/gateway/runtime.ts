import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { AlertManager } from "../alerts/manager.js";
import { WebhookDispatcher, type WebhookTarget } from "../alerts/webhooks.js";
import { ConfigError } from "../core/errors.js";
import type { Decision, DetectorConfig } from "../detect/index.js";
import { LiveDetector } from "../live/live-detector.js";
import { type MockUpstream, startMockUpstream } from "../mock/server.js";
import type { GatewayConfig } from "./config.js";
import type { ClientResolver, EventListener } from "./gateway.js";
import { DecisionTable, MemoryLimiterStore, RateLimiter, systemClock } from "./policy/index.js";
import { PolicyGuard } from "./policy-guard.js";
import { type RunningGateway, startGateway } from "./server.js";

export interface RuntimeOptions {
  /** Start the built-in mock upstream and point both dialects at it. */
  mock?: { corpusDir?: string | null; chunkDelayMs?: number } | null;
  adminToken?: string | null;
  listeners?: EventListener[];
  /** Run the detector live on the gateway's own events (default on); a config overrides its thresholds. */
  detector?: { config?: DetectorConfig | null } | false;
  /** Called with every verdict change the live detector makes (after the gateway applied it). */
  decisionListeners?: ((d: Decision) => void)[];
}

export interface Runtime {
  gateway: RunningGateway;
  guard: PolicyGuard;
  decisions: DecisionTable;
  detector: LiveDetector | null;
  alerts: WebhookDispatcher;
  mock: MockUpstream | null;
  close(): Promise<void>;
}

/** The client metadata the gateway records: the socket peer and the user agent. */
export function basicClientResolver(): ClientResolver {
  return (req: IncomingMessage) => ({
    ip: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? null,
    user_agent: (req.headers["user-agent"] as string | undefined)?.slice(0, 512) ?? null,
    tls_fingerprint: null,
    country: null,
  });
}

/**
 * Builds a complete gateway from its config: policy (decision table, GCRA limiter, concurrency),
 * client metadata, recorder, and optionally the built-in mock upstream.
 */
export async function startRuntime(cfg: GatewayConfig, opts: RuntimeOptions = {}): Promise<Runtime> {
  let mock: MockUpstream | null = null;
  let config = cfg;
  const credentials: Record<string, string | null> = {};
  if (opts.mock) {
    const mockKey = `mock-${randomBytes(12).toString("hex")}`;
    mock = await startMockUpstream({
      expectedKey: mockKey,
      corpusDir: opts.mock.corpusDir ?? null,
      chunkDelayMs: opts.mock.chunkDelayMs ?? 0,
    });
    const upstream = { base_url: mock.url, api_key: mockKey };
    config = {
      ...cfg,
      upstreams: {
        anthropic: { ...defaultsOf(cfg, "anthropic"), ...upstream },
        openai: { ...defaultsOf(cfg, "openai"), ...upstream },
      },
    };
    credentials["anthropic.messages"] = mockKey;
    credentials["openai.chat.completions"] = mockKey;
  }
  const decisions = new DecisionTable();
  const alerts = new WebhookDispatcher(webhookTargets(config));
  const consoleUrl = config.alerts.console_url;
  const alertManager = new AlertManager(
    (a) => alerts.send(a),
    { minVerdict: config.alerts.min_verdict, growthFactor: 2, growthMin: 5 },
    (id) => (consoleUrl ? `${consoleUrl.replace(/\/$/, "")}/campaigns/${encodeURIComponent(id)}` : null),
  );
  const decisionListeners = [(d: Decision) => alertManager.onDecision(d), ...(opts.decisionListeners ?? [])];
  const detector =
    opts.detector === false
      ? null
      : new LiveDetector({
          decisions,
          config: opts.detector?.config ?? null,
          onDecision: (d) => {
            for (const l of decisionListeners) l(d);
          },
        });
  const guard = new PolicyGuard(
    config.policy,
    decisions,
    new RateLimiter(new MemoryLimiterStore(), systemClock),
  );
  const edge = config.edge;
  const strip = new Set(
    [
      edge.forwarded_header,
      "forwarded",
      "x-real-ip",
      edge.country_header,
      edge.tls_fingerprint_header,
    ].filter((h): h is string => typeof h === "string"),
  );
  let gateway: RunningGateway;
  try {
    gateway = await startGateway(config, {
      guard,
      resolveClient: basicClientResolver(),
      stripHeaders: strip,
      listeners: [...(detector ? [detector.onEvent] : []), ...(opts.listeners ?? [])],
      extraStats: () => ({ ...(detector ? { detector: detector.stats() } : {}), alerts: alerts.stats }),
      ...(opts.adminToken !== undefined ? { adminToken: opts.adminToken } : {}),
      ...(opts.mock ? { credentials } : {}),
    });
  } catch (err) {
    await mock?.close();
    await detector?.close();
    throw err;
  }
  return {
    gateway,
    guard,
    decisions,
    detector,
    alerts,
    mock,
    async close() {
      await gateway.close();
      await detector?.close();
      await mock?.close();
    },
  };
}

function defaultsOf(cfg: GatewayConfig, which: "anthropic" | "openai") {
  return (
    cfg.upstreams[which] ?? {
      base_url: "http://127.0.0.1",
      headers_timeout_ms: 120_000,
      body_timeout_ms: 300_000,
      connections: 128,
      models: [],
    }
  );
}

function webhookTargets(cfg: GatewayConfig): WebhookTarget[] {
  return cfg.alerts.webhooks.map((w) => {
    let secret: string | null = null;
    if (w.secret_env) {
      secret = process.env[w.secret_env] ?? null;
      if (!secret)
        throw new ConfigError(
          `environment variable ${w.secret_env} (webhook secret for ${w.url}) is not set`,
        );
    }
    return { url: w.url, secret, format: w.format };
  });
}
