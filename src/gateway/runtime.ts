import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { AlertManager } from "../alerts/manager.js";
import { WebhookDispatcher, type WebhookTarget } from "../alerts/webhooks.js";
import { ConsoleApp } from "../console/app.js";
import { ConfigError } from "../core/errors.js";
import type { Decision, DetectorConfig } from "../detect/index.js";
import { LiveDetector } from "../live/live-detector.js";
import { type MockUpstream, startMockUpstream } from "../mock/server.js";
import type { GatewayConfig } from "./config.js";
import { anthropic } from "./dialects/anthropic.js";
import { openai } from "./dialects/openai.js";
import {
  type CompiledEdgeConfig,
  compileEdgeConfig,
  DEFAULT_STRIP_HEADERS,
  extractClientMetadata,
  IpDatabase,
  type IpLookup,
} from "./edge/index.js";
import type { ClientResolver, EventListener, ExtraRoute } from "./gateway.js";
import { type ClockSpec, clockOf, DecisionTable, MemoryLimiterStore, RateLimiter } from "./policy/index.js";
import { PolicyGuard } from "./policy-guard.js";
import { type RunningGateway, startGateway } from "./server.js";

export interface RuntimeOptions {
  /** Start the built-in mock upstream and point both dialects at it. */
  mock?: { corpusDir?: string | null; chunkDelayMs?: number } | null;
  adminToken?: string | null;
  listeners?: EventListener[];
  /** Run the detector live on the gateway's own events (default on); a config overrides its thresholds. */
  detector?: { config?: DetectorConfig | null } | false;
  /**
   * A simulated clock (accelerated replay): event times, rate limits and detector passes all run on
   * it. Default: the wall clock.
   */
  clock?: ClockSpec | null;
  /** An IP database to use (loaded or loading) instead of a new one when `edge.ip_database` is on. */
  ipDatabase?: IpDatabase | null;
  /** Called with every verdict change the live detector makes (after the gateway applied it). */
  decisionListeners?: ((d: Decision) => void)[];
  /** Serve the analyst console at /console (default on); `secureCookies` behind a TLS proxy. */
  console?: { secureCookies?: boolean } | false;
}

export interface Runtime {
  gateway: RunningGateway;
  guard: PolicyGuard;
  decisions: DecisionTable;
  detector: LiveDetector | null;
  alerts: WebhookDispatcher;
  mock: MockUpstream | null;
  console: ConsoleApp | null;
  /**
   * Settles once the IP database (country, ASN, network class) is loaded, or failed to load, or at
   * once when it is off; requests served before that carry only what the edge headers say.
   */
  ipDatabaseReady: Promise<void>;
  close(): Promise<void>;
}

/** Compiles the edge section of the config (throws ConfigError on bad CIDRs or header names). */
export function compileEdge(cfg: GatewayConfig): CompiledEdgeConfig {
  const e = cfg.edge;
  return compileEdgeConfig({
    trustedProxies: e.trusted_proxies,
    forwardedHeader: e.forwarded_header,
    maxHops: e.max_hops,
    countryHeader: e.country_header,
    tlsFingerprintHeader: e.tls_fingerprint_header,
    asnHeader: e.asn_header,
    stripHeaders: [...DEFAULT_STRIP_HEADERS, ...e.strip_headers],
  });
}

/**
 * Client metadata from the edge: the client IP from the trusted-proxy chain, country / JA4 / ASN
 * from edge headers when they came through a trusted hop, else from the IP database once loaded.
 */
