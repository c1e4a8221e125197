/**
 * The console: JSON API under /console/api/ and the built single-page app under /console/, served
 * by the gateway through its extra-route hook. Sign-in with console users (see users.ts), server-side
 * sessions in an HttpOnly SameSite=Strict cookie, a per-session CSRF token required in
 * `x-csrf-token` on every state-changing request, and roles: viewer (read), analyst (act), admin
 * (act, list users). No secret (API keys, key hashes, tokens, password hashes) is ever sent.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Decision as DetectorDecision } from "../detect/index.js";
import type { AccountVerdict, CampaignReport, DetectionReport } from "../events/report.js";
import type { ExchangeEvent } from "../events/types.js";
import type { ExtraRoute } from "../gateway/gateway.js";
import { readBody } from "../gateway/http/body.js";
import type { KeyStore } from "../gateway/keys/store.js";
import type { DecisionTable } from "../gateway/policy/index.js";
import type { LiveDetector } from "../live/live-detector.js";
import { ACTIONS_BY_KIND, ActionError, type ActionRequest, ConsoleActions, snapshot } from "./actions.js";
import { Activity, BUCKET_MS } from "./activity.js";
import { AuditLog } from "./audit.js";
import { membersGraph } from "./graph.js";
import { VerdictHistory } from "./history.js";
import { ApiError, cookies, isTls, SECURITY_HEADERS, sameOrigin, sendJson, sessionCookie } from "./http.js";
import { csrfMatches, LoginThrottle, type Session, SessionStore } from "./sessions.js";
import { serveStatic } from "./static.js";
import { ConsoleUserStore, type Role } from "./users.js";

export const COOKIE = "dg_console";

export interface ConsoleOptions {
  /** Where console-users.json and console-audit.jsonl live; null keeps both in memory. */
  stateDir: string | null;
  decisions: DecisionTable;
  /** The recording retention: sample prompts are shown only with "full". */
  retention: "none" | "full";
  /** Add `Secure` to the cookie even on plain HTTP (behind a TLS-terminating proxy). */
  secureCookies?: boolean;
  /** Directory of the built front end (default: dist/console of the package). */
  staticDir?: string;
  users?: ConsoleUserStore;
  /** Wall clock (sessions, sign-in throttle, audit times). */
  now?: () => number;
  /**
   * The gateway's clock: event times and decision expiry (a simulated, accelerated clock in the
   * demo's replay). Default: the wall clock.
   */
  gatewayNow?: () => number;
}

/** What the console reads from the running gateway, attached once it is up. */
export interface ConsoleSources {
  keys: KeyStore;
  detector: LiveDetector | null;
  stats: () => Record<string, unknown>;
}

/** Builds the console's route, event listener and decision hook. */
export class ConsoleApp {
  readonly users: ConsoleUserStore;
  readonly sessions: SessionStore;
  readonly audit: AuditLog;
  readonly actions: ConsoleActions;
  readonly activity: Activity;
  readonly history = new VerdictHistory();
  private readonly throttle: LoginThrottle;
  private sources: ConsoleSources | null = null;
  private cached: { at: number; report: DetectionReport } | null = null;
  private readonly now: () => number;
  private readonly gatewayNow: () => number;
  private readonly staticDir: string;

  constructor(private readonly opts: ConsoleOptions) {
    this.now = opts.now ?? Date.now;
    this.users =
      opts.users ?? new ConsoleUserStore(opts.stateDir ? join(opts.stateDir, "console-users.json") : null);
    this.sessions = new SessionStore({ now: this.now });
    this.throttle = new LoginThrottle({ now: this.now });
    this.audit = new AuditLog(opts.stateDir ? join(opts.stateDir, "console-audit.jsonl") : null);
    this.gatewayNow = opts.gatewayNow ?? this.now;
    this.actions = new ConsoleActions(opts.decisions, this.audit, this.gatewayNow, this.now);
    this.activity = new Activity({ keepSamples: opts.retention === "full" });
    this.staticDir = opts.staticDir ?? new URL("../../console/", import.meta.url).pathname;
  }

