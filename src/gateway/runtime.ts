import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ConsoleApp } from "../console/app.js";
import type { DetectorConfig } from "../detect/index.js";
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
  /** Serve the analyst console at /console (default on); `secureCookies` behind a TLS proxy. */
  console?: { secureCookies?: boolean } | false;
}

export interface Runtime {
  gateway: RunningGateway;
  guard: PolicyGuard;
  decisions: DecisionTable;
  detector: LiveDetector | null;
  mock: MockUpstream | null;
  console: ConsoleApp | null;
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
  const consoleApp =
    opts.console === false
      ? null
      : new ConsoleApp({
          stateDir: config.state_dir,
          decisions,
          retention: config.recording.retention,
          secureCookies: opts.console?.secureCookies === true,
        });
  const detector =
    opts.detector === false
      ? null
      : new LiveDetector({
          decisions,
          config: opts.detector?.config ?? null,
          ...(consoleApp ? { onDecision: consoleApp.onDecision } : {}),
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
      listeners: [
        ...(detector ? [detector.onEvent] : []),
        ...(consoleApp ? [consoleApp.onEvent] : []),
        ...(opts.listeners ?? []),
      ],
      ...(consoleApp ? { extraRoutes: [consoleApp.route] } : {}),
      ...(detector ? { extraStats: () => ({ detector: detector.stats() }) } : {}),
      ...(opts.adminToken !== undefined ? { adminToken: opts.adminToken } : {}),
      ...(opts.mock ? { credentials } : {}),
    });
  } catch (err) {
    await mock?.close();
    await detector?.close();
    throw err;
  }
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
    mock,
    console: consoleApp,
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
