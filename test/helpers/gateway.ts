import type { IncomingMessage } from "node:http";
import type { ExchangeEvent } from "../../src/events/types.js";
import { parseGatewayConfig } from "../../src/gateway/config.js";
import { type Guard, openGuard } from "../../src/gateway/guard.js";
import { type RunningGateway, startGateway } from "../../src/gateway/server.js";
import { tempDir } from "./tmp.js";

export interface TestGateway {
  gw: RunningGateway;
  /** A valid key for `accountId`. */
  secret: string;
  accountId: string;
  /** Every event the gateway emitted, in order. */
  events: ExchangeEvent[];
  /** Resolves once `n` events have been emitted. */
  waitForEvents(n: number): Promise<ExchangeEvent[]>;
  close(): Promise<void>;
}

/** Starts a gateway on port 0 in a fresh state dir, pointing both dialects at `upstreamUrl`. */
export async function startTestGateway(opts: {
  upstreamUrl: string;
  credential?: string | null;
  guard?: Guard;
  config?: Record<string, unknown>;
  upstream?: Record<string, unknown>;
}): Promise<TestGateway> {
  const stateDir = tempDir("dg-gw-");
  const upstream = {
    base_url: opts.upstreamUrl,
    api_key: opts.credential ?? "sk-upstream-test",
    ...opts.upstream,
  };
  const cfg = parseGatewayConfig({
    state_dir: stateDir,
    listen: { host: "127.0.0.1", port: 0 },
    upstreams: { anthropic: upstream, openai: upstream },
    recording: { batch_ms: 20 },
    ...opts.config,
  });
  const events: ExchangeEvent[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  const gw = await startGateway(cfg, {
    guard: opts.guard ?? openGuard,
    resolveClient: (req: IncomingMessage) => ({
      ip: req.socket.remoteAddress ?? null,
      user_agent: (req.headers["user-agent"] as string | undefined) ?? null,
    }),
    stripHeaders: new Set(["x-forwarded-for", "cf-ipcountry", "x-ja4"]),
    listeners: [
      (e) => {
        events.push(e);
        waiters = waiters.filter((w) => {
          if (events.length >= w.n) w.resolve();
          return events.length < w.n;
        });
      },
    ],
    adminToken: "admin-test-token",
  });
  const account = gw.keys.createAccount({ tier: "build", verified: true, email_domain: "example.com" });
  const { secret } = gw.keys.createKey(account.id, "test");
  return {
    gw,
    secret,
    accountId: account.id,
    events,
    waitForEvents(n) {
      if (events.length >= n) return Promise.resolve(events);
      return new Promise((resolve) => waiters.push({ n, resolve: () => resolve(events) }));
    },
    close: () => gw.close(),
  };
}