export function edgeClientResolver(edge: CompiledEdgeConfig, ipdb: () => IpLookup | null): ClientResolver {
  return (req: IncomingMessage) =>
    extractClientMetadata({ remoteAddress: req.socket.remoteAddress, headers: req.headers }, edge, ipdb());
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
  const consoleApp =
    opts.console === false
      ? null
      : new ConsoleApp({
          stateDir: config.state_dir,
          decisions,
          retention: config.recording.retention,
          secureCookies: opts.console?.secureCookies === true,
          gatewayNow: () => clock.now(),
        });
  const alerts = new WebhookDispatcher(webhookTargets(config));
  const consoleUrl = config.alerts.console_url;
  const alertManager = new AlertManager(
    (a) => alerts.send(a),
    { minVerdict: config.alerts.min_verdict, growthFactor: 2, growthMin: 5 },
    (id) => (consoleUrl ? `${consoleUrl.replace(/\/$/, "")}/campaigns/${encodeURIComponent(id)}` : null),
  );
  const decisionListeners = [
    (d: Decision) => alertManager.onDecision(d),
    ...(consoleApp ? [consoleApp.onDecision] : []),
    ...(opts.decisionListeners ?? []),
  ];
  const detector =
    opts.detector === false
      ? null
      : new LiveDetector({
          decisions,
          config: opts.detector?.config ?? null,
          clock: opts.clock ?? null,
          onDecision: (d) => {
            for (const l of decisionListeners) l(d);
          },
        });
  const clock = clockOf(opts.clock);
  const now = () => clock.now();
  const guard = new PolicyGuard(
    config.policy,
    decisions,
    new RateLimiter(new MemoryLimiterStore(), clock),
    now,
  );
  // a fresh account of an enforced campaign is refused on its first request, not after the detector saw it
  if (detector) guard.joiner = detector.matchSignature;
  const edge = compileEdge(config);
  // The IP database loads in the background (a few seconds); until then lookups give nulls.
  let ipdb: IpDatabase | null = null;
  let ipDatabaseReady = Promise.resolve();
  if (config.edge.ip_database) {
    // a database handed in may be loaded already (load() returns the same promise every time)
    const db =
      opts.ipDatabase ?? new IpDatabase({ datacenterRangesFile: config.edge.datacenter_ranges_file });
    ipDatabaseReady = db.load().then(
      () => {
        ipdb = db;
      },
      (err: unknown) => {
        process.stderr.write(`distillguard: IP database not loaded: ${(err as Error).message}\n`);
      },
    );
  }
  let gateway: RunningGateway;
  let gatewayRef: RunningGateway | null = null;
  try {
    gateway = await startGateway(config, {
      guard,
      resolveClient: edgeClientResolver(edge, () => ipdb),
      now,
      stripHeaders: edge.stripSet,
      extraRoutes: [noticesRoute(guard, () => gatewayRef), ...(consoleApp ? [consoleApp.route] : [])],
      listeners: [
        ...(detector ? [detector.onEvent] : []),
        ...(consoleApp ? [consoleApp.onEvent] : []),
        ...(opts.listeners ?? []),
      ],
      extraStats: () => ({ ...(detector ? { detector: detector.stats() } : {}), alerts: alerts.stats }),
      ...(opts.adminToken !== undefined ? { adminToken: opts.adminToken } : {}),
      ...(opts.mock ? { credentials } : {}),
    });
  } catch (err) {
    await mock?.close();
    await detector?.close();
    throw err;
  }
  gatewayRef = gateway;
  consoleApp?.attach({
    keys: gateway.keys,
    detector,
    stats: () => ({ recorder: gateway.recorder.stats() }),
  });
  return {
    gateway,
    guard,
    decisions,
    detector,
    alerts,
    mock,
    console: consoleApp,
    ipDatabaseReady,
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

/** GET /distillguard/v1/notices: an account's owner reads the notices about their account with their own key. */
function noticesRoute(guard: PolicyGuard, gateway: () => RunningGateway | null): ExtraRoute {
  return (req, res, path) => {
    if (path !== "/distillguard/v1/notices") return false;
    const g = gateway();
    const key = anthropic.clientKey(req.headers) ?? openai.clientKey(req.headers);
    const auth = key && g ? g.keys.authenticate(key) : null;
    const body = auth?.ok
      ? { account_id: auth.account.id, data: guard.notices.list(auth.account.id) }
      : { error: { code: "DG_INVALID_KEY", message: "A valid API key is required." } };
    const text = JSON.stringify(body);
    res.writeHead(auth?.ok ? 200 : 401, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
    return true;
  };
}