  /** Connects the running gateway's parts. */
  attach(sources: ConsoleSources): void {
    this.sources = sources;
  }

  /** Gateway event listener. */
  readonly onEvent = (event: ExchangeEvent): void => this.activity.onEvent(event);

  /** The live detector's `onDecision` hook. */
  readonly onDecision = (d: DetectorDecision): void => {
    this.history.add(d);
    this.activity.noteVerdict(d.verdict, d.timeMs);
  };

  /** The gateway extra route. */
  readonly route: ExtraRoute = (req, res, path) => {
    if (path !== "/console" && !path.startsWith("/console/")) return false;
    if (path.startsWith("/console/api/")) {
      void this.api(req, res, path.slice("/console/api".length)).catch((err: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (err instanceof ApiError)
          sendJson(res, err.status, { error: { code: err.code, message: err.message } }, err.headers);
        else if (err instanceof ActionError)
          sendJson(res, 400, { error: { code: "invalid_action", message: err.message } });
        else sendJson(res, 500, { error: { code: "internal", message: "internal error" } });
      });
      return true;
    }
    if (path === "/console") {
      res.writeHead(308, { ...SECURITY_HEADERS, location: "/console/" });
      res.end();
      return true;
    }
    serveStatic(req, res, this.staticDir, path.slice("/console/".length));
    return true;
  };

  // ---- API ---------------------------------------------------------------------------------

  private async api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://x");
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const mutating = method !== "GET" && method !== "HEAD";
    if (mutating && !sameOrigin(req)) throw new ApiError(403, "bad_origin", "cross-origin request refused");

    if (method === "POST" && path === "/login") return this.login(req, res);
    const session = this.sessions.get(cookies(req)[COOKIE]);
    if (!session) throw new ApiError(401, "unauthenticated", "sign in first");
    if (!this.users.get(session.username)) {
      this.sessions.destroy(session.id);
      throw new ApiError(401, "unauthenticated", "this user is disabled");
    }
    if (mutating && !csrfMatches(session, header(req, "x-csrf-token")))
      throw new ApiError(403, "csrf", "missing or wrong CSRF token");

