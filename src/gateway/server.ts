import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isAbsolute, join } from "node:path";
import type { Api } from "../events/types.js";
import { type AdminExtension, adminRoutes } from "./admin.js";
import { type GatewayConfig, upstreamCredential } from "./config.js";
import { type ClientResolver, type EventListener, type ExtraRoute, Gateway } from "./gateway.js";
import type { Guard } from "./guard.js";
import { KeyStore } from "./keys/store.js";
import { Recorder } from "./recorder/recorder.js";
import { createUpstream, type Upstream } from "./upstream/upstreams.js";

export interface StartOptions {
  /** Policy layer; defaults to the one built from the config. */
  guard: Guard;
  resolveClient: ClientResolver;
  stripHeaders: ReadonlySet<string>;
  /** More event listeners beside the recorder (the live detector). */
  listeners?: EventListener[];
  extraRoutes?: ExtraRoute[];
  adminExtensions?: AdminExtension[];
  /** More gauges for /metrics and /admin/v1/stats (e.g. the live detector's queue). */
  extraStats?: () => Record<string, unknown>;
  /** Admin token (defaults to the environment variable named in the config). */
  adminToken?: string | null;
  /** Time source for event timestamps (default: the wall clock). */
  now?: () => number;
  /** Use an in-memory key store instead of `<state_dir>/keys.json`. */
  inMemoryKeys?: boolean;
  /** Overrides the upstream credentials resolved from the config (e.g. the built-in mock's). */
  credentials?: Partial<Record<Api, string | null>>;
}

export interface RunningGateway {
  url: string;
  port: number;
  server: Server;
  gateway: Gateway;
  keys: KeyStore;
  recorder: Recorder;
  close(): Promise<void>;
}

function statePath(cfg: GatewayConfig, p: string): string {
  return isAbsolute(p) ? p : join(cfg.state_dir, p);
}

/** The per-deployment key of the digests that stand in for redacted text (created on first start). */
function retentionKey(stateDir: string): string {
  const path = join(stateDir, "retention.key");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const key = randomBytes(32).toString("hex");
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Builds every part of the gateway from its config and starts listening. */
export async function startGateway(cfg: GatewayConfig, opts: StartOptions): Promise<RunningGateway> {
  mkdirSync(cfg.state_dir, { recursive: true });
  const keys = KeyStore.open(opts.inMemoryKeys ? null : statePath(cfg, "keys.json"));
  const rec = cfg.recording;
  const recorder = new Recorder({
    duckdbPath: rec.duckdb ? statePath(cfg, rec.duckdb) : null,
    jsonlDir: rec.jsonl_dir ? statePath(cfg, rec.jsonl_dir) : null,
    batchMs: rec.batch_ms,
    batchMax: rec.batch_max,
    queueMax: rec.queue_max,
    retention: rec.retention,
    retentionKey: retentionKey(cfg.state_dir),
  });
  await recorder.start();

  const upstreams: Partial<Record<Api, Upstream>> = {};
  const configured: [Api, GatewayConfig["upstreams"]["anthropic"]][] = [
    ["anthropic.messages", cfg.upstreams.anthropic],
    ["openai.chat.completions", cfg.upstreams.openai],
  ];
  for (const [api, u] of configured) {
    if (!u) continue;
    const credential =
      opts.credentials && api in opts.credentials ? (opts.credentials[api] ?? null) : upstreamCredential(u);
    upstreams[api] = createUpstream(api, u, credential);
  }

  const listeners = opts.listeners ?? [];
  const onEvent: EventListener = (event, raw) => {
    recorder.record(event, raw);
    for (const l of listeners) l(event, raw);
  };

  let gateway: Gateway | null = null;
  const stats = () => ({ gateway: gateway?.metrics, recorder: recorder.stats(), ...opts.extraStats?.() });
  const adminToken =
    opts.adminToken !== undefined ? opts.adminToken : (process.env[cfg.admin.token_env] ?? null);
  const builtin: ExtraRoute = (_req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok", recorder: recorder.stats() }));
      return true;
    }
    if (path === "/metrics" && gateway) {
      const r = recorder.stats();
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(
        gateway.metrics.render({
          distillguard_recorder_queued: r.queued,
          distillguard_recorder_written: r.written,
          distillguard_recorder_dropped: r.dropped,
          distillguard_recorder_sink_failures: r.sinkFailures,
          ...flattenGauges("distillguard", opts.extraStats?.() ?? {}),
        }),
      );
      return true;
    }
    return false;
  };
  gateway = new Gateway({
    keys,
    upstreams,
    guard: opts.guard,
    resolveClient: opts.resolveClient,
    stripHeaders: opts.stripHeaders,
    maxBodyBytes: cfg.max_body_bytes,
    keepText: cfg.recording.retention === "full",
    onEvent,
    ...(opts.now ? { now: opts.now } : {}),
    extraRoutes: [
      builtin,
      adminRoutes({ keys, token: adminToken, stats, extensions: opts.adminExtensions ?? [] }),
      ...(opts.extraRoutes ?? []),
    ],
  });

  // Pick up key changes made by the CLI while the gateway runs.
  const reloadTimer = setInterval(() => {
    try {
      keys.reload();
    } catch {
      /* a half-written file is retried on the next tick */
    }
  }, 1000);
  reloadTimer.unref();

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 300_000 }, gateway.handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(cfg.listen.port, cfg.listen.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = cfg.listen.host.includes(":") ? `[${cfg.listen.host}]` : cfg.listen.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    gateway,
    keys,
    recorder,
    async close() {
      clearInterval(reloadTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(Object.values(upstreams).map((u) => u?.pool.close()));
      await recorder.close();
    },
  };
}

/** Numeric leaves of a nested stats object as Prometheus gauge names (`prefix_a_b`). */
function flattenGauges(prefix: string, value: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = `${prefix}_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
    if (typeof v === "number" && Number.isFinite(v)) out[name] = v;
    else if (typeof v === "object" && v !== null)
      Object.assign(out, flattenGauges(name, v as Record<string, unknown>));
  }
  return out;
}