    if (method === "GET" && path === "/session") return sendJson(res, 200, this.sessionBody(session));
    if (method === "POST" && path === "/logout") {
      this.sessions.destroy(session.id);
      return sendJson(
        res,
        200,
        { ok: true },
        { "set-cookie": sessionCookie(COOKIE, "", { secure: this.secure(req), maxAgeSec: 0 }) },
      );
    }
    if (method === "POST" && path === "/actions") {
      if (session.role === "viewer") throw new ApiError(403, "forbidden", "viewers cannot act");
      const body = (await readJson(req)) as Partial<ActionRequest>;
      const entry = this.actions.apply(
        { username: session.username, role: session.role },
        body as ActionRequest,
      );
      this.cached = null;
      return sendJson(res, 201, { entry });
    }
    if (method !== "GET") throw new ApiError(404, "not_found", `no route ${method} ${path}`);
    const [a, b] = parts;
    if (a === "overview" && parts.length === 1) return sendJson(res, 200, await this.overview(url));
    if (a === "campaigns" && parts.length === 1) return sendJson(res, 200, await this.campaigns());
    if (a === "campaigns" && b && parts.length === 2) return sendJson(res, 200, await this.campaign(b));
    if (a === "accounts" && parts.length === 1) return sendJson(res, 200, await this.accountList(url));
    if (a === "accounts" && b && parts.length === 2) return sendJson(res, 200, await this.account(b));
    if (a === "review" && parts.length === 1) return sendJson(res, 200, await this.review());
    if (a === "audit" && parts.length === 1) {
      const subject = url.searchParams.get("subject") ?? undefined;
      const limit = clampInt(url.searchParams.get("limit"), 1, 5000, 500);
      return sendJson(res, 200, { entries: this.audit.list({ limit, ...(subject ? { subject } : {}) }) });
    }
    if (a === "users" && parts.length === 1) {
      if (session.role !== "admin") throw new ApiError(403, "forbidden", "admins only");
      return sendJson(res, 200, { users: this.users.list() });
    }
    throw new ApiError(404, "not_found", `no route GET ${path}`);
  }

  private secure(req: IncomingMessage): boolean {
    return this.opts.secureCookies === true || isTls(req);
  }

  private sessionBody(s: Session) {
    return {
      user: { username: s.username, role: s.role },
      csrf: s.csrf,
      can_act: s.role !== "viewer",
      retention: this.opts.retention,
      actions: ACTIONS_BY_KIND,
    };
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readJson(req)) as { username?: unknown; password?: unknown };
    const username = typeof body.username === "string" ? body.username.slice(0, 64) : "";
    const password = typeof body.password === "string" ? body.password.slice(0, 1024) : "";
    const ip = req.socket.remoteAddress ?? "?";
    const keys = [`u:${username}`, `ip:${ip}`];
    const wait = this.throttle.retryAfter(keys);
    if (wait > 0) {
      throw new ApiError(429, "too_many_attempts", "too many failed sign-ins; try again later", {
        "retry-after": String(Math.ceil(wait / 1000)),
      });
    }
    const user = username && password ? this.users.authenticate(username, password) : null;
    if (!user) {
      this.throttle.fail(keys);
      throw new ApiError(401, "bad_credentials", "wrong username or password");
    }
    this.throttle.succeed(keys);
    const s = this.sessions.create(user.username, user.role);
    sendJson(res, 200, this.sessionBody(s), {
      "set-cookie": sessionCookie(COOKIE, s.id, { secure: this.secure(req), maxAgeSec: 12 * 3600 }),
    });
  }

  // ---- data ----------------------------------------------------------------------------------

  private async report(): Promise<DetectionReport> {
    const t = this.now();
    if (this.cached && t - this.cached.at < 1000) return this.cached.report;
    const det = this.sources?.detector;
    const report: DetectionReport = det ? (await det.report()).report : { accounts: [], campaigns: [] };
    this.cached = { at: t, report };
    return report;
  }

  private effective(accountId: string) {
    return snapshot(this.opts.decisions.get(accountId, this.gatewayNow()));
  }

  private campaignSummary(c: CampaignReport) {
    const override = this.actions.override("campaign", c.id);
    let blocked = 0;
    for (const id of c.accounts) blocked += this.activity.account(id)?.statuses["403"] ?? 0;
    return {
      id: c.id,
      members: c.accounts.length,
      first_seen: c.first_seen,
      detected_at: c.detected_at,
      exchanges: c.exchanges,
      capabilities: c.capabilities,
      verdict: typeof c.verdict === "string" ? c.verdict : null,
      score: typeof c.score === "number" ? c.score : null,
      protect: c.protect === true,
      override: snapshot(override),
      enforcement: override ? override.action : typeof c.verdict === "string" ? c.verdict : null,
      blocked_requests: blocked,
      top_reasons: Array.isArray(c.reasons)
        ? (c.reasons as { id: string; text: string }[]).slice(0, 3).map((r) => r.text)
        : [],
    };
  }

  private async overview(url: URL) {
    const minutes = clampInt(url.searchParams.get("minutes"), 1, 360, 30);
    const since = this.gatewayNow() - minutes * 60_000;
    const step = Math.max(1, Math.ceil((minutes * 60_000) / BUCKET_MS / 180));
    const report = await this.report();
    const verdicts: Record<string, number> = {};
    for (const a of report.accounts) verdicts[a.verdict] = (verdicts[a.verdict] ?? 0) + 1;
    const stats = this.sources?.stats() ?? {};
    return {
      now: new Date(this.gatewayNow()).toISOString(),
      bucket_ms: BUCKET_MS * step,
      series: this.activity.series(since, step),
      verdicts,
      accounts_seen: this.activity.stats.accounts,
      requests_seen: this.activity.stats.requests,
      campaigns: report.campaigns
        .map((c) => this.campaignSummary(c))
        .sort((x, y) => y.exchanges - x.exchanges)
        .slice(0, 8),
      review_count: this.reviewAccounts(report).length,
      overrides: this.actions.overrides().length,
      queue: { detector: this.sources?.detector?.stats() ?? null, recorder: stats.recorder ?? null },
    };
  }

  private async campaigns() {
    const report = await this.report();
    return {
      now: new Date(this.gatewayNow()).toISOString(),
      campaigns: report.campaigns
        .map((c) => this.campaignSummary(c))
        .sort((x, y) => y.exchanges - x.exchanges),
    };
  }

  private async campaign(id: string) {
    const report = await this.report();
    const c = report.campaigns.find((x) => x.id === id);
    if (!c) throw new ApiError(404, "not_found", `no campaign ${id}`);
    const byId = new Map(report.accounts.map((a) => [a.account_id, a]));
    const members = c.accounts.map((accountId) => {
      const act = this.activity.account(accountId);
      const v = byId.get(accountId);
      return {
        account_id: accountId,
        verdict: v?.verdict ?? "allow",
        score: v?.score ?? 0,
        requests: act?.requests ?? 0,
        first_seen: act ? new Date(act.first_seen).toISOString() : null,
        last_seen: act ? new Date(act.last_seen).toISOString() : null,
        effective: this.effective(accountId),
        attrs: act?.attrs ?? {},
      };
    });
    // timeline: members' requests (and blocked requests) per bucket
    const buckets = new Map<number, [number, number]>();
    const models: Record<string, number> = {};
    for (const accountId of c.accounts) {
      const act = this.activity.account(accountId);
      if (!act) continue;
      for (const [t, n, blocked] of act.series) {
        const cur = buckets.get(t) ?? [0, 0];
        cur[0] += n;
        cur[1] += blocked;
        buckets.set(t, cur);
      }
      for (const [m, n] of Object.entries(act.models)) models[m] = (models[m] ?? 0) + n;
    }
    const timeline = [...buckets]
      .sort((x, y) => x[0] - y[0])
      .map(([t, [n, blocked]]) => ({ t, requests: n, blocked }));
    const reasons = Array.isArray(c.reasons) ? c.reasons : [];
    const release = (reasons as { id: string }[]).filter((r) => r.id.includes("release"));
    return {
      campaign: { ...this.campaignSummary(c), indicators: c.indicators, reasons },
      members: members.map(({ attrs: _a, ...m }) => m),
      graph: membersGraph(
        members.map((m) => ({
          id: m.account_id,
          verdict: m.effective?.action ?? m.verdict,
          requests: m.requests,
          attrs: m.attrs,
        })),
      ),
      timeline,
      bucket_ms: BUCKET_MS,
      models,
      release_behaviour: release,
      history: this.history.of("campaign", id),
      audit: this.audit.list({ subject: id, limit: 100 }),
      actions: ACTIONS_BY_KIND.campaign,
    };
  }

  private async accountList(url: URL) {
    const report = await this.report();
    const verdict = url.searchParams.get("verdict");
    const list = report.accounts
      .filter((a) => (verdict ? a.verdict === verdict : a.verdict !== "allow"))
      .sort((x, y) => y.score - x.score)
      .slice(0, 500)
      .map((a) => ({
        account_id: a.account_id,
        verdict: a.verdict,
        score: a.score,
        campaign_id: a.campaign_id,
        requests: this.activity.account(a.account_id)?.requests ?? 0,
        effective: this.effective(a.account_id),
      }));
    return { accounts: list };
  }

  private async account(id: string) {
    const report = await this.report();
    const v = report.accounts.find((a) => a.account_id === id) ?? null;
    const keys = this.sources?.keys;
    const stored = keys?.account(id) ?? null;
    const act = this.activity.account(id);
    if (!v && !stored && !act) throw new ApiError(404, "not_found", `no account ${id}`);
    const campaignId = v?.campaign_id ?? this.opts.decisions.campaignOf(id) ?? null;
    return {
      account: {
        account_id: id,
        org_id: stored?.org_id ?? act?.org_id ?? null,
        org_name: stored?.org_id
          ? (keys?.listOrgs().find((o) => o.id === stored.org_id)?.name ?? null)
          : null,
        created_at: stored?.created_at ?? act?.account?.created_at ?? null,
        verified: stored?.verified ?? act?.account?.verified ?? null,
        tier: stored?.tier ?? act?.account?.tier ?? null,
        email_domain: stored?.email_domain ?? act?.account?.email_domain ?? null,
        payment_fingerprint: stored?.payment_fingerprint ?? act?.account?.payment_fingerprint ?? null,
        // key ids only (the visible prefix), never secrets or hashes
        keys: keys
          ? keys
              .listKeys(id)
              .map((k) => ({ id: k.id, name: k.name, created_at: k.created_at, revoked_at: k.revoked_at }))
          : [],
      },
      verdict: v
        ? {
            verdict: v.verdict,
            score: v.score,
            protect: v.protect === true,
            first_flagged_at: v.first_flagged_at,
            reasons: v.reasons,
          }
        : null,
      campaign_id: campaignId,
      effective: this.effective(id),
      override: snapshot(this.actions.override("account", id)),
      campaign_override: campaignId ? snapshot(this.actions.override("campaign", campaignId)) : null,
      activity: act
        ? {
            requests: act.requests,
            first_seen: new Date(act.first_seen).toISOString(),
            last_seen: new Date(act.last_seen).toISOString(),
            statuses: act.statuses,
            models: act.models,
            apis: act.apis,
            input_tokens: act.input_tokens,
            output_tokens: act.output_tokens,
            series: act.series,
            user_agents: act.user_agents,
            countries: act.countries,
            ip_prefixes: act.attrs.ip_prefix,
            templates: act.attrs.template,
          }
        : null,
      bucket_ms: BUCKET_MS,
      samples: this.opts.retention === "full" ? (act?.samples ?? []) : null,
      retention: this.opts.retention,
      history: this.history.of("account", id),
      audit: this.audit.list({ subject: id, limit: 100 }),
      actions: ACTIONS_BY_KIND.account,
    };
  }

  private reviewAccounts(report: DetectionReport): AccountVerdict[] {
    return report.accounts.filter(
      (a) => a.verdict === "review" && !this.actions.override("account", a.account_id),
    );
  }

  private async review() {
    const report = await this.report();
    return {
      accounts: this.reviewAccounts(report)
        .sort((x, y) => y.score - x.score)
        .map((a) => ({
          account_id: a.account_id,
          score: a.score,
          campaign_id: a.campaign_id,
          requests: this.activity.account(a.account_id)?.requests ?? 0,
          reasons: a.reasons.filter((r) => (r.weight ?? 0) > 0).slice(0, 4),
          effective: this.effective(a.account_id),
        })),
    };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function clampInt(v: string | null, min: number, max: number, dflt: number): number {
  const n = v === null ? Number.NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : dflt;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const ct = req.headers["content-type"] ?? "";
  if (!ct.toLowerCase().startsWith("application/json"))
    throw new ApiError(415, "bad_content_type", "send application/json");
  const raw = await readBody(req, 64 * 1024);
  try {
    const v: unknown = JSON.parse(raw.toString("utf8") || "{}");
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v;
  } catch {
    throw new ApiError(400, "bad_json", "body must be a JSON object");
  }
}

/** Role names, for the CLI. */
export type { Role };
